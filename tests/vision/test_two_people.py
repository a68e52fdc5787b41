"""The two-people check: no false alarm on one body cut in two by the halves check.

The close-up title card of sample_shoulder_shrug.mp4 (its first second) shows one man from
the neck down, filling the middle of the picture. The whole-picture detector finds nobody,
so the halves check runs; it used to "find" a clear body in each half (fragments: a hand and
a dumbbell lying sideways, a torso cut by the edge) and call the photo two people. The frames
are read from the shared video here, never copied. The true positive (two people side by
side) stays in test_bad_media.py.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from upperback.vision.errors import RetakeError
from upperback.vision.photo import the_one_person
from upperback.vision.pose import Image
from upperback.vision.video import read_frame

# Frames of the close-up intro that the old check called two people (of 0-27, 17 did).
TITLE_FRAMES = (0, 7, 10, 19, 27)


def _frame(video: Path, index: int) -> Image:
    frame = read_frame(video, index)
    assert frame is not None
    return frame


@pytest.mark.slow
@pytest.mark.parametrize("index", TITLE_FRAMES)
def test_the_close_up_title_frame_is_not_two_people(shared_data: Path, index: int) -> None:
    frame = _frame(shared_data / "videos/sample_shoulder_shrug.mp4", index)
    try:
        the_one_person(frame)
    except RetakeError as error:
        pytest.fail(f"frame {index}: {error.code}")


@pytest.mark.slow
def test_the_shrugging_man_once_in_full_view_is_one_person(shared_data: Path) -> None:
    frame = _frame(shared_data / "videos/sample_shoulder_shrug.mp4", 60)
    assert the_one_person(frame) is not None


@pytest.mark.slow
def test_two_different_people_side_by_side_are_still_two(shared_data: Path) -> None:
    """Two different clips' people, scaled to one height (the stricter halves check still
    sees them: both are whole, upright and of a person's size)."""
    videos = shared_data / "videos"
    left = _frame(videos / "sample_shoulder_press.mp4", 0)
    right = _frame(videos / "Front_Raise_musclewiki.mp4", 30)
    height = min(left.shape[0], right.shape[0])
    scaled = [
        cv2.resize(image, (round(image.shape[1] * height / image.shape[0]), height))
        for image in (left, right)
    ]
    with pytest.raises(RetakeError) as caught:
        the_one_person(np.hstack(scaled).astype(np.uint8))
    assert caught.value.code == "two_people"
