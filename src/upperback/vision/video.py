"""Reading a video: sample it at a fixed rate and follow the person through it."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np

from upperback.vision.errors import MediaError, RetakeError
from upperback.vision.landmarks import PoseFrame
from upperback.vision.pose import Image, PoseEstimator, detect_photo

# Measured on the labelled clips: counts hardly change between 30 and 15 frames per second,
# and 15 halves the model's work.
SAMPLE_FPS = 15.0
MAX_VIDEO_SECONDS = 180.0  # a set of exercises, not a workout
# Counted while decoding, whatever the header says: 180 s at 60 frames a second.
MAX_VIDEO_FRAMES = 10_800
# Slow-motion phones film at 240; a header claiming more would shrink a long clip's duration.
MAX_VIDEO_FPS = 240.0
# A header may lie (an AVI declaring 20 s held 10 minutes): decoding stops once the frames
# decoded pass the declared count by this share and one second of frames.
DECLARED_FRAMES_TOLERANCE = 1.1

OnProgress = Callable[[int, int], None]
T = TypeVar("T")
# With nobody in the first half second, look at a few frames across the clip before going on:
# decoding the rest of a long clip would only delay the answer (and hold a worker).
LOOK_FURTHER_AFTER_S = 0.5
PRESENCE_SAMPLES = 4
PREFETCH_DEPTH = 8


@dataclass(frozen=True, slots=True)
class VideoInfo:
    fps: float
    frame_count: int
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps > 0 else 0.0

    def sampled_count(self, sample_fps: float = SAMPLE_FPS) -> int:
        return len(range(0, self.frame_count, sample_step(self.fps, sample_fps)))


@dataclass(frozen=True, slots=True)
class Track:
    """The poses of a sampled video, with the sampled frames' times."""

    info: VideoInfo
    frames: tuple[PoseFrame, ...]
    sample_fps: float


def sample_step(source_fps: float, sample_fps: float) -> int:
    """Keep every n-th frame: the nearest whole step to the wanted rate, at least 1."""
    if source_fps <= 0:
        return 1
    return max(1, round(source_fps / sample_fps))


def probe(path: Path) -> VideoInfo:
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise MediaError("video_unopenable", file=path.name)
        info = VideoInfo(
            fps=float(capture.get(cv2.CAP_PROP_FPS)),
            frame_count=int(capture.get(cv2.CAP_PROP_FRAME_COUNT)),
            width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
    finally:
        capture.release()
    if info.fps <= 0 or info.frame_count <= 0 or info.width <= 0 or info.height <= 0:
        raise MediaError("video_no_frames", file=path.name)
    return info


def check_decoded(path: Path, decoded: int, fps: float, declared: int) -> None:
    """Limits on the frames really decoded so far, never on the header's word alone."""
    if decoded > MAX_VIDEO_FRAMES:
        raise MediaError(
            "video_too_many_frames",
            file=path.name,
            limit=MAX_VIDEO_FRAMES,
            seconds=round(MAX_VIDEO_SECONDS),
        )
    if declared > 0 and decoded > declared * DECLARED_FRAMES_TOLERANCE + fps:
        raise MediaError("video_length_mismatch", file=path.name)
    if decoded / fps > MAX_VIDEO_SECONDS:
        raise MediaError(
            "video_too_long",
            file=path.name,
            seconds=round(decoded / fps),
            limit=round(MAX_VIDEO_SECONDS),
        )


def open_decoder(path: Path) -> cv2.VideoCapture:
    """A capture that decodes in this thread only.

    Tracking keeps every core busy with the model already (one graph per core, parallel.py);
    FFmpeg's own decoding threads only compete with it. Measured on the 60 s benchmark video:
    the same frames for 0.95 s of CPU instead of 1.48 s. A file FFmpeg cannot open gets
    OpenCV's other readers, as before.
    """
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    if capture.isOpened():
        return capture
    capture.release()
    return cv2.VideoCapture(str(path))


def sampled_frames(
    path: Path, sample_fps: float = SAMPLE_FPS, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, float, Image]]:
    """(frame index, time in seconds, BGR image) for every kept frame from `start` (a multiple
    of the sampling step, so the kept frames are the same as from the beginning) to `stop`.

    Skipped frames are only grabbed, not converted to images, which is most of the saving.
    Every decoded frame is counted against the limits (check_decoded) by its index in the
    whole video, so the segment that reads to the end still sees a header's lie.
    """
    capture = open_decoder(path)
    try:
        fps = float(capture.get(cv2.CAP_PROP_FPS)) or 30.0
        declared = max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
        step = sample_step(fps, sample_fps)
        capture, index = seek(capture, path, start)
        while (stop is None or index < stop) and capture.grab():
            check_decoded(path, index + 1, fps, declared)
            if index % step == 0:
                ok, frame = capture.retrieve()
                if not ok:
                    break
                yield index, index / fps, np.asarray(frame, dtype=np.uint8)
            index += 1
    finally:
        capture.release()


