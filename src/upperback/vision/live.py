"""Live coaching: the browser tracks the pose on the patient's device and sends only landmarks.

This module gives the browser its numbers (the tracking spec and the counter's constants, as
JSON, so the page's counter and this one read the same thresholds) and recounts a set from the
landmark series the browser sent, with the same counter as an uploaded video (no picture is
ever involved).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from upperback.vision import reps, signals
from upperback.vision.exercise import ExerciseReport, analyse_track, choose_view
from upperback.vision.landmarks import Joint, Landmark, Pose, PoseFrame
from upperback.vision.tracking_spec import load_library
from upperback.vision.video import Track, VideoInfo

# The landmarks a live set sends: every part a tracking spec or a form check reads, and the
# nose and ears that tell which way the person faces. Nothing else leaves the device.
LIVE_JOINTS: tuple[Joint, ...] = (
    Joint.NOSE,
    Joint.LEFT_EAR,
    Joint.RIGHT_EAR,
    Joint.LEFT_SHOULDER,
    Joint.RIGHT_SHOULDER,
    Joint.LEFT_ELBOW,
    Joint.RIGHT_ELBOW,
    Joint.LEFT_WRIST,
    Joint.RIGHT_WRIST,
    Joint.LEFT_HIP,
    Joint.RIGHT_HIP,
)
# The browser samples at most this often (the server's own rate for uploaded videos).
MAX_LIVE_FPS = 15.0
MIN_LIVE_FPS = 1.0
_HIDDEN = Landmark(0.0, 0.0, 0.0)


def browser_spec() -> dict[str, Any]:
    """The tracking spec and the counter's constants, as the coaching page reads them."""
    library = load_library()
    return {
        "version": library.version,
        "counter": {
            "ready_s": reps.READY_S,
            "max_gap_s": reps.MAX_GAP_S,
            "smoothing_s": reps.SMOOTHING_S,
            "visibility_gate": signals.VISIBILITY_GATE,
            "shoulder_width_per_torso": signals.SHOULDER_WIDTH_PER_TORSO,
            "baseline_percentile": signals.BASELINE_PERCENTILE,
            "max_fps": MAX_LIVE_FPS,
        },
        "landmarks": [{"name": joint.name.lower(), "index": int(joint)} for joint in LIVE_JOINTS],
        "exercises": {e.id: e.model_dump(mode="json") for e in library.exercises},
    }


@dataclass(frozen=True, slots=True)
class LiveFrame:
    """One sampled moment: its time and the LIVE_JOINTS as (x, y, visibility), x and y as
    fractions of the picture (the model's own output), or None when nobody was found."""

    time_s: float
    points: Sequence[Sequence[float]] | None


def _pose(points: Sequence[Sequence[float]], width: int, height: int) -> Pose:
    landmarks = [_HIDDEN] * len(Joint)
    for joint, (x, y, visibility) in zip(LIVE_JOINTS, points, strict=True):
        landmarks[joint] = Landmark(x * width, y * height, visibility)
    return Pose(landmarks=tuple(landmarks), width=width, height=height)


def recount_live_set(
    exercise_id: str,
    view: str | None,
    frames: Sequence[LiveFrame],
    *,
    width: int,
    height: int,
    sample_fps: float,
) -> ExerciseReport:
    """Count a set from the browser's landmarks with the same counter as an uploaded video."""
    spec = load_library().get(exercise_id)
    chosen = choose_view(spec, view)  # type: ignore[arg-type]
    fps = min(MAX_LIVE_FPS, max(MIN_LIVE_FPS, sample_fps))
    pose_frames = tuple(
        PoseFrame(
            index=i,
            time_s=f.time_s,
            pose=None if f.points is None else _pose(f.points, width, height),
        )
        for i, f in enumerate(frames)
    )
    duration = frames[-1].time_s if frames else 0.0
    info = VideoInfo(fps=fps, frame_count=max(1, round(duration * fps)), width=width, height=height)
    track = Track(info=info, frames=pose_frames, sample_fps=fps)
    return analyse_track(track, spec, chosen)
