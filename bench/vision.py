"""Vision benchmark: our pose pipeline against the raw MediaPipe loop, and a 60 s video.

1. The same decoded frames (a labelled clip sampled at 15 fps, held in memory) go through the
   raw `mediapipe.solutions.pose` loop and through our pipeline (adapter, landmark types,
   signal, counter). Target: ours within 10% of raw frames per second.
2. A 60-second exercise video, built in a temporary folder by joining the labelled lateral
   raise clip end to end (never committed), analysed end to end as `upperback exercise` does
   (checks, decoding, pose, counting). Target: under 25 s.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from upperback.vision.exercise import analyse_exercise, analyse_track
from upperback.vision.landmarks import PoseFrame
from upperback.vision.pose import Image, PoseEstimator
from upperback.vision.tracking_spec import load_library
from upperback.vision.video import SAMPLE_FPS, Track, probe, sampled_frames

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "videos"
CLIP = DATA / "lateral_raise_shoulder_dumbells_beginner_front_view.mp4"
ROUNDS = 3
LONG_VIDEO_S = 60.0


def decoded_frames(path: Path) -> list[tuple[int, float, Image]]:
    return [
        (i, t, np.asarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB), dtype=np.uint8))
        for i, t, f in sampled_frames(path)
    ]


def raw_loop(frames: list[tuple[int, float, Image]]) -> float:
    from mediapipe.python.solutions import pose as mp_pose

    with mp_pose.Pose(static_image_mode=False, model_complexity=1) as graph:
        started = time.perf_counter()
        for _, _, rgb in frames:
            graph.process(rgb)
        return len(frames) / (time.perf_counter() - started)


def our_pipeline(frames: list[tuple[int, float, Image]]) -> float:
    spec = load_library().get("lateral_raise")
    with PoseEstimator(tracking=True) as estimator:
        started = time.perf_counter()
        tracked = tuple(PoseFrame(i, t, estimator.detect_rgb(rgb)) for i, t, rgb in frames)
        analyse_track(Track(probe(CLIP), tracked, SAMPLE_FPS), spec, "front")
        return len(frames) / (time.perf_counter() - started)


def build_long_video(folder: Path, seconds: float = LONG_VIDEO_S) -> Path:
    """Join the clip to itself until it lasts `seconds`; re-encoded with OpenCV's mp4v."""
    info = probe(CLIP)
    out = folder / "sixty_seconds.mp4"
    fourcc = cv2.VideoWriter_fourcc(*"mp4v")
    writer = cv2.VideoWriter(str(out), fourcc, info.fps, (info.width, info.height))
    written, wanted = 0, int(seconds * info.fps)
    while written < wanted:
        capture = cv2.VideoCapture(str(CLIP))
        while written < wanted:
            ok, frame = capture.read()
            if not ok:
                break
            writer.write(frame)
            written += 1
        capture.release()
    writer.release()
    return out


def time_long_video(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    report, _ = analyse_exercise(path, "lateral_raise", view="front")
    return time.perf_counter() - started, len(report.repetitions)


def run() -> str:
    frames = decoded_frames(CLIP)
    raw_fps: list[float] = []
    our_fps: list[float] = []
    for _ in range(ROUNDS):  # interleaved, so a busy moment hurts both alike
        raw_fps.append(raw_loop(frames))
        our_fps.append(our_pipeline(frames))
    raw, ours = statistics.median(raw_fps), statistics.median(our_fps)
    with tempfile.TemporaryDirectory() as folder:
        long_video = build_long_video(Path(folder))
        duration = probe(long_video).duration_s
        timings = [time_long_video(long_video) for _ in range(2)]
    seconds = statistics.median(t for t, _ in timings)
    reps = timings[0][1]
    return "\n".join(
        [
            "## Vision: pose pipeline speed",
            "",
            "Command: `make bench BENCH_ARGS=bench.vision` (module `bench/vision.py`).",
            "",
            f"Frames: {len(frames)} frames of `{CLIP.name}` sampled at {SAMPLE_FPS:.0f} fps, "
            f"decoded once and held in memory; tracking mode, model_complexity=1; "
            f"median of {ROUNDS} interleaved rounds.",
            "",
            "| loop | frames per second |",
            "|---|---|",
            f"| raw `mediapipe.solutions.pose` | {raw:.1f} |",
            f"| ours (adapter, landmarks, signal, counter) | {ours:.1f} |",
            f"| ours / raw | {ours / raw:.2f} (target at least 0.90) |",
            "",
            f"A {duration:.0f}-second exercise video (the clip joined end to end in a temporary "
            f"folder) analysed end to end, decoding included: **{seconds:.1f} s** "
            f"(median of 2; target under 25 s), {reps} repetitions counted.",
        ]
    )


if __name__ == "__main__":
    print(run())