def seek(capture: cv2.VideoCapture, path: Path, start: int) -> tuple[cv2.VideoCapture, int]:
    """The capture at frame `start` (fewer if the video ends first), and that frame's index.

    OpenCV's seek by frame number is used when the capture then reports exactly that frame;
    otherwise the file is opened again and every frame before `start` is grabbed (decoded, not
    converted): slower, always exact. A seek that lands elsewhere would shift every time after
    a cut.
    """
    if start <= 0:
        return capture, 0
    moved = capture.set(cv2.CAP_PROP_POS_FRAMES, start)
    if moved and int(capture.get(cv2.CAP_PROP_POS_FRAMES)) == start:
        return capture, start
    capture.release()
    capture = open_decoder(path)
    index = 0
    while index < start and capture.grab():
        index += 1
    return capture, index


def person_in_sample(path: Path, info: VideoInfo, samples: int = PRESENCE_SAMPLES) -> bool:
    """Look for a person in a few frames spread over the clip, before tracking every frame.

    Answers "nobody in this video" in a fraction of a second instead of after decoding it all.
    """
    step = max(1, info.frame_count // samples)
    capture = cv2.VideoCapture(str(path))
    try:
        for index in range(step // 2, info.frame_count, step):
            capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            ok, frame = capture.read()
            # One square-padded look per frame: video frames are not tight crops.
            if ok and detect_photo(np.asarray(frame, dtype=np.uint8), (0.0,)) is not None:
                return True
    finally:
        capture.release()
    return False


def prefetched(frames: Iterator[T], depth: int = PREFETCH_DEPTH) -> Iterator[T]:
    """Decode ahead in a thread while the model works on the current frame.

    OpenCV's decoder and MediaPipe's graph both release the GIL, so on two cores decoding
    overlaps inference. The bounded queue keeps memory flat; closing this generator stops the
    reader thread.
    """
    slots: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for item in frames:
                while not stop.is_set():
                    try:
                        slots.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(("end", None))
        except BaseException as error:  # handed to the consumer, raised there
            slots.put(("error", error))

    reader = threading.Thread(target=read, name="video-decode", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = slots.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        reader.join(timeout=5)


def track_video(
    path: Path, *, sample_fps: float = SAMPLE_FPS, progress: OnProgress | None = None
) -> Track:
    """Follow the person through the video in tracking mode, in this process.

    When nobody is found in the first half second, a few frames spread over the whole clip are
    checked at once: a video with nobody in it is answered in well under two seconds, and a
    person who walks in later is still followed.
    """
    info = probe(path)
    frames = track_frames(path, info, Segment(0, None, 0), sample_fps, progress)
    if not frames:
        raise MediaError("video_undecodable", file=path.name)
    return Track(info=info, frames=tuple(frames), sample_fps=sample_fps)


@dataclass(frozen=True, slots=True)
class Segment:
    """Frames [start, stop) of a video (stop None: to the end), tracked from `warm_up_from`.

    The frames from `warm_up_from` to `start` are tracked and dropped: they let the model find
    the person and settle its landmark smoothing before the segment's first kept frame, so the
    poses after a cut match those of one pass through the whole video.
    """

    start: int
    stop: int | None
    warm_up_from: int


def track_frames(
    path: Path,
    info: VideoInfo,
    segment: Segment,
    sample_fps: float = SAMPLE_FPS,
    progress: OnProgress | None = None,
) -> list[PoseFrame]:
    """The poses of one segment's sampled frames (one MediaPipe graph, this process)."""
    stop = info.frame_count if segment.stop is None else segment.stop
    total = len(range(segment.warm_up_from, stop, sample_step(info.fps, sample_fps)))
    decoded = sampled_frames(path, sample_fps, segment.warm_up_from, segment.stop)
    frames: list[PoseFrame] = []
    done, looked_further, anyone = 0, segment.start > 0, False  # the first segment looks
    with PoseEstimator(tracking=True) as estimator:
        for index, time_s, image in prefetched(decoded):
            pose = estimator.detect_bgr(image)
            done += 1
            if progress is not None:
                progress(done, total)
            if index < segment.start:
                continue
            frames.append(PoseFrame(index, time_s, pose))
            anyone = anyone or pose is not None
            if not anyone and not looked_further and time_s >= LOOK_FURTHER_AFTER_S:
                looked_further = True
                if not person_in_sample(path, info):
                    raise RetakeError("no_person_video", file=path.name)
    return frames


def read_frame(path: Path, index: int) -> Image | None:
    """One frame by its index (for contact sheets)."""
    capture = cv2.VideoCapture(str(path))
    try:
        capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, frame = capture.read()
    finally:
        capture.release()
    return np.asarray(frame, dtype=np.uint8) if ok else None
