"""Track a long video on every core: this process and one child per further core, joined.

A MediaPipe graph works on one frame at a time, keeps tracking state from frame to frame (where
the person was, its landmark smoothing) and cannot be shared between threads. So a long video
is cut into consecutive segments: the first is tracked here, while each of the others is
tracked by its own graph in its own child process (upperback.vision.isolated: memory cap,
deadline, killed with its parent, errors with stable codes), and the poses are joined in
order. A child needs a moment to start (a fresh interpreter importing OpenCV and MediaPipe), so
the segment tracked here is longer by what the model gets through meanwhile, and all finish
together. Every segment after the first starts tracking WARM_UP_S before its first kept frame
and drops those poses, so the model has found the person and its smoothing has settled by the
cut. Repetitions are counted afterwards, once, on the joined track: one that spans a cut is
neither lost nor counted twice.

Why processes and not threads: two graphs in two threads of one process do run at once, but on
the 60 s benchmark video, measured interleaved, they took 12.9 s and 25.2 s of CPU against
12.2 s and 23.5 s for two processes.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import types
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from upperback.vision.errors import MediaError
from upperback.vision.isolated import DEFAULT_MEMORY_BYTES, Limits, run_isolated
from upperback.vision.landmarks import Landmark, Pose, PoseFrame
from upperback.vision.video import (
    SAMPLE_FPS,
    OnProgress,
    Segment,
    Track,
    VideoInfo,
    probe,
    sample_step,
    track_frames,
    track_video,
)

# A child costs half a second of one core to start and a second graph's memory: a clip shorter
# than this gains little from it.
MIN_SPLIT_S = 20.0
# Measured on the labelled clips, cut in the middle: the tracker finds the person in the first
# frame or two, and after that the poses past the cut differ from one pass's by as much with
# 2 s of warm-up as with 0.25 s (a tracker that started elsewhere follows a slightly different
# path; the counts agree, tests/vision/test_parallel.py). Half a second keeps a margin.
WARM_UP_S = 0.5
# How much longer the segment tracked here is, in seconds of the model's work: a child's first
# frame comes about 0.5 s after it starts (the interpreter, OpenCV, MediaPipe without matplotlib,
# see tracking_child_setup, and the graph), and beside this process it then tracks a little
# slower (this process's decoding thread takes turns on its core). Measured on the 60 s
# benchmark video, rounds of each: with 0.9 s the child finished 0.25-0.65 s after this
# process, with 1.3 s this process finished 1.0 s after the child.
CHILD_LEAD_S = 1.0
# The full model's time for one frame on one core (bench.vision: 24 ms here). Only the ratio of
# the two matters: a faster machine shortens both.
MODEL_FRAME_S = 0.024
MAX_SEGMENTS = 4  # each child holds its own graph (about 300 MB): more buys nothing on 2 cores

FrameJson = list[Any]


class _Cancelled(Exception):
    """Another segment failed: this one's child is stopped (run_isolated kills it)."""


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def segment_count(info: VideoInfo, requested: int | None = None) -> int:
    """`requested`, or one segment per core for a video long enough to be worth it."""
    if requested is not None:
        return max(1, requested)
    if info.duration_s < MIN_SPLIT_S:
        return 1
    return max(1, min(usable_cores(), MAX_SEGMENTS))


def lead_frames() -> int:
    """How many more frames the segment tracked here takes (see CHILD_LEAD_S)."""
    return round(CHILD_LEAD_S / MODEL_FRAME_S)


def plan_segments(
    info: VideoInfo, parts: int, sample_fps: float = SAMPLE_FPS, lead: int = 0
) -> list[Segment]:
    """`parts` consecutive segments that take as long each: every later segment tracks its
    warm-up frames too, and the first (tracked here) is longer by those and by `lead` sampled
    frames (what this process tracks while the children start and catch up). Every cut and
    warm-up start falls on a sampled frame, so the joined frames are those of one pass."""
    step = sample_step(info.fps, sample_fps)
    samples = len(range(0, info.frame_count, step))
    parts = max(1, min(parts, samples))
    warm_up = round(WARM_UP_S * info.fps / step)  # in sampled frames
    later = max(1, (samples - warm_up - lead) // parts)  # each later segment's kept frames
    first = samples - (parts - 1) * later
    cuts = [0, *(first + later * k for k in range(parts - 1))]
    starts = [cut * step for cut in cuts]
    stops: list[int | None] = [*starts[1:], None]
    return [Segment(a, b, max(0, a - warm_up * step)) for a, b in zip(starts, stops, strict=True)]


def frame_json(frame: PoseFrame) -> FrameJson:
    """Exact floats (JSON keeps a float's repr), so the joined track equals the child's."""
    pose = frame.pose
    if pose is None:
        return [frame.index, frame.time_s, None]
    values = [v for lm in pose.landmarks for v in (lm.x, lm.y, lm.visibility)]
    return [frame.index, frame.time_s, [pose.width, pose.height, values]]


def frame_from_json(data: FrameJson) -> PoseFrame:
    index, time_s, pose = data
    if pose is None:
        return PoseFrame(int(index), float(time_s), None)
    width, height, values = pose
    landmarks = tuple(
        Landmark(values[i], values[i + 1], values[i + 2]) for i in range(0, len(values), 3)
    )
    return PoseFrame(int(index), float(time_s), Pose(landmarks, int(width), int(height)))


def track_segment_job(
    path: str,
    start: int,
    stop: int | None,
    warm_up_from: int,
    sample_fps: float = SAMPLE_FPS,
    progress: OnProgress | None = None,
) -> list[FrameJson]:
    """A child's work (run by upperback.vision.isolated): one segment's poses as JSON."""
    file = Path(path)
    segment = Segment(start, stop, warm_up_from)
    frames = track_frames(file, probe(file), segment, sample_fps, progress)
    return [frame_json(f) for f in frames]


class _NotLoaded(types.ModuleType):
    """A module left out of a tracking child: reading anything from it says so."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"{self.__name__}.{name}: not loaded in a segment's child process")


def tracking_child_setup() -> None:
    """Run first in each segment's child (run_isolated's `setup`), never in the caller.

    MediaPipe imports matplotlib.pyplot when it is imported, for drawing helpers that a child
    which only tracks never calls; loading matplotlib was 0.66 s of the child's 1.15 s start
    (python -X importtime), time the segment tracked here had to cover. Stand-ins take its
    place in the child only.
    """
    for name in ("matplotlib", "matplotlib.pyplot"):
        sys.modules.setdefault(name, _NotLoaded(name))


def inherited_limits() -> Limits:
    """The children get this process's own memory cap (a web job's child passes its cap on)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return Limits(memory_bytes=DEFAULT_MEMORY_BYTES if soft == resource.RLIM_INFINITY else soft)


