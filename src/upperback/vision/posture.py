"""Posture from one photo: side view (head, shoulders, trunk) or front/back (symmetry).

A pose model has no C7 landmark and its "ear" is not the tragus, so the automatic side view
reading is a proxy: the ear-over-shoulder angle, given as a band with a confidence and never
called a craniovertebral angle. The exact angle needs tragus and C7 placed on the photo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from upperback.vision.errors import RetakeError
from upperback.vision.geometry import (
    craniovertebral_angle,
    distance,
    elevation,
    lean_from_vertical,
    midpoint,
    tilt,
)
from upperback.vision.landmarks import Joint, Point, Pose, sided
from upperback.vision.signals import seen

PostureView = Literal["side", "front", "back"]
# Where the person's left side appears in the picture, seen by whoever looks at the photo:
# from the front the picture is a mirror (the person's left is on the viewer's right); from
# the back the two agree.
PERSON_LEFT_ON_VIEWERS: dict[str, str] = {"front": "right", "back": "left"}
MEASURE_KEYS = (
    "forward_head",
    "shoulder_protraction",
    "trunk_lean",
    "shoulder_tilt",
    "head_tilt",
    "trunk_shift",
    "craniovertebral_angle",
)

# Published reading of the craniovertebral angle. Cut-offs between 48 and 50 degrees appear in
# the literature; we take 50 (the value Oakley et al. tie to a 20 mm C2-C7 sagittal offset).
CVA_FORWARD_HEAD_BELOW = 50.0
CVA_SOURCE = (
    "Craniovertebral angle under about 50 degrees read as forward head posture: Oakley PA et al., "
    "J Clin Med 2024;13(7):2149 (CVA 50 degrees ~ C2-C7 SVA 20 mm); smaller angles in neck pain: "
    "Yip CH, Chiu TT, Poon AT, Man Ther 2008;13(2):148-154."
)
# Bands of the ear-over-shoulder proxy. Our own estimate, unverified: the labelled marker photo
# (craniovertebral angle 45.5, forward head) reads about 71-77 on this proxy.
PROXY_BANDS: tuple[tuple[float, str], ...] = (
    (82.0, "head over the shoulders"),
    (68.0, "head somewhat forward of the shoulders"),
    (-90.0, "head well forward of the shoulders"),
)
PROXY_NOTE = (
    "Automatic proxy from pose landmarks (ear and shoulder joint, not tragus and C7): a band, "
    "not a craniovertebral angle. Place tragus and C7 on the photo for the exact angle."
)


@dataclass(frozen=True, slots=True)
class Measure:
    value_deg: float
    confidence: float
    reading: str
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "value_deg": round(self.value_deg, 1),
            "confidence": round(self.confidence, 2),
            "reading": self.reading,
        }
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True, slots=True)
class PostureReport:
    view: PostureView
    measures: dict[str, Measure]
    pose: Pose | None
    points: dict[str, Point] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "view": self.view,
            "measures": {k: m.to_json() for k, m in self.measures.items()},
            "points": {k: [round(p.x, 1), round(p.y, 1)] for k, p in self.points.items()},
            "warnings": list(self.warnings),
        }
        if self.view in PERSON_LEFT_ON_VIEWERS:
            data["sides"] = sides_of(self.view)
        return data


def sides_of(view: str) -> dict[str, str]:
    """Which of the person's sides is on which side of the picture, for the viewer."""
    left = PERSON_LEFT_ON_VIEWERS[view]
    right = "left" if left == "right" else "right"
    return {"person_left": f"viewer_{left}", "person_right": f"viewer_{right}"}


def read_cva(tragus: Point, c7: Point) -> Measure:
    angle = craniovertebral_angle(tragus, c7)
    forward = angle < CVA_FORWARD_HEAD_BELOW
    reading = "forward head posture" if forward else "within the usual range"
    return Measure(
        angle, 1.0, f"{reading} (cut-off {CVA_FORWARD_HEAD_BELOW:.0f} degrees)", CVA_SOURCE
    )


def _facing(pose: Pose) -> float:
    ears = midpoint(pose[Joint.LEFT_EAR].point, pose[Joint.RIGHT_EAR].point)
    return 1.0 if pose[Joint.NOSE].x >= ears.x else -1.0


def _near_side(pose: Pose) -> str:
    score = {s: pose.visibility(sided(s, "ear"), sided(s, "shoulder")) for s in ("left", "right")}
    return max(score, key=lambda s: score[s])


def _side_view_factor(pose: Pose) -> float:
    """1 for a true profile (shoulders overlap), falling to 0 as the person turns to face us."""
    width = distance(pose[Joint.LEFT_SHOULDER].point, pose[Joint.RIGHT_SHOULDER].point)
    ear_to_shoulder = distance(pose[Joint.LEFT_EAR].point, pose[Joint.LEFT_SHOULDER].point)
    return max(0.0, min(1.0, 1.5 - width / max(ear_to_shoulder, 1.0)))


def _band(value: float) -> str:
    return next(label for floor, label in PROXY_BANDS if value >= floor)


