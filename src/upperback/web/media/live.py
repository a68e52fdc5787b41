"""Live coaching: the page's spec, the end-of-set endpoint, and the adherence read.

The pose runs in the patient's browser; at the end of a set the page posts the landmarks the
tracking spec needs and its own count (small JSON, never a picture). The server recounts them
with the vision package's counter, stores the set as exercise adherence and flags a count the
two disagree on.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field, JsonValue, field_validator

from upperback.vision import (
    MIN_COUNTING_FPS,
    LiveFrame,
    VisionError,
    browser_spec,
    fast_enough_to_count,
    load_library,
    measured_fps,
    recount_live_set,
)
from upperback.web.records.access import access_assessment, access_patient

from . import actions
from .access import access_live_sessions
from .models import LiveSession

# 180 s at 15 samples a second, the longest set an uploaded video may hold.
MAX_FRAMES = 2700
# About 270 bytes a frame of 11 landmarks; a full-length set fits with room to spare.
MAX_BODY_BYTES = 1_000_000
SESSION_KEY = re.compile(r"^[A-Za-z0-9-]{8,40}$")


def plan_exercises(assessment: Any) -> list[str]:
    """The exercise ids of an assessment's plan, in plan order."""
    steps = (assessment.assessment or {}).get("plan", [])
    return [e["id"] for s in steps for e in (s.get("details") or {}).get("exercises", [])]


def is_experimental(exercise_id: str) -> bool:
    """No labelled real clip validates this exercise's count (the spec says so)."""
    return not load_library().get(exercise_id).proven_on_real_people


def page_spec() -> dict[str, Any]:
    """What the coaching page reads: the tracking spec and the counter's constants."""
    spec: dict[str, Any] = browser_spec()
    return spec


def _exercise_ids() -> list[JsonValue]:
    return [e.id for e in load_library().exercises]


# The landmarks a frame holds (vision.live.LIVE_JOINTS), in the order the spec lists them.
LANDMARKS = len(browser_spec()["landmarks"])
# x and y are fractions of the picture (a joint may lie a little outside it); visibility 0-1.
Coordinate = Annotated[float, Field(ge=-1, le=2)]
Visibility = Annotated[float, Field(ge=0, le=1)]


class LiveFrameIn(Schema):
    t: float = Field(ge=0, le=600)
    p: list[tuple[Coordinate, Coordinate, Visibility]] | None = Field(
        default=None, min_length=LANDMARKS, max_length=LANDMARKS
    )

    @field_validator("p")
    @classmethod
    def _a_body(
        cls, value: list[tuple[float, float, float]] | None
    ) -> list[tuple[float, float, float]] | None:
        """Landmarks all on one spot are no body (the page sends no `p` when it sees
        nobody): the counter would divide by a torso of no length."""
        if value is not None and len({(x, y) for x, y, _ in value}) == 1:
            raise ValueError("the landmarks all lie on one spot; send no p when no one is seen")
        return value


class LiveSetIn(Schema):
    session: str = Field(pattern=SESSION_KEY.pattern)
    exercise: str = Field(json_schema_extra={"enum": _exercise_ids()})
    view: Literal["front", "side"]
    assessment: int | None = Field(default=None, ge=1, le=2**63 - 1)
    width: int = Field(ge=16, le=4096)
    height: int = Field(ge=16, le=4096)
    sample_fps: float = Field(ge=1, le=30)
    reps_counted: int = Field(ge=0, le=500)
    frames: list[LiveFrameIn] = Field(min_length=1, max_length=MAX_FRAMES)

    @field_validator("exercise")
    @classmethod
    def _tracked(cls, value: str) -> str:
        if value not in _exercise_ids():
            raise ValueError("not an exercise the camera follows")
        return value


class LiveSetOut(Schema):
    session: int
    set_number: int
    reps_browser: int
    reps_server: int
    agree: bool
    experimental: bool
    sets: int
    # False: the frames came slower than counting needs, so the recount checked nothing.
    checked: bool
    frame_rate: float
    min_frame_rate: float


