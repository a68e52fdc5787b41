"""Functions the isolation tests run in a child process (imported there by name)."""

from __future__ import annotations

import ctypes
import time
from typing import Any

import numpy as np

from upperback.vision.errors import RetakeError


def answer(value: int) -> dict[str, Any]:
    return {"double": 2 * value}


def count(n: int, progress: Any = None) -> int:
    for done in range(1, n + 1):
        progress(done, n)
    return n


def allocate(megabytes: int) -> int:
    block = np.ones(megabytes * 1024 * 1024, np.uint8)  # touched, not only reserved
    return int(block[-1])


def pad_a_strip_to_a_square() -> int:
    """What the pose adapter once did with a blank 20000x2000 PNG: a 30000x30000 square."""
    import cv2

    strip = np.zeros((2000, 20000, 3), np.uint8)
    padded = cv2.copyMakeBorder(strip, 14000, 14000, 5000, 5000, cv2.BORDER_CONSTANT)
    return int(padded.shape[0])


def segfault() -> None:
    ctypes.string_at(0)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def retake() -> None:
    raise RetakeError("two_people", file="group.jpg")


def broken() -> None:
    raise RuntimeError("an OpenCV error, say")


def matplotlib_here() -> str:
    """What `matplotlib` is in the child: the real package or the tracking child's stand-in."""
    import sys

    module = sys.modules.get("matplotlib")
    return "absent" if module is None else type(module).__name__


def my_pid() -> int:
    import os

    return os.getpid()


WARMED: list[int] = []


def warm_up() -> None:
    """A warm child's set-up: what a job can see it did."""
    import os

    WARMED.append(os.getpid())


def warmed_here() -> list[int]:
    return list(WARMED)


def failing_warm_up() -> None:
    raise RuntimeError("no model here")
