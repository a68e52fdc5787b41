"""The vision package's error codes as messages in the reader's language.

The vision package raises errors with a stable code and parameters (and English text for the
command line); a failed upload stores the code and parameters, and the page renders them
here, through gettext, in the language of whoever reads it. The file's name is left out: the
patient knows which file they sent, and the stored name is ours, not theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# One entry per code of upperback.vision.errors.MESSAGES (a test holds the two in step).
TEXTS: dict[str, Any] = {
    "file_unreadable": _("The file cannot be read; upload it again."),
    "file_empty": _("The file is empty; upload it again."),
    "file_too_large": _("The file is too large (%(megabytes)s MB)."),
    "png_header_damaged": _("The photo is damaged (its PNG header); take the photo again."),
    "jpeg_header_damaged": _("The photo is damaged (its JPEG header); take the photo again."),
    "not_a_photo": _("This is not a JPEG or PNG photo; take a photo and upload that."),
    "photo_without_size": _("The photo declares no size; take it again."),
    "photo_too_many_pixels": _(
        "The photo is %(megapixels)s megapixels, more than the %(limit)s allowed; use a smaller photo."
    ),
    "photo_damaged": _("The photo is damaged and cannot be read; take it again."),
    "not_a_video": _("This is not an MP4, MOV or WebM video; record it again."),
    "video_too_long": _("The video lasts %(seconds)s s; keep it under %(limit)s s (one exercise)."),
    "video_too_large": _("The video is larger than 4K; record at 1080p or less."),
    "video_damaged": _("The video is damaged (no frame decodes); record it again."),
    "video_unopenable": _("This video cannot be opened (damaged or not a video)."),
    "video_no_frames": _("This video has no readable frames (damaged or empty)."),
    "video_undecodable": _("No frame of this video could be decoded (damaged file)."),
    "photo_too_narrow": _(
        "The photo is %(ratio)s times longer than it is wide (at most %(limit)s); take an ordinary upright photo."
    ),
    "photo_too_large_for_model": _(
        "The photo is too large to analyse (%(side)s pixels a side once squared, at most %(limit)s); use a smaller photo."
    ),
    "video_too_narrow": _("The video's picture is too long and narrow; record an ordinary video."),
    "video_frame_rate": _(
        "The video declares %(fps)s frames a second, more than %(limit)s; record it again."
    ),
    "video_length_mismatch": _(
        "The video holds more frames than its header declares; record it again or export it as MP4."
    ),
    "video_too_many_frames": _(
        "The video holds more than %(limit)s frames; keep it under %(seconds)s s (one exercise)."
    ),
    "analysis_out_of_memory": _(
        "Analysing this file needed more memory than allowed; use a smaller photo or a shorter video."
    ),
    "analysis_timed_out": _(
        "The analysis took longer than %(seconds)s s and was stopped; use a shorter video."
    ),
    "analysis_crashed": _("The analysis stopped on this file; try another photo or video."),
    "analysis_failed": _("The analysis failed on this file; try another photo or video."),
    "analysis_interrupted": _(
        "The analysis was interrupted twice (the server restarted); upload the file again."
    ),
    "two_people": _(
        "More than one person is in this photo: retake it with only the patient in view."
    ),
    "no_person_photo": _(
        "No person was found in this photo: retake it with your head, shoulders and hips in view, in good light, against a plain background."
    ),
    "no_person_video": _(
        "No person was found in this video: film yourself from head to hips, in good light."
    ),
    "no_person_most_frames": _(
        "No person was found in most of this video: film yourself from head to hips, in good light, with nobody else in view."
    ),
    "no_person_upper_body": _(
        "No person was found in this video: film yourself with your whole upper body in view."
    ),
    "no_shoulders_and_hips": _(
        "No frame shows your shoulders and hips: step back so they are in view."
    ),
    "wrong_view": _("This exercise is filmed from %(views)s; film it from that side."),
    "ear_and_shoulder_unclear": _(
        "The ear and shoulder are not both clear: retake from the side, head to hips in view."
    ),
    "shoulders_not_in_view": _(
        "Both shoulders must be in view: retake with head to hips in the photo."
    ),
    # Set-up mistakes a patient cannot fix: one message, the details stay in the log.
    "unknown_exercise": _("This exercise cannot be analysed yet; the team has been told."),
    "tracking_spec_invalid": _("This exercise cannot be analysed yet; the team has been told."),
    "job_without_exercise": _("Choose the exercise the video shows."),
    "bad_point": _("A point is given as x and y in pixels."),
    "unknown_point": _("Place the tragus and C7 only."),
    "c7_not_below_tragus": _(
        "These points give an angle of %(angle)s degrees, and a craniovertebral angle lies between 0 and 90: C7 is the bump at the base of the neck, below the ear; place it again."
    ),
}
VIEW_NAMES: dict[str, Any] = {
    "front": _("the front"),
    "side": _("the side"),
    "back": _("the back"),
}


def _localised(value: Any) -> Any:
    """A list parameter (views) in words of the reader's language, joined with "or"."""
    if isinstance(value, list):
        return gettext(" or ").join(str(VIEW_NAMES.get(item, item)) for item in value)
    return value


def vision_message(code: str, params: Mapping[str, Any]) -> str:
    """The message for a vision error code, in the active language."""
    template = TEXTS.get(code)
    if template is None:  # a code from a newer vision package: still say something useful
        return gettext("This file could not be analysed; try another photo or video.")
    return str(template) % {name: _localised(value) for name, value in params.items()}
