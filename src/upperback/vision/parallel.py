"""Track a long video on every core: one child process per segment, joined into one Track.

A MediaPipe graph works on one frame at a time, keeps tracking state from frame to frame (where
the person was, its landmark smoothing) and cannot be shared between threads. So a long video
is cut into consecutive segments, each tracked by its own graph in its own child process
(upperback.vision.isolated: memory cap, deadline, killed with its parent, errors with stable
codes), and the poses are joined in order. Every segment after the first starts tracking
WARM_UP_S before its first kept frame and drops those poses: by the cut the model has found the
person and its smoothing has settled, so the poses after the cut are those of one pass.
Repetitions are counted afterwards, once, on the joined track: one that spans a cut is neither
lost nor counted twice.
"""

from __future__ import annotations

import os
import resource
import threading
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

# Starting a child (Python, OpenCV, MediaPipe and its graph) costs about a second and a half of
# one core: a clip shorter than this is as fast in one process.
MIN_SPLIT_S = 20.0
# Measured on the labelled clips: the tracker finds the person in the first frame or two and its
# landmark smoothing settles within about half a second; two seconds leave a margin.
WARM_UP_S = 2.0
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


def plan_segments(info: VideoInfo, parts: int, sample_fps: float = SAMPLE_FPS) -> list[Segment]:
    """`parts` consecutive segments with about as many sampled frames each; every cut and
    warm-up start falls on a sampled frame, so the joined frames are those of one pass."""
    step = sample_step(info.fps, sample_fps)
    samples = len(range(0, info.frame_count, step))
    parts = max(1, min(parts, samples))
    warm_up = round(WARM_UP_S * info.fps / step) * step
    cuts = [samples * k // parts * step for k in range(parts)]
    stops: list[int | None] = [*cuts[1:], None]
    return [Segment(a, b, max(0, a - warm_up)) for a, b in zip(cuts, stops, strict=True)]


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
    """Each segment in its own child process at once; the first error stops the others."""
    info = probe(path)
    limits = limits or inherited_limits()
    failed = threading.Event()
    summed = _Progress([_segment_frames(info, s, sample_fps) for s in segments], progress)

    def stop_if_failed() -> None:
        if failed.is_set():
            raise _Cancelled

    def run(part: int, segment: Segment) -> list[FrameJson]:
        kwargs = {"path": str(path), "start": segment.start, "stop": segment.stop}
        kwargs |= {"warm_up_from": segment.warm_up_from, "sample_fps": sample_fps}
        try:
            result: list[FrameJson] = run_isolated(
                track_segment_job,
                kwargs,
                limits,
                progress=summed.of(part),
                heartbeat=stop_if_failed,
            )
        except BaseException:
            failed.set()
            raise
        return result

    with ThreadPoolExecutor(max_workers=len(segments), thread_name_prefix="segment") as pool:
        futures = [pool.submit(run, k, s) for k, s in enumerate(segments)]
        parts = _results(futures, failed)
    frames = tuple(frame_from_json(f) for part in parts for f in part)
    if not frames:
        raise MediaError("video_undecodable", file=path.name)
    return Track(info=info, frames=frames, sample_fps=sample_fps)


def _results(futures: list[Future[list[FrameJson]]], failed: threading.Event) -> list[Any]:
    """Every segment's frames in order, or the first real error (not a cancellation)."""
    results, error = [], None
    try:
        for future in futures:
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
    plan = plan_segments(info, parts, sample_fps)
    return track_in_segments(path, plan, sample_fps=sample_fps, progress=progress)