def side_measures(pose: Pose) -> dict[str, Measure]:
    side = _near_side(pose)
    ear, shoulder, hip = (sided(side, p) for p in ("ear", "shoulder", "hip"))
    if not seen(pose, ear, shoulder):
        raise RetakeError("ear_and_shoulder_unclear")
    factor = _side_view_factor(pose)
    measures: dict[str, Measure] = {}
    proxy = elevation(pose[shoulder].point, pose[ear].point)
    confidence = pose.visibility(ear, shoulder) * (0.4 + 0.5 * factor)
    measures["forward_head"] = Measure(proxy, confidence, _band(proxy), PROXY_NOTE)
    if seen(pose, hip):
        facing = _facing(pose)
        lean = lean_from_vertical(pose[hip].point, pose[shoulder].point, facing)
        trunk_conf = pose.visibility(hip, shoulder) * (0.5 + 0.4 * factor)
        measures["trunk_lean"] = Measure(lean, trunk_conf, _lean_reading(lean))
        ahead = lean_from_vertical(pose[hip].point, pose[shoulder].point, facing) - (
            lean_from_vertical(pose[hip].point, pose[ear].point, facing)
        )
        measures["shoulder_protraction"] = Measure(
            ahead,
            trunk_conf * 0.7,
            "shoulders ahead of the ear-hip line" if ahead > 3 else "shoulders in line",
            "Proxy: angle at the hip between the ear and the shoulder joint.",
        )
    return measures


def _lean_reading(lean: float) -> str:
    if abs(lean) < 5:
        return "upright"
    return "leaning forward" if lean > 0 else "leaning back"


def _tilt_reading(value: float, what: str, view: str) -> str:
    if abs(value) < 2:
        return f"{what} level"
    side = "left" if value > 0 else "right"
    on_screen = sides_of(view)[f"person_{side}"].removeprefix("viewer_")
    return (
        f"{what}: the person's {side} side higher "
        f"(on the viewer's {on_screen} in this {view} view)"
    )


def person_left_right(pose: Pose, pair: tuple[Joint, Joint], view: str) -> tuple[Point, Point]:
    """(the person's left, the person's right) of a left/right pair of joints.

    Sides come from where the points lie in the picture and the view the photo was taken
    from, not from the model's labels: a pose model cannot always tell a back from a front,
    and a back taken for a front swaps every left and right.
    """
    a, b = pose[pair[0]].point, pose[pair[1]].point
    viewers_left, viewers_right = (a, b) if a.x <= b.x else (b, a)
    if PERSON_LEFT_ON_VIEWERS[view] == "left":
        return viewers_left, viewers_right
    return viewers_right, viewers_left


def labels_disagree(pose: Pose, view: str) -> bool:
    """The model's left shoulder lies where the view puts the person's right."""
    model_left_on_viewers_left = pose[Joint.LEFT_SHOULDER].x < pose[Joint.RIGHT_SHOULDER].x
    return model_left_on_viewers_left != (PERSON_LEFT_ON_VIEWERS[view] == "left")


def frontal_measures(pose: Pose, view: str = "front") -> dict[str, Measure]:
    shoulders = (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER)
    if not seen(pose, *shoulders):
        raise RetakeError("shoulders_not_in_view")
    measures: dict[str, Measure] = {}
    left, right = person_left_right(pose, shoulders, view)
    shoulder_tilt = tilt(left, right)
    measures["shoulder_tilt"] = Measure(
        shoulder_tilt,
        pose.visibility(*shoulders),
        _tilt_reading(shoulder_tilt, "shoulders", view),
    )
    for pair in ((Joint.LEFT_EAR, Joint.RIGHT_EAR), (Joint.LEFT_EYE, Joint.RIGHT_EYE)):
        if seen(pose, *pair):
            head = tilt(*person_left_right(pose, pair, view))
            measures["head_tilt"] = Measure(
                head, pose.visibility(*pair), _tilt_reading(head, "head", view)
            )
            break
    hips = (Joint.LEFT_HIP, Joint.RIGHT_HIP)
    if seen(pose, *hips):
        low = midpoint(pose[hips[0]].point, pose[hips[1]].point)
        shift = math.degrees(
            math.atan2(midpoint(left, right).x - low.x, low.y - midpoint(left, right).y)
        )
        reading = "trunk centred" if abs(shift) < 3 else "trunk shifted to one side"
        measures["trunk_shift"] = Measure(shift, pose.visibility(*shoulders, *hips), reading)
    return measures


def _other(view: str) -> str:
    return "back" if view == "front" else "front"


def analyse_pose(pose: Pose | None, view: PostureView, points: dict[str, Point]) -> PostureReport:
    """Measures for the view; with tragus and C7 placed, the exact craniovertebral angle too."""
    measures: dict[str, Measure] = {}
    warnings: list[str] = []
    if "tragus" in points and "c7" in points:
        measures["craniovertebral_angle"] = read_cva(points["tragus"], points["c7"])
    if pose is None and not measures:
        raise RetakeError("no_person_photo")
    if pose is None:
        warnings.append("No person found automatically; only the placed points were measured.")
    else:
        try:
            if view == "side":
                measures.update(side_measures(pose))
            else:
                measures.update(frontal_measures(pose, view))
                if labels_disagree(pose, view):
                    warnings.append(
                        f"The pose model took this for a {_other(view)} view; left and right "
                        f"follow the {view} view given."
                    )
        except RetakeError as error:
            if not measures:
                raise
            warnings.append(str(error))
    return PostureReport(view, measures, pose, points, tuple(warnings))