def post_live_set(request: HttpRequest, body: LiveSetIn) -> Status[LiveSetOut]:
    """POST /api/v1/live-sets (registered in web/api.py): one finished set of the caller's."""
    if len(request.body) > MAX_BODY_BYTES:
        raise HttpError(413, "The set is too large.")
    user = getattr(request, "auth")  # noqa: B009 (ninja sets it)
    patient = access_patient(user, user.pk, purpose="media.live", herself_only=True)
    assessment = _own_plan(user, body)
    report = _recount(body)
    try:
        session = _record(patient, assessment, body, report)
    except ValidationError:
        raise HttpError(409, "session: it coaches another exercise") from None
    out = session.per_set[-1]
    return Status(
        201,
        LiveSetOut(
            session=session.pk,
            set_number=out["set"],
            reps_browser=out["reps_browser"],
            reps_server=out["reps_server"],
            agree=out["reps_browser"] == out["reps_server"],
            experimental=session.experimental,
            sets=session.sets,
            checked=out["checked"],
            frame_rate=out["frame_rate"],
            min_frame_rate=MIN_COUNTING_FPS,
        ),
    )


def _record(patient: Any, assessment: Any, body: LiveSetIn, report: dict[str, Any]) -> Any:
    return actions.record_live_set(
        patient=patient,
        key=body.session,
        exercise_id=body.exercise,
        view=body.view,
        tracking_version=load_library().version,
        experimental=is_experimental(body.exercise),
        reps_browser=body.reps_counted,
        reps_server=len(report["repetitions"]),
        details=report,
        assessment=assessment,
    )


def _own_plan(user: Any, body: LiveSetIn) -> Any:
    """The patient's own assessment whose plan holds the exercise (None: practice)."""
    if body.view not in load_library().get(body.exercise).views:
        raise HttpError(409, "view: the camera follows this exercise from another side")
    if body.assessment is None:
        return None
    record = access_assessment(user, body.assessment, purpose="media.live", herself_only=True)
    if body.exercise not in plan_exercises(record):
        raise HttpError(404, "exercise: not in this plan")
    return record


def _in_time_order(frames: list[LiveFrameIn]) -> list[LiveFrameIn]:
    """The frames whose time follows the previous kept one (a repeated time is dropped)."""
    kept: list[LiveFrameIn] = []
    for frame in frames:
        if not kept or frame.t > kept[-1].t:
            kept.append(frame)
    return kept


def _recount(body: LiveSetIn) -> dict[str, Any]:
    frames = [LiveFrame(time_s=f.t, points=f.p) for f in _in_time_order(body.frames)]
    rate = measured_fps(frames)
    return {
        **_count(body, frames),
        "frame_rate": round(rate, 1),
        "checked": fast_enough_to_count(rate),
    }


def _count(body: LiveSetIn, frames: list[LiveFrame]) -> dict[str, Any]:
    try:
        report = recount_live_set(
            body.exercise,
            body.view,
            frames,
            width=body.width,
            height=body.height,
            sample_fps=body.sample_fps,
        )
    except VisionError:  # nobody in view: the server counts none
        return {"repetitions": [], "faults": [], "frames": len(frames)}
    summary = report.to_json()
    return {
        "repetitions": summary["per_repetition"],
        "faults": [f["id"] for f in summary["faults"]],
        "frames": len(frames),
    }


def sessions_of(user: Any, patient_id: Any, *, purpose: str = "media.live.list") -> list[Any]:
    """A patient's live sessions, newest first (for the progress page and the clinician)."""
    return list(access_live_sessions(user, patient_id, purpose=purpose))


def count_sessions(sessions: list[LiveSession]) -> dict[str, int]:
    """Sessions and sets done, and sessions whose counts disagreed."""
    return {
        "sessions": len(sessions),
        "sets": sum(s.sets for s in sessions),
        "disagreements": sum(s.disagreement for s in sessions),
    }
