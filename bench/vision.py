"""Vision benchmark: our pose pipeline against the raw MediaPipe loop, and a 60 s video.

1. The same decoded frames (a labelled clip sampled at 15 fps, held in memory) go through the
   raw `mediapipe.solutions.pose` loop and through our pipeline (adapter, landmark types,
   signal, counter). Target: ours within 10% of raw frames per second.
2. A 60-second exercise video, built in a temporary folder by joining the labelled lateral
   raise clip end to end (never committed), analysed end to end as `upperback exercise` does
   (checks, decoding, pose, counting): on every core (the first segment in this process and
   one child process per further segment, as the command and the web app run it; target
   under 12 s on 2 cores) and in one process. Its
   frames per second per core, against the raw loop's, say what the split costs.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from upperback.vision.exercise import analyse_exercise, analyse_track
from upperback.vision.landmarks import PoseFrame
from upperback.vision.parallel import lead_frames, plan_segments, segment_count, usable_cores
from upperback.vision.pose import Image, PoseEstimator
from upperback.vision.tracking_spec import load_library
from upperback.vision.video import SAMPLE_FPS, Track, probe, sample_step, sampled_frames

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "videos"
CLIP = DATA / "lateral_raise_shoulder_dumbells_beginner_front_view.mp4"
ROUNDS = 3
LONG_VIDEO_S = 60.0
LONG_ROUNDS = 5


def decoded_frames(path: Path) -> list[tuple[int, float, Image]]:
    return [
        (i, t, np.asarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB), dtype=np.uint8))
        for i, t, f in sampled_frames(path)
    ]


Rates = tuple[float, float]  # frames per second of wall time, of CPU time


def _rates(count: int, wall_started: float, cpu_started: float) -> Rates:
    wall = time.perf_counter() - wall_started
    cpu = time.process_time() - cpu_started
    return count / wall, count / cpu


def raw_loop(frames: list[tuple[int, float, Image]]) -> Rates:
    from mediapipe.python.solutions import pose as mp_pose

    with mp_pose.Pose(static_image_mode=False, model_complexity=1) as graph:
        wall, cpu = time.perf_counter(), time.process_time()
        for _, _, rgb in frames:
            graph.process(rgb)
        return _rates(len(frames), wall, cpu)


def our_pipeline(frames: list[tuple[int, float, Image]]) -> Rates:
    spec = load_library().get("lateral_raise")
    with PoseEstimator(tracking=True) as estimator:
        wall, cpu = time.perf_counter(), time.process_time()
        tracked = tuple(PoseFrame(i, t, estimator.detect_rgb(rgb)) for i, t, rgb in frames)
        analyse_track(Track(probe(CLIP), tracked, SAMPLE_FPS), spec, "front")
        return _rates(len(frames), wall, cpu)


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


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def time_long_video(path: Path, segments: int | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process and its children, repetitions)."""
    wall, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    report, _ = analyse_exercise(path, "lateral_raise", view="front", segments=segments)
    cpu_s = time.process_time() + _children_cpu() - cpu
    return time.perf_counter() - wall, cpu_s, len(report.repetitions)


def long_video_rows(path: Path, raw: Rates) -> tuple[list[str], int]:
    """Rows of the 60 s video table: every core (as shipped), then one process."""
    info = probe(path)
    frames = info.sampled_count(SAMPLE_FPS)
    parts = segment_count(info)
    step = sample_step(info.fps, SAMPLE_FPS)
    plan = plan_segments(info, parts, lead=lead_frames())
    tracked = sum(len(range(s.warm_up_from, s.stop or info.frame_count, step)) for s in plan)
    split: list[tuple[float, float, int]] = []
    single: list[tuple[float, float, int]] = []
    for _ in range(LONG_ROUNDS):  # interleaved, so a busy moment hurts both alike
        split.append(time_long_video(path))
        single.append(time_long_video(path, segments=1))
    rows = []
    for name, runs, used in ((f"{parts} segments", split, parts), ("one process", single, 1)):
        wall = _median([r[0] for r in runs])
        cpu = _median([r[1] for r in runs])
        per_core = frames / wall / used
        per_cpu = frames / cpu
        rows.append(
            f"| {name} | {wall:.1f} s ({', '.join(f'{r[0]:.1f}' for r in runs)}) | "
            f"{cpu:.1f} s | {per_core:.1f} | {per_core / raw[0]:.2f} | "
            f"{per_cpu:.1f} | {per_cpu / raw[1]:.2f} | {runs[0][2]} |"
        )
    return rows, tracked - frames


def _median(values: list[float]) -> float:
    return statistics.median(values)


def run() -> str:
    frames = decoded_frames(CLIP)
    raw: list[Rates] = []
    ours: list[Rates] = []
    for _ in range(ROUNDS):  # interleaved, so a busy moment hurts both alike
        raw.append(raw_loop(frames))
        ours.append(our_pipeline(frames))
    raw_wall, raw_cpu = _median([r[0] for r in raw]), _median([r[1] for r in raw])
    our_wall, our_cpu = _median([r[0] for r in ours]), _median([r[1] for r in ours])
    with tempfile.TemporaryDirectory() as folder:
        long_video = build_long_video(Path(folder))
        duration = probe(long_video).duration_s
        long_rows, warm_up_frames = long_video_rows(long_video, (raw_wall, raw_cpu))
    load = os.getloadavg()[0]
    return "\n".join(
        [
            "## Vision: pose pipeline speed",
            "",
            "Command: `make bench BENCH_ARGS=bench.vision` (module `bench/vision.py`).",
            "",
            f"Frames: {len(frames)} frames of `{CLIP.name}` sampled at {SAMPLE_FPS:.0f} fps, "
            "decoded once and held in memory; tracking mode, model_complexity=1; "
            f"median of {ROUNDS} interleaved rounds. Load average when measured: {load:.1f} "
            f"on {os.cpu_count()} cores ({usable_cores()} usable by this process), so "
            "wall-clock rates depend on the other work on the machine; rates per CPU second "
            "(all threads of this process) do not.",
            "",
            "| loop | frames per wall second | frames per CPU second |",
            "|---|---|---|",
            f"| raw `mediapipe.solutions.pose` | {raw_wall:.1f} | {raw_cpu:.1f} |",
            f"| ours (adapter, landmarks, signal, counter) | {our_wall:.1f} | {our_cpu:.1f} |",
            f"| ours / raw (target at least 0.90) | {our_wall / raw_wall:.2f} | "
            f"{our_cpu / raw_cpu:.2f} |",
            "",
            f"A {duration:.0f}-second exercise video (the clip joined end to end in a temporary "
            "folder) analysed end to end as `upperback exercise` does (checks, decoding, pose, "
            f"counting), median of {LONG_ROUNDS} interleaved runs (each run in brackets). "
            "Segments: one per usable core, each with its own MediaPipe graph: the first in "
            "this process, each other in a child process that tracks its warm-up frames "
            f"before its cut ({warm_up_frames} in all); target under "
            "12 s on 2 cores. Per core: sampled frames per wall second divided by the cores "
            "used, against the raw loop's frames per wall second above (target at least 0.90). "
            "Per CPU second: sampled frames per second of CPU (this process and its "
            "children), against the raw loop's frames per CPU second: the work each core does "
            "for a frame, whatever the other work on the machine.",
            "",
            "| analysis | wall time | CPU (with children) | frames/s per core | "
            "per core / raw loop | frames per CPU second | per CPU second / raw loop | "
            "repetitions |",
            "|---|---|---|---|---|---|---|---|",
            *long_rows,
        ]
    )


if __name__ == "__main__":
    print(run())
