"""What the live coaching page needs: the spec, the model's files, the texts in the reader's
language, and the plan's prescription when the page was opened from a plan."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from upperback.vision import VisionError
from upperback.web.records.access import access_assessment

from .analysis_texts import FAULTS
from .live import is_experimental, page_spec, plan_exercises
from .names import exercise_name

# `make setup` copies these from the pinned npm package @mediapipe/pose (frontend/) into the
# static folder; the page's locateFile maps each name the runtime asks for to its static URL.
POSE_ASSETS = (
    "pose.js",
    "pose_solution_packed_assets_loader.js",
    "pose_solution_packed_assets.data",
    "pose_solution_simd_wasm_bin.js",
    "pose_solution_simd_wasm_bin.wasm",
    "pose_solution_simd_wasm_bin.data",
    "pose_solution_wasm_bin.js",
    "pose_solution_wasm_bin.wasm",
    "pose_landmark_lite.tflite",
    "pose_landmark_full.tflite",
    "pose_web.binarypb",
)
ASSET_FOLDER = "vendor/mediapipe-pose"
# The setup check's face detector, copied the same way from @mediapipe/face_detection (the
# short-range graph and model are what the runtime loads first, before the page picks "full").
FACE_ASSETS = (
    "face_detection.js",
    "face_detection_short.binarypb",
    "face_detection_full.binarypb",
    "face_detection_short_range.tflite",
    "face_detection_full_range_sparse.tflite",
    "face_detection_solution_simd_wasm_bin.js",
    "face_detection_solution_simd_wasm_bin.wasm",
    "face_detection_solution_simd_wasm_bin.data",
    "face_detection_solution_wasm_bin.js",
    "face_detection_solution_wasm_bin.wasm",
)
FACE_ASSET_FOLDER = "vendor/mediapipe-face-detection"


def asset_urls() -> dict[str, str]:
    return {name: static(f"{ASSET_FOLDER}/{name}") for name in POSE_ASSETS}


def face_asset_urls() -> dict[str, str]:
    return {name: static(f"{FACE_ASSET_FOLDER}/{name}") for name in FACE_ASSETS}


def face_frame_context() -> dict[str, Any]:
    """The face detector's frame: its model files and the setup check's limits (the spec's)."""
    return {"face_assets_json": face_asset_urls(), "setup_json": page_spec()["setup"]}


def texts(exercise_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Everything the script shows or says, in the active language."""
    cues = {
        rule["id"]: str(FAULTS.get(f"fault.{exercise_id}.{rule['id']}", rule["message"]))
        for rule in spec.get("faults", [])
    }
    return {
        "cues": cues,
        "body": _("Move so that your head, shoulders, arms and hips are in the picture."),
        "light": _("More light, please: the picture is too dark."),
        "too_close": _("Step back a little: you are too close to the camera."),
        "too_far": _("Come a little closer to the camera."),
        "person": _("Someone else is in view: please ask them to step out of the picture."),
        "ready": _("Ready: start your set."),
        "no_camera": _("The camera could not be opened. Check the browser's permission."),
        "loading": _("Loading the pose model on this device…"),
        "set_sent": _("Set %(set)s: %(browser)s counted here, %(server)s on the clinic's recount."),
        # Slower than counting needs (vision.live.MIN_COUNTING_FPS): said during the set, and
        # the recount of the same sparse frames is said to be no check.
        "too_slow": _(
            "This device follows you at %(fps)s frames a second, and counting needs %(min)s: "
            "the count here may be wrong. Please count your repetitions yourself."
        ),
        "set_unchecked": _(
            "Set %(set)s: %(browser)s counted here. The clinic could not check this count: the "
            "camera followed you at %(fps)s frames a second, fewer than the %(min)s counting "
            "needs. Go by your own count."
        ),
        "check_pass": _("Passed:"),
        "check_fail": _("Not yet:"),
        "check_unknown": _("Could not be checked:"),
        "check_waiting": _("Waiting for the camera:"),
        "disagree": _("The two counts differ; your clinician will see both."),
        "not_sent": _("The set could not be saved. Try again."),
        "nothing": _("No movement was recorded in this set."),
        "up": _("up"),
        "down": _("down"),
    }


def page_context(user: Any, exercise_id: str, assessment_id: str | None) -> dict[str, Any]:
    spec = page_spec()
    exercise = spec["exercises"].get(exercise_id)
    if exercise is None:
        raise Http404("No such exercise.")
    prescription: dict[str, Any] = {}
    assessment = None
    if assessment_id:
        assessment = access_assessment(user, assessment_id, purpose="media.live", herself_only=True)
        if exercise_id not in plan_exercises(assessment):
            raise Http404("Not in this plan.")
        prescription = _prescription(assessment, exercise_id)
    try:
        experimental = is_experimental(exercise_id)
    except VisionError:  # pragma: no cover - the spec was read above
        raise Http404("No such exercise.") from None
    return {
        "exercise": exercise,
        # In the reader's language, the one name used everywhere (the spec holds both).
        "name": exercise_name(exercise_id),
        "sets": prescription.get("sets") or 3,
        "repetitions": prescription.get("repetitions") or 10,
        "assessment": assessment,
        "experimental": experimental,
        "spec_json": spec,
        "assets_json": asset_urls(),
        "texts_json": texts(exercise_id, exercise),
        "config_json": {
            "exercise": exercise_id,
            "view": exercise["views"][0],
            "lang": get_language() or "en",
            "api": reverse("api:live_set"),
            "assessment": assessment.pk if assessment else None,
        },
    }


def _prescription(assessment: Any, exercise_id: str) -> dict[str, Any]:
    for step in (assessment.assessment or {}).get("plan", []):
        for exercise in (step.get("details") or {}).get("exercises", []):
            if exercise.get("id") == exercise_id:
                return dict(exercise)
    return {}
