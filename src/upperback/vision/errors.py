"""The errors of the vision package: each carries a stable code, its parameters, and the
English message a patient can act on.

The code and parameters are what a caller keeps and translates (the web app renders them
through gettext in the reader's language); `str(error)` is the English text for the command
line and logs, prefixed with the file's name when one is known. This package stays free of
Django: the catalogue below is plain text, and the web app holds its own translations of
every code (a test checks that both cover the same codes and parameters).
"""

from __future__ import annotations

import string
from typing import Any

# A parameter: a number, a word, or a list of words (joined with " or " in English).
Param = str | int | float | list[str]

# code -> English template ({name} placeholders). Codes are stable: stored with a failed
# upload and translated later, so rename one only with a data migration.
MESSAGES: dict[str, str] = {
    # The file itself (MediaError)
    "file_unreadable": "the file cannot be read ({reason}).",
    "file_empty": "the file is empty; upload it again.",
    "file_too_large": "the file is too large ({megabytes} MB).",
    "png_header_damaged": "the PNG header is damaged; take the photo again.",
    "jpeg_header_damaged": (
        "the JPEG header is damaged or its size lies beyond the first 64 KB; take the photo again."
    ),
    "not_a_photo": "this is not a JPEG or PNG photo; take a photo and upload that.",
    "photo_without_size": "the photo declares no size; take it again.",
    "photo_too_many_pixels": (
        "the photo is {megapixels} megapixels, more than the {limit} allowed; use a smaller photo."
    ),
    "photo_damaged": "the photo is damaged and cannot be read; take it again.",
    "not_a_video": "this is not an MP4, MOV or WebM video; record it again.",
    "video_too_long": "the video lasts {seconds} s; keep it under {limit} s (one exercise).",
    "video_too_large": "the video is larger than 4K; record at 1080p or less.",
    "video_damaged": "the video is damaged (no frame decodes); record it again.",
    "video_unopenable": "this video cannot be opened (damaged or not a video).",
    "video_no_frames": "this video has no readable frames (damaged or empty).",
    "video_undecodable": "no frame of this video could be decoded (damaged file).",
    "photo_too_narrow": (
        "the photo is {ratio} times longer than it is wide (at most {limit}); "
        "take an ordinary upright photo."
    ),
    "photo_too_large_for_model": (
        "the photo is too large to analyse ({side} pixels a side once squared, at most "
        "{limit}); use a smaller photo."
    ),
    "video_too_narrow": "the video's picture is too long and narrow; record an ordinary video.",
    "video_frame_rate": (
        "the video declares {fps} frames a second, more than {limit}; record it again."
    ),
    "video_length_mismatch": (
        "the video holds more frames than its header declares; record it again or export it as MP4."
    ),
    "video_too_many_frames": (
        "the video holds more than {limit} frames; keep it under {seconds} s (one exercise)."
    ),
    # The analysis itself stopped (run in a separate process with memory and time limits)
    "analysis_out_of_memory": (
        "analysing this file needed more memory than allowed; use a smaller photo or a "
        "shorter video."
    ),
    "analysis_timed_out": (
        "the analysis took longer than {seconds} s and was stopped; use a shorter video."
    ),
    "analysis_crashed": "the analysis stopped on this file; try another photo or video.",
    "analysis_failed": "the analysis failed on this file; try another photo or video.",
    "analysis_interrupted": (
        "the analysis was interrupted twice (the server restarted); upload the file again."
    ),
    # What the media shows (RetakeError)
    "two_people": (
        "More than one person is in this photo: retake it with only the patient in view."
    ),
    "no_person_photo": (
        "No person was found in this photo: retake it with your head, shoulders and hips "
        "in view, in good light, against a plain background."
    ),
    "no_person_video": "no person was found: film yourself from head to hips, in good light.",
    "no_person_most_frames": (
        "No person was found in most of this video: film yourself from head to hips, "
        "in good light, with nobody else in view."
    ),
    "no_person_upper_body": (
        "No person was found in this video: film yourself with your whole upper body in view."
    ),
    "no_shoulders_and_hips": (
        "No frame shows your shoulders and hips: step back so they are in view."
    ),
    "wrong_view": "{exercise} is followed from the {views}; film it from that side.",
    "ear_and_shoulder_unclear": (
        "The ear and shoulder are not both clear: retake from the side, head to hips in view."
    ),
    "shoulders_not_in_view": (
        "Both shoulders must be in view: retake with head to hips in the photo."
    ),
    # Set-up and command-line mistakes, for whoever runs the tool, not for patients
    "unknown_exercise": "unknown exercise {exercise!r}; known: {known}",
    "tracking_spec_invalid": "{detail}",
    "job_without_exercise": "a video job needs an exercise id",
    "bad_point": "a point is NAME=X,Y (pixels), not {item!r}",
    "unknown_point": "unknown point {point!r}: place tragus and c7",
    # Placed points that no neck can show (PointsError)
    "c7_not_below_tragus": (
        "these points give an angle of {angle} degrees, and a craniovertebral angle lies "
        "between 0 and 90: C7 is the bump at the base of the neck, below the ear; place it again."
    ),
}


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _english(value: Param) -> Any:
    return " or ".join(value) if isinstance(value, list) else value


class VisionError(Exception):
    """Base of every error the vision package raises on purpose."""

    def __init__(self, code: str, *, file: str | None = None, **params: Param) -> None:
        if code not in MESSAGES:
            raise KeyError(f"no message for vision error code {code!r}")
        missing = placeholders(MESSAGES[code]) - set(params)
        if missing:
            raise KeyError(f"vision error {code!r} needs {', '.join(sorted(missing))}")
        self.code = code
        self.file = file
        self.params: dict[str, Param] = params
        super().__init__(self.english())

    def english(self) -> str:
        text = MESSAGES[self.code].format(**{k: _english(v) for k, v in self.params.items()})
        return f"{self.file}: {text}" if self.file else text

    def in_file(self, name: str) -> VisionError:
        """The same error, naming the file it was found in (same class)."""
        return type(self)(self.code, file=name, **self.params)

    def to_json(self) -> dict[str, Any]:
        """What a caller stores to translate later: the code and its parameters."""
        return {"code": self.code, "params": dict(self.params)}


class MediaError(VisionError):
    """The file is not media we can read safely (empty, truncated, wrong type, too big)."""


class RetakeError(VisionError):
    """The media is readable but does not show what we need: the message says what to retake."""


class PointsError(VisionError):
    """Tragus and C7 placed where no neck can have them: nothing is measured from them."""


class TrackingSpecError(VisionError):
    """The exercise tracking knowledge base is broken: names the file and the exercise."""
