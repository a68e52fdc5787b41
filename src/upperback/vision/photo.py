"""Analyse a posture photo: checks, one person only, pose, measures."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from upperback.vision.errors import RetakeError
from upperback.vision.landmarks import Point, Pose
from upperback.vision.media import load_image
from upperback.vision.pose import Image, count_faces, detect_photo
from upperback.vision.posture import PostureReport, PostureView, analyse_pose

# A second person must be seen this clearly to count: shoulders and hips of a real body,
# not a shadow or a poster the model half-believes in.
SECOND_PERSON_VISIBILITY = 0.8
BOX_MARGIN = 0.15
# Landmarks stop at the eyes and ears; the crown of the head lies above them, so the box grows
# upwards by this share of its height before masking (or the head is found as a "person").
HEAD_ALLOWANCE = 0.6


def _person_box(pose: Pose) -> tuple[int, int, int, int]:
    seen = [lm for lm in pose.landmarks if lm.visibility > 0.3]
    xs, ys = [lm.x for lm in seen], [lm.y for lm in seen]
    margin_x = (max(xs) - min(xs)) * BOX_MARGIN
    margin_y = (max(ys) - min(ys)) * BOX_MARGIN
    return (
        max(0, int(min(xs) - margin_x)),
        max(0, int(min(ys) - margin_y - (max(ys) - min(ys)) * HEAD_ALLOWANCE)),
        min(pose.width, int(max(xs) + margin_x)),
        min(pose.height, int(max(ys) + margin_y)),
    )


def _second_person(image: Image, first: Pose) -> bool:
    """Grey out the person found, look again: a clear second body means two people."""
    left, top, right, bottom = _person_box(first)
    masked = image.copy()
    masked[top:bottom, left:right] = 114
    again = detect_photo(np.asarray(masked, dtype=np.uint8))
    if again is None:
        return False
    torso = (11, 12, 23, 24)  # shoulders and hips
    if min(again.landmarks[j].visibility for j in torso) < SECOND_PERSON_VISIBILITY:
        return False
    # A body whose shoulders sit inside the first box is the first person seen again.
    shoulder_x = (again.landmarks[11].x + again.landmarks[12].x) / 2
    shoulder_y = (again.landmarks[11].y + again.landmarks[12].y) / 2
    return not (left <= shoulder_x <= right and top <= shoulder_y <= bottom)


def check_single_person(image: Image, pose: Pose) -> None:
    if count_faces(image) >= 2 or _second_person(image, pose):
        raise RetakeError(
            "More than one person is in this photo: retake it with only the patient in view."
        )


def analyse_photo(
    path: Path, view: PostureView, points: dict[str, Point] | None = None
) -> tuple[PostureReport, Image]:
    image = load_image(path)
    pose = detect_photo(image)
    if pose is not None:
        check_single_person(image, pose)
    return analyse_pose(pose, view, points or {}), image


def to_rgb(image: Image) -> Image:
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), dtype=np.uint8)
