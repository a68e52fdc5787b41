"""Posture measures on made-up poses: what is measured, and a retake when too little shows."""

from __future__ import annotations

import pytest

from upperback.vision.errors import RetakeError
from upperback.vision.landmarks import Joint, Landmark, Point, Pose
from upperback.vision.posture import analyse_pose


def _pose(spots: dict[Joint, tuple[float, float]], height: int = 480) -> Pose:
    default = (320.0, 240.0)
    marks = tuple(Landmark(*spots.get(j, default), 0.99) for j in Joint)
    return Pose(landmarks=marks, width=640, height=height)


FRONT = {
    Joint.NOSE: (320, 100),
    Joint.LEFT_EAR: (350, 95),
    Joint.RIGHT_EAR: (290, 105),
    Joint.LEFT_EYE: (335, 92),
    Joint.RIGHT_EYE: (305, 98),
    Joint.LEFT_SHOULDER: (400, 170),
    Joint.RIGHT_SHOULDER: (240, 180),
    Joint.LEFT_HIP: (370, 380),
    Joint.RIGHT_HIP: (270, 380),
}


def test_a_front_view_gives_shoulder_tilt_head_tilt_and_trunk_shift() -> None:
    report = analyse_pose(_pose(FRONT), "front", {})
    assert set(report.measures) == {"shoulder_tilt", "head_tilt", "trunk_shift"}
    assert report.measures["shoulder_tilt"].value_deg == pytest.approx(3.58, abs=0.01)
    assert "left side higher" in report.measures["shoulder_tilt"].reading


def test_shoulders_out_of_the_picture_get_a_retake_message() -> None:
    cut = FRONT | {Joint.LEFT_SHOULDER: (400, 520), Joint.RIGHT_SHOULDER: (240, 530)}
    with pytest.raises(RetakeError, match="shoulders"):
        analyse_pose(_pose(cut), "front", {})


def test_placed_points_still_give_the_angle_when_the_pose_is_not_enough() -> None:
    cut = FRONT | {Joint.LEFT_EAR: (350, 600), Joint.LEFT_SHOULDER: (400, 620)}
    points = {"tragus": Point(100.4, 87.8), "c7": Point(55.0, 134.0)}
    report = analyse_pose(_pose(cut), "side", points)
    assert report.measures["craniovertebral_angle"].value_deg == pytest.approx(45.5, abs=0.05)
    assert report.warnings  # says why no automatic reading was given
