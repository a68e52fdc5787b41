"""Analyse a posture photo: checks, one person only, pose, measures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from upperback.vision.errors import RetakeError
from upperback.vision.file_checks import load_image
from upperback.vision.landmarks import Point, Pose
from upperback.vision.pose import Image, count_faces, detect_photo
from upperback.vision.posture import PostureReport, PostureView, analyse_pose
from upperback.vision.steady import steadied

# A second person must be seen this clearly to count: shoulders and hips of a real body,
# not a shadow or a poster the model half-believes in.
SECOND_PERSON_VISIBILITY = 0.8
BOX_MARGIN = 0.15
# Landmarks stop at the eyes and ears; the crown of the head lies above them, so the box grows
# upwards by this share of its height before masking (or the head is found as a "person").
HEAD_ALLOWANCE = 0.6
# A second body under half the first one's torso length is taken for clutter.
MIN_SECOND_SIZE = 0.5
# In the halves check, a body whose torso (shoulders to hips) is shorter than this share of the
# picture's height is a fragment, not a person framed for a posture photo: on the close-up
# title card of sample_shoulder_shrug.mp4 the pose model "finds" a tiny tilted body in the
# half holding a hand and a dumbbell (torsos of 4-9% of the height); a person framed head to
# hips, even standing far back, has a torso of well over 15%.
MIN_TORSO_SHARE = 0.12


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


def _torso_axis(pose: Pose) -> tuple[float, float]:
    """(horizontal, vertical) run from the hip midpoint up to the shoulder midpoint, pixels."""
    lm = pose.landmarks
    shoulder_x, shoulder_y = (lm[11].x + lm[12].x) / 2, (lm[11].y + lm[12].y) / 2
    hip_x, hip_y = (lm[23].x + lm[24].x) / 2, (lm[23].y + lm[24].y) / 2
    return shoulder_x - hip_x, hip_y - shoulder_y


def _torso_length(pose: Pose) -> float:
    return math.hypot(*_torso_axis(pose))


def _upright(pose: Pose) -> bool:
    """Shoulders above the hips, more up than sideways: a patient standing or sitting."""
    run, rise = _torso_axis(pose)
    return rise > abs(run)


def _plausible_second(first: Pose, second: Pose) -> bool:
    """Clutter (racks, plates) can pass for a small body lying down; a second patient is about
    as big as the first and upright."""
    big_enough = _torso_length(second) >= MIN_SECOND_SIZE * _torso_length(first)
    return big_enough and _upright(second)


def _torso_inside(pose: Pose) -> bool:
    """Shoulders and hips all lie inside the picture (a body cut by the edge is not whole)."""
    return all(
        0 <= pose.landmarks[j].x <= pose.width and 0 <= pose.landmarks[j].y <= pose.height
        for j in TORSO
    )


def _standing_person(pose: Pose | None) -> bool:
    """A clear, whole, upright body of a person's size: what a half must show to count."""
    return (
        pose is not None
        and _clear_person(pose)
        and _torso_inside(pose)
        and _upright(pose)
        and _torso_length(pose) >= MIN_TORSO_SHARE * pose.height
    )


def _second_person(image: Image, first: Pose) -> bool:
    """Grey out the person found, look again: a clear second body means two people."""
    left, top, right, bottom = _person_box(first)
    masked = image.copy()
    masked[top:bottom, left:right] = 114
    again = detect_photo(np.asarray(masked, dtype=np.uint8))
    if again is None or not _clear_person(again) or not _plausible_second(first, again):
        return False
    # A body whose shoulders sit inside the first box is the first person seen again.
    shoulder_x = (again.landmarks[11].x + again.landmarks[12].x) / 2
    shoulder_y = (again.landmarks[11].y + again.landmarks[12].y) / 2
    return not (left <= shoulder_x <= right and top <= shoulder_y <= bottom)


TORSO = (11, 12, 23, 24)  # shoulders and hips


def _clear_person(pose: Pose | None) -> bool:
    return pose is not None and min(pose.landmarks[j].visibility for j in TORSO) >= (
        SECOND_PERSON_VISIBILITY
    )


def check_single_person(image: Image, pose: Pose) -> None:
    if count_faces(image) >= 2 or _second_person(image, pose):
        raise RetakeError("two_people")


def check_nobody_or_two(image: Image) -> None:
    """No person found in the whole photo: two people side by side can confuse the detector,
    so look in each half; a standing person in both halves, of similar size, means two people.

    Every half of a picture holds *something*, and the model, told to find a person, often
    finds one: in a close-up of one body cut in two by the middle line (the title card of
    sample_shoulder_shrug.mp4), each half showed a "clear" torso lying sideways, cut by the
    edge, or a few centimetres long. Those fragments do not count.
    """
    width = image.shape[1]
    found = []
    for half in (image[:, : width // 2], image[:, width // 2 :]):
        pose = detect_photo(np.ascontiguousarray(half))
        if pose is None or not _standing_person(pose):
            return  # the second look is skipped: one half without a person settles it
        found.append(pose)
    small, large = sorted(_torso_length(pose) for pose in found)
    if small >= MIN_SECOND_SIZE * large:
        raise RetakeError("two_people")


def the_one_person(image: Image) -> Pose | None:
    """The pose of the one person in the photo (None: nobody found); RetakeError for two."""
    pose = detect_photo(image)
    if pose is not None:
        check_single_person(image, pose)
    else:
        check_nobody_or_two(image)
    return pose


def analyse_photo(
    path: Path, view: PostureView, points: dict[str, Point] | None = None
) -> tuple[PostureReport, Image]:
    image = load_image(path)
    pose = the_one_person(image)
    return steadied(analyse_pose(pose, view, points or {}), image), image


def warm_up() -> None:
    """Load what a photo's analysis needs (the pose graph, the face detector, the picture's
    drawing code) and run each once on a blank image, so the first real photo pays none of
    it. A warm analysis child (vision.pool) calls this before it says it is ready."""
    import upperback.vision.overlay  # noqa: F401  (matplotlib and the drawing code)

    blank = np.zeros((256, 256, 3), dtype=np.uint8)
    detect_photo(blank)
    count_faces(blank)
