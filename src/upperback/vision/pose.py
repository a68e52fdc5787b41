"""The pose adapter: the only module that imports MediaPipe.

MediaPipe 0.10.21's legacy `solutions.pose` with `model_complexity=1` runs the landmark model
shipped inside the wheel (`pose_landmark_full.tflite`); complexities 0 and 2 download their
model at first use, which cannot happen here, so they are never offered.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from upperback.vision.landmarks import Landmark, Pose

Image = npt.NDArray[np.uint8]

# OpenCV's own thread pool splits each small image operation (a colour conversion, a resize)
# across the cores, and its idle workers spin. The model already keeps every core busy (one
# graph per core, parallel.py), so the pool only took CPU from it: 2.4 s of the 26.6 s that
# one pass over the 60 s benchmark video cost. Every process that runs the model imports this.
cv2.setNumThreads(1)

MODEL_COMPLEXITY = 1
# A tight head-and-shoulders crop (markers_side.jpg) is missed as it is: the detector works on
# a square input, and a tall narrow crop squashed to a square no longer looks like a person.
# Padding to a square finds it; if that fails a wider border, then the raw image, get a try.
PHOTO_PAD_FRACTIONS: tuple[float | None, ...] = (0.0, 0.25, None)
PAD_COLOUR = (114, 114, 114)
# The model looks at 256x256 pixels: a phone photo's full resolution adds memory, not accuracy.
# A larger picture is shrunk to this longest side before it is padded (landmarks are mapped
# back to the original's pixels), so the square the model is given stays bounded: a blank
# 20000x2000 PNG once became a 30000x30000 square and MediaPipe crashed the process on it.
MODEL_MAX_SIDE = 2560


def _solutions_pose() -> Any:
    from mediapipe.python.solutions import pose as mp_pose

    return mp_pose


def model_file() -> Path:
    """The landmark model that complexity 1 loads: a file inside the installed wheel."""
    import mediapipe

    package = Path(mediapipe.__file__).resolve().parent
    return package / "modules" / "pose_landmark" / "pose_landmark_full.tflite"


def model_scale(width: int, height: int) -> float:
    """The factor a picture of this size is shrunk by before the model sees it (1: as it is)."""
    return min(1.0, MODEL_MAX_SIDE / max(width, height, 1))


def model_square_side(width: int, height: int) -> int:
    """The side of the largest square the model is given for a picture of this size: shrunk,
    padded to a square, with the widest border of PHOTO_PAD_FRACTIONS."""
    long_side = round(max(width, height) * model_scale(width, height))
    widest = max((f for f in PHOTO_PAD_FRACTIONS if f is not None), default=0.0)
    return long_side + 2 * round(long_side * widest)


def _shrunk(image: Image) -> tuple[Image, float]:
    height, width = image.shape[:2]
    scale = model_scale(width, height)
    if scale >= 1.0:
        return image, 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8), scale


def pad_image(image: Image, fraction: float) -> tuple[Image, int, int]:
    """Surround the image with a neutral border; returns the image and the left/top offsets."""
    height, width = image.shape[:2]
    border = round(max(height, width) * fraction)
    # Pad the short side more so the detector gets a near-square picture.
    extra_x = max(0, height - width) // 2
    extra_y = max(0, width - height) // 2
    left, top = border + extra_x, border + extra_y
    padded = cv2.copyMakeBorder(image, top, top, left, left, cv2.BORDER_CONSTANT, value=PAD_COLOUR)
    return np.asarray(padded, dtype=np.uint8), left, top


def _to_pose(
    result: Any,
    width: int,
    height: int,
    shift: tuple[int, int],
    full: tuple[int, int],
    scale: float = 1.0,
) -> Pose | None:
    if result.pose_landmarks is None:
        return None
    left, top = shift
    full_w, full_h = full
    landmarks = tuple(
        Landmark(
            x=(lm.x * full_w - left) / scale,
            y=(lm.y * full_h - top) / scale,
            visibility=float(lm.visibility),
        )
        for lm in result.pose_landmarks.landmark
    )
    return Pose(landmarks=landmarks, width=width, height=height)


class PoseEstimator:
    """One MediaPipe pose graph. Use as a context manager; not shared between threads.

    `tracking=True` is video mode: the model follows the person from frame to frame (faster,
    steadier); `tracking=False` detects afresh on every image (photos).
    """

    def __init__(self, *, tracking: bool) -> None:
        self._graph = _solutions_pose().Pose(
            static_image_mode=not tracking,
            model_complexity=MODEL_COMPLEXITY,
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._graph.close()

    def detect_rgb(self, rgb: Image, pad: float | None = None) -> Pose | None:
        """The pose in an RGB image, or None when the model finds no person.

        `pad`: surround the image with a border of this fraction first (None: as it is).
        """
        height, width = rgb.shape[:2]
        shrunk, scale = _shrunk(rgb)
        if pad is not None:
            padded, left, top = pad_image(shrunk, pad)
        else:
            padded, left, top = shrunk, 0, 0
        result = self._graph.process(padded)
        full = (padded.shape[1], padded.shape[0])
        return _to_pose(result, width, height, (left, top), full, scale)

    def detect_bgr(self, bgr: Image, pad: float | None = None) -> Pose | None:
        rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
        return self.detect_rgb(rgb, pad)


# Building a graph costs about a quarter of a second; photos reuse one per thread (a graph is
# not safe to share between threads). Static mode keeps no state between images.
_per_thread = threading.local()


def _photo_estimator() -> PoseEstimator:
    estimator: PoseEstimator | None = getattr(_per_thread, "photo", None)
    if estimator is None:
        estimator = PoseEstimator(tracking=False)
        _per_thread.photo = estimator
    return estimator


def detect_photo(
    bgr: Image, fractions: tuple[float | None, ...] = PHOTO_PAD_FRACTIONS
) -> Pose | None:
    """One photo, detected afresh, padded to a square first (tight crops need it)."""
    for fraction in fractions:
        pose = _photo_estimator().detect_bgr(bgr, fraction)
        if pose is not None:
            return pose
    return None


def count_faces(bgr: Image) -> int:
    """How many faces MediaPipe's full-range face detector (shipped in the wheel) finds.

    Full range (model_selection=1) because a posture photo shows the whole upper body, so faces
    are small; the short-range model misses them beyond about two metres.
    """
    faces: Any = getattr(_per_thread, "faces", None)
    if faces is None:
        from mediapipe.python.solutions import face_detection

        faces = face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.6)
        _per_thread.faces = faces
    result = faces.process(cv2.cvtColor(_shrunk(bgr)[0], cv2.COLOR_BGR2RGB))
    return len(result.detections or ())


# Several looks at one photo, for steady posture readings (posture_passes.py). On a tight
# head-and-shoulders crop the detector often finds nobody, or sets its box upside down (it
# places the box from the hips, which such a crop lacks): the landmark model then reads the
# person upside down, ears below the shoulders. Which look succeeds changes with JPEG noise.
# So the photo is looked at as it is, mirrored and turned upside down, each with every border,
# and the landmarks are mapped back to the photo.
PASS_TRANSFORMS: tuple[str, ...] = ("as_is", "mirrored", "upside_down")
PASS_PADS: tuple[float | None, ...] = (0.0, 0.1, 0.25, 0.5, None)
# MediaPipe's left/right landmark pairs (eyes, ears, mouth, then shoulders to feet): a mirror
# image swaps the person's sides; turning it upside down does not.
MIRROR_PAIRS: tuple[tuple[int, int], ...] = (
    (1, 4),
    (2, 5),
    (3, 6),
    (7, 8),
    (9, 10),
    *((i, i + 1) for i in range(11, 33, 2)),
)


def _transformed(bgr: Image, transform: str) -> Image:
    if transform == "mirrored":
        return np.ascontiguousarray(bgr[:, ::-1])
    if transform == "upside_down":
        return np.ascontiguousarray(bgr[::-1, ::-1])
    return bgr


def _mapped_back(pose: Pose, transform: str) -> Pose:
    if transform == "as_is":
        return pose
    flip_y = transform == "upside_down"
    landmarks = [
        Landmark(
            x=pose.width - lm.x,
            y=pose.height - lm.y if flip_y else lm.y,
            visibility=lm.visibility,
        )
        for lm in pose.landmarks
    ]
    if transform == "mirrored":
        for a, b in MIRROR_PAIRS:
            landmarks[a], landmarks[b] = landmarks[b], landmarks[a]
    return Pose(landmarks=tuple(landmarks), width=pose.width, height=pose.height)


def photo_passes(bgr: Image) -> list[Pose]:
    """Every pose found by the looks above, in the photo's own coordinates."""
    found = []
    for transform in PASS_TRANSFORMS:
        image = _transformed(bgr, transform)
        for pad in PASS_PADS:
            pose = _photo_estimator().detect_bgr(image, pad)
            if pose is not None:
                found.append(_mapped_back(pose, transform))
    return found
