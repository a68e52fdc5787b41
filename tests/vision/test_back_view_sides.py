"""Left and right in a back view: the person's left is on the viewer's left.

markers_back.jpg is unlabelled, but its skin markers show: the acromion markers (the outer
two, level with the shoulders) are found here by brightness, and the one on the viewer's left
sits higher. Seen from behind that is the person's left, so the measure must say "the
person's left side higher" and place it on the viewer's left. Mirroring the photo (still a
back view) must move both to the right.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from upperback.vision.landmarks import Joint, Landmark, Pose
from upperback.vision.photo import the_one_person
from upperback.vision.pose import Image
from upperback.vision.posture import analyse_pose

BACK = "photos/markers_back.jpg"


def _acromion_markers(image: Image) -> tuple[tuple[float, float], tuple[float, float]]:
    """(viewer's left, viewer's right) acromion markers: the outermost bright spots in the
    shoulder band of the picture."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    _, bright = cv2.threshold(grey, 235, 255, cv2.THRESH_BINARY)
    count, _, stats, centres = cv2.connectedComponentsWithStats(bright)
    spots = [
        (float(centres[i][0]), float(centres[i][1]))
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_AREA] >= 8 and centres[i][1] < image.shape[0] / 2
    ]
    return min(spots), max(spots)


def _marker_tilt(image: Image) -> float:
    """Degrees by which the viewer's-left marker is higher than the viewer's-right one."""
    (lx, ly), (rx, ry) = _acromion_markers(image)
    return math.degrees(math.atan2(ry - ly, rx - lx))


@pytest.mark.slow
def test_the_higher_shoulder_is_the_persons_left_on_the_viewers_left(shared_data: Path) -> None:
    image = cv2.imread(str(shared_data / BACK))
    markers = _marker_tilt(image)
    assert markers == pytest.approx(3.8, abs=0.3)  # the photo: the viewer's left is higher
    report = analyse_pose(the_one_person(image), "back", {}).to_json()
    shoulders = report["measures"]["shoulder_tilt"]
    assert shoulders["value_deg"] == pytest.approx(markers, abs=1.5)
    assert shoulders["reading"] == (
        "shoulders: the person's left side higher (on the viewer's left in this back view)"
    )
    assert report["sides"] == {"person_left": "viewer_left", "person_right": "viewer_right"}
    assert report["warnings"] == []


@pytest.mark.slow
def test_the_mirrored_back_photo_has_the_persons_right_higher_on_the_viewers_right(
    shared_data: Path,
) -> None:
    image = np.ascontiguousarray(cv2.imread(str(shared_data / BACK))[:, ::-1])
    markers = _marker_tilt(image)
    assert markers < -3  # now the viewer's right marker is higher
    shoulders = analyse_pose(the_one_person(image), "back", {}).measures["shoulder_tilt"]
    assert shoulders.value_deg == pytest.approx(markers, abs=1.5)
    assert "the person's right side higher (on the viewer's right" in shoulders.reading


def _pose(spots: dict[Joint, tuple[float, float]]) -> Pose:
    marks = tuple(Landmark(*spots.get(j, (320.0, 240.0)), 0.99) for j in Joint)
    return Pose(landmarks=marks, width=640, height=480)


# Shoulders and ears with the viewer's-left one higher; the model's labels put LEFT on the
# viewer's right, as for a person facing the camera.
LABELLED_AS_FRONT = {
    Joint.LEFT_EAR: (350, 105),
    Joint.RIGHT_EAR: (290, 95),
    Joint.LEFT_SHOULDER: (400, 180),
    Joint.RIGHT_SHOULDER: (240, 170),
}


def test_sides_follow_the_view_given_not_the_models_labels() -> None:
    back = analyse_pose(_pose(LABELLED_AS_FRONT), "back", {})
    # Seen from behind, the higher, viewer's-left shoulder is the person's left.
    assert back.measures["shoulder_tilt"].value_deg > 0
    assert (
        "person's left side higher (on the viewer's left" in back.measures["shoulder_tilt"].reading
    )
    assert "took this for a front view" in back.warnings[0]
    front = analyse_pose(_pose(LABELLED_AS_FRONT), "front", {})
    # Seen from the front, the same picture shows the person's right higher, and no warning.
    assert front.measures["shoulder_tilt"].value_deg < 0
    assert "person's right side higher (on the viewer's left in this front view)" in (
        front.measures["shoulder_tilt"].reading
    )
    assert front.warnings == ()
    assert front.to_json()["sides"] == {
        "person_left": "viewer_right",
        "person_right": "viewer_left",
    }
