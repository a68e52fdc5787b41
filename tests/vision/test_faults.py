"""Form faults on made-up poses: each fault is reported with the time it was seen."""

from __future__ import annotations

from upperback.vision.faults import detect_faults
from upperback.vision.landmarks import Joint, Landmark, Pose, PoseFrame
from upperback.vision.tracking_spec import load_library

FPS = 15.0


def _standing(shoulder_rise: float = 0.0, elbow_out: float = 0.0) -> Pose:
    """A front-view person 400 px tall-ish: torso 200 px; every landmark clearly seen."""
    spots = {j: (320.0, 300.0) for j in Joint}
    spots |= {
        Joint.NOSE: (320, 100),
        Joint.LEFT_EAR: (350, 100),
        Joint.RIGHT_EAR: (290, 100),
        Joint.LEFT_EYE: (335, 95),
        Joint.RIGHT_EYE: (305, 95),
        Joint.LEFT_SHOULDER: (400, 180 - shoulder_rise),
        Joint.RIGHT_SHOULDER: (240, 180 - shoulder_rise),
        Joint.LEFT_ELBOW: (405 + elbow_out, 260),
        Joint.RIGHT_ELBOW: (235 - elbow_out, 260),
        Joint.LEFT_WRIST: (420, 250),
        Joint.RIGHT_WRIST: (220, 250),
        Joint.LEFT_HIP: (370, 380),
        Joint.RIGHT_HIP: (270, 380),
    }
    marks = tuple(Landmark(float(spots[j][0]), float(spots[j][1]), 0.99) for j in Joint)
    return Pose(landmarks=marks, width=640, height=480)


def _frames(poses: list[Pose]) -> list[PoseFrame]:
    return [PoseFrame(i * 2, i / FPS, p) for i, p in enumerate(poses)]


def test_shrugging_during_rotator_cuff_rotations_is_reported_with_its_time() -> None:
    rules = load_library().get("rotator_cuff_rotations").faults
    poses = [_standing()] * 30 + [_standing(shoulder_rise=30)] * 15 + [_standing()] * 30
    faults = detect_faults(rules, _frames(poses), "front")
    shrugs = [f for f in faults if f.rule_id == "shrugging"]
    assert len(shrugs) == 1
    assert shrugs[0].start_s == 2.0 and abs(shrugs[0].end_s - 44 / FPS) < 1e-9
    assert "shoulders" in shrugs[0].message


def test_the_elbow_leaving_the_side_is_reported() -> None:
    rules = load_library().get("rotator_cuff_rotations").faults
    poses = [_standing()] * 20 + [_standing(elbow_out=80)] * 12 + [_standing()] * 20
    faults = detect_faults(rules, _frames(poses), "front")
    assert [f.rule_id for f in faults] == ["elbow_leaves_side"]


def test_a_brief_flicker_is_not_a_fault() -> None:
    rules = load_library().get("rotator_cuff_rotations").faults
    poses = [_standing()] * 20 + [_standing(shoulder_rise=30)] * 3 + [_standing()] * 20
    assert detect_faults(rules, _frames(poses), "front") == []