class _Progress:
    """Adds up the segments' progress (reported from one thread per segment)."""

    def __init__(self, totals: list[int], progress: OnProgress | None) -> None:
        self._done = [0] * len(totals)
        self._total = sum(totals)
        self._progress = progress
        self._lock = threading.Lock()

    def of(self, part: int) -> OnProgress:
        def report(done: int, _total: int) -> None:
            with self._lock:
                self._done[part] = done
                if self._progress is not None:
                    self._progress(sum(self._done), self._total)

        return report


def _segment_frames(info: VideoInfo, segment: Segment, sample_fps: float) -> int:
    stop = info.frame_count if segment.stop is None else segment.stop
    return len(range(segment.warm_up_from, stop, sample_step(info.fps, sample_fps)))


def track_in_segments(
    path: Path,
    segments: list[Segment],
    *,
    sample_fps: float = SAMPLE_FPS,
    progress: OnProgress | None = None,
    limits: Limits | None = None,
) -> Track:
    """The first segment here, each other in its own child process at once; the first error
    stops the others (a child's error stops this process's tracking at its next frame)."""
    info = probe(path)
    limits = limits or inherited_limits()
    failed = threading.Event()
    summed = _Progress([_segment_frames(info, s, sample_fps) for s in segments], progress)

    def stop_if_failed() -> None:
        if failed.is_set():
            raise _Cancelled

    def run(part: int, segment: Segment) -> list[PoseFrame]:
        kwargs = {"path": str(path), "start": segment.start, "stop": segment.stop}
        kwargs |= {"warm_up_from": segment.warm_up_from, "sample_fps": sample_fps}
        try:
            result: list[FrameJson] = run_isolated(
                track_segment_job,
                kwargs,
                limits,
                progress=summed.of(part),
                heartbeat=stop_if_failed,
                setup=tracking_child_setup,
            )
        except BaseException:
            failed.set()
            raise
        return [frame_from_json(f) for f in result]

    def here() -> list[PoseFrame]:
        report = summed.of(0)

        def checked(done: int, total: int) -> None:
            stop_if_failed()
            report(done, total)

        try:
            return track_frames(path, info, segments[0], sample_fps, checked)
        except BaseException:
            failed.set()
            raise

    workers = max(1, len(segments) - 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="segment") as pool:
        futures = [pool.submit(run, k, s) for k, s in enumerate(segments) if k > 0]
        first = _own_result(here)
        parts = _results(futures, failed, first)
    frames = tuple(f for part in parts for f in part)
    if not frames:
        raise MediaError("video_undecodable", file=path.name)
    return Track(info=info, frames=frames, sample_fps=sample_fps)


def _own_result(track: Callable[[], list[PoseFrame]]) -> Future[list[PoseFrame]]:
    """This process's segment as a finished future, its error kept for _results to weigh."""
    own: Future[list[PoseFrame]] = Future()
    try:
        own.set_result(track())
    except Exception as error:
        own.set_exception(error)
    return own


def _results(
    futures: list[Future[list[PoseFrame]]],
    failed: threading.Event,
    first: Future[list[PoseFrame]],
) -> list[Any]:
    """Every segment's frames in order, or the first real error (not a cancellation)."""
    results, error = [], None
    try:
        for future in [first, *futures]:
            try:
                results.append(future.result())
            except _Cancelled:
                continue
            except Exception as caught:
                error = error or caught
    except BaseException:  # interrupted while waiting: stop the children too
        failed.set()
        raise
    if error is not None:
        raise error
    return results


def track_any(
    path: Path,
    *,
    sample_fps: float = SAMPLE_FPS,
    progress: OnProgress | None = None,
    segments: int | None = None,
) -> Track:
    """One process for a short clip, one child per core and segment for a long one."""
    info = probe(path)
    parts = segment_count(info, segments)
    if parts == 1:
        return track_video(path, sample_fps=sample_fps, progress=progress)
    plan = plan_segments(info, parts, sample_fps, lead=lead_frames())
    return track_in_segments(path, plan, sample_fps=sample_fps, progress=progress)
