"""Vision: posture from photos and exercise coaching from videos.

The public API is below; everything else is private to the package. Names load lazily, so
`import upperback.vision` (the CLI does, to register its commands) pulls in neither OpenCV nor
MediaPipe until one is used. Only `vision.pose` imports MediaPipe.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "analyse_exercise": "upperback.vision.exercise",
    "analyse_track": "upperback.vision.exercise",
    "ExerciseReport": "upperback.vision.exercise",
    "analyse_photo": "upperback.vision.photo",
    "analyse_pose": "upperback.vision.posture",
    "PostureReport": "upperback.vision.posture",
    "read_cva": "upperback.vision.posture",
    "load_library": "upperback.vision.tracking_spec",
    "browser_spec": "upperback.vision.live",
    "LiveFrame": "upperback.vision.live",
    "recount_live_set": "upperback.vision.live",
    "measured_fps": "upperback.vision.live",
    "fast_enough_to_count": "upperback.vision.live",
    "MIN_COUNTING_FPS": "upperback.vision.live",
    "Point": "upperback.vision.landmarks",
    "OnProgress": "upperback.vision.video",
    "posture_picture": "upperback.vision.overlay",
    "repetition_sheet": "upperback.vision.overlay",
    "signal_plot": "upperback.vision.overlay",
    "write_png": "upperback.vision.overlay",
    "check_image": "upperback.vision.file_checks",
    "check_video": "upperback.vision.file_checks",
    "Limits": "upperback.vision.isolated",
    "run_isolated": "upperback.vision.isolated",
    "WarmPool": "upperback.vision.pool",
    "VisionError": "upperback.vision.errors",
    "MediaError": "upperback.vision.errors",
    "RetakeError": "upperback.vision.errors",
    "TrackingSpecError": "upperback.vision.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'upperback.vision' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
