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
# The slowest sampling at which the counter still counts the labelled clips right: at 15 frames
# a second their counts lie in the labelled ranges; at 10 the lateral raise is undercounted, at
# 5 six clips are (docs/benchmarks.md; tests/vision/test_live_rate.py derives it again from the
# clips). Slower than this, the page says so and asks the patient to count, and the clinic's
# recount of the same sparse frames is said to be no check.
MIN_COUNTING_FPS = 15.0
# A device that keeps 15 frames a second on average still drops one now and then.
COUNTING_FPS_SLACK = 0.5
_HIDDEN = Landmark(0.0, 0.0, 0.0)

# The page's setup check before a set (the picture never reaches the server, so the page runs
# it; its limits live here, beside the counter's, so that page and server read one source).
# Distance: the shoulder-to-hip length as a share of the picture's height. The labelled clips
# the counter is tested on run from 0.16 (a seated press filmed from across a gym) to 0.50 (a
# side close-up); below 0.12 the torso is a few dozen pixels of a 480-pixel picture and the
# lite model's joints jitter by a good share of it; above 0.6 the head or the hips leave the
# picture when the person leans or rises.
SETUP_TORSO_SHARE = (0.12, 0.6)
# Light: the mean brightness (0-255) of the picture shrunk to 32x24. The darkest labelled clip
# the counter tracks (sample_shoulder_shrug.mp4) has a mean of 45; darker than 40, a webcam's
# picture is mostly noise.
SETUP_DARK = 40.0
# Good frames in a row before the set starts: one lucky frame is not a setup (at the page's 1 to
# 15 frames a second, 3 frames are 0.2 to 3 s).
SETUP_READY_FRAMES = 3
# One person: MediaPipe's full-range face detector (model "full": built for faces 1-5 m away;
# the short-range one is for selfies within 2 m and found no face in the labelled front clips).
SETUP_FACE_MODEL = "full"
# A face counts from this score: the server's own photo check (vision.pose.count_faces) uses
# 0.6; the labelled clips' faces score 0.64-0.86 in headless Chromium.
SETUP_FACE_MIN_SCORE = 0.6
# More faces than this fail the check. Zero is not a failure: a side view or a turned head.
SETUP_MAX_FACES = 1
# How often (seconds) the page looks for faces during the setup check, never during a set: in
# software the detector costs about one pose frame (0.4-0.9 s), so once a second keeps the
# setup's picture moving; on a phone's GPU it is a few milliseconds.
SETUP_FACE_EVERY_S = 1.0


def browser_spec() -> dict[str, Any]:
    """The tracking spec, the counter's constants and the setup check's limits, as the coaching
    page reads them."""
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
            "min_fps": MIN_COUNTING_FPS - COUNTING_FPS_SLACK,
            "min_fps_said": MIN_COUNTING_FPS,
        },
        "setup": {
            "torso_share": list(SETUP_TORSO_SHARE),
            "dark": SETUP_DARK,
            "ready_frames": SETUP_READY_FRAMES,
            "face_model": SETUP_FACE_MODEL,
            "face_min_score": SETUP_FACE_MIN_SCORE,
            "max_faces": SETUP_MAX_FACES,
            "face_every_s": SETUP_FACE_EVERY_S,
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


def measured_fps(frames: Sequence[LiveFrame]) -> float:
    """The rate the frames were really sampled at (their times, not what the page claims)."""
    if len(frames) < 2 or frames[-1].time_s <= frames[0].time_s:
        return 0.0
    return (len(frames) - 1) / (frames[-1].time_s - frames[0].time_s)


def fast_enough_to_count(fps: float) -> bool:
    """Whether frames at `fps` can be counted (and so a recount can check a count)."""
    return fps >= MIN_COUNTING_FPS - COUNTING_FPS_SLACK
