"""Posture from one photo: side view (head, shoulders, trunk) or front/back (symmetry).

A pose model has no C7 landmark and its "ear" is not the tragus, so the automatic side view
reading is a proxy: the ear-over-shoulder angle, given as a band with a confidence and never
called a craniovertebral angle. The exact angle needs tragus and C7 placed on the photo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from upperback.vision.errors import PointsError, RetakeError
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
from upperback.vision.texts import Text

PostureView = Literal["side", "front", "back"]
# Where the person's left side appears in the picture, seen by whoever looks at the photo:
# from the front the picture is a mirror (the person's left is on the viewer's right); from
# the back the two agree.
PERSON_LEFT_ON_VIEWERS: dict[str, str] = {"front": "right", "back": "left"}
CVA_KEY = "craniovertebral_angle"  # from placed points, never from the model
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
# Bands of the ear-over-shoulder proxy. Our own estimate, unverified: the labelled marker photo
# (craniovertebral angle 45.5, forward head) reads about 71-77 on this proxy.
PROXY_BANDS: tuple[tuple[float, str], ...] = (
    (82.0, "head_over_shoulders"),
    (68.0, "head_somewhat_forward"),
    (-90.0, "head_well_forward"),
)


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure; its reading and note as coded texts (`reading`, `note`: the English)."""

    value_deg: float
    confidence: float
    reading_text: Text
    note_text: Text | None = None
    # False: the looks at the photo disagreed or the landmarks were implausible (steady.py);
    # the value is shown for the record, with confidence 0, never read as a finding.
    reliable: bool = True

    @property
    def reading(self) -> str:
        return self.reading_text.english()

    @property
    def note(self) -> str:
        return self.note_text.english() if self.note_text else ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "value_deg": round(self.value_deg, 1),
            "confidence": round(self.confidence, 2),
            "reading": self.reading,
            "reading_code": self.reading_text.to_json(),
            "reliable": self.reliable,
        }
        if self.note_text:
            data["note"] = self.note
            data["note_code"] = self.note_text.to_json()
        return data


@dataclass(frozen=True, slots=True)
class PostureReport:
    view: PostureView
    measures: dict[str, Measure]
    pose: Pose | None
    points: dict[str, Point] = field(default_factory=dict)
    warning_texts: tuple[Text, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings in English (the command line's); `warning_texts` keeps their codes."""
        return tuple(text.english() for text in self.warning_texts)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "view": self.view,
            "measures": {k: m.to_json() for k, m in self.measures.items()},
            "points": {k: [round(p.x, 1), round(p.y, 1)] for k, p in self.points.items()},
            "warnings": list(self.warnings),
            "warning_codes": [text.to_json() for text in self.warning_texts],
        }
        if self.view in PERSON_LEFT_ON_VIEWERS:
            data["sides"] = sides_of(self.view)
        return data


def sides_of(view: str) -> dict[str, str]:
    """Which of the person's sides is on which side of the picture, for the viewer."""
    left = PERSON_LEFT_ON_VIEWERS[view]
    right = "left" if left == "right" else "right"
    return {"person_left": f"viewer_{left}", "person_right": f"viewer_{right}"}


# A craniovertebral angle is measured with the tragus higher than C7: above 0 and at most 90
# degrees (healthy adults read about 45 to 65). `elevation` gives -90 to 90, so an angle at or
# below 0 is C7 placed level with or above the ear: a misplaced point, whose number would
# otherwise be read as a finding ("-55.3, forward head posture").
CVA_RANGE = (0.0, 90.0)


def check_cva_points(tragus: Point, c7: Point) -> float:
    """The angle of placed points a neck can have; PointsError names the mistake otherwise."""
    angle = craniovertebral_angle(tragus, c7)
    if not CVA_RANGE[0] < angle <= CVA_RANGE[1]:
        raise PointsError("c7_not_below_tragus", angle=round(angle, 1))
    return angle


def read_cva(tragus: Point, c7: Point) -> Measure:
    """The exact angle from placed points; PointsError when they cannot be a neck's."""
    angle = check_cva_points(tragus, c7)
    forward = angle < CVA_FORWARD_HEAD_BELOW
    code = "cva_forward_head" if forward else "cva_usual_range"
    cutoff = f"{CVA_FORWARD_HEAD_BELOW:.0f}"
    return Measure(angle, 1.0, Text(code, {"cutoff": cutoff}), Text("note_cva_source"))


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


def _band(value: float) -> Text:
    return Text(next(code for floor, code in PROXY_BANDS if value >= floor))


def side_measures(pose: Pose) -> dict[str, Measure]:
    side = _near_side(pose)
    ear, shoulder, hip = (sided(side, p) for p in ("ear", "shoulder", "hip"))
    if not seen(pose, ear, shoulder):
        raise RetakeError("ear_and_shoulder_unclear")
    factor = _side_view_factor(pose)
    measures: dict[str, Measure] = {}
    proxy = elevation(pose[shoulder].point, pose[ear].point)
    confidence = pose.visibility(ear, shoulder) * (0.4 + 0.5 * factor)
    measures["forward_head"] = Measure(
        proxy, confidence, _band(proxy), Text("note_forward_head_proxy")
    )
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
            _protraction_reading(ahead),
            Text("note_protraction_proxy"),
        )
    return measures


def _protraction_reading(ahead: float) -> Text:
    return Text("shoulders_ahead" if ahead > 3 else "shoulders_in_line")


def side_reading(key: str, value: float) -> Text:
    """The reading of a side-view measure's value (for a value agreed over several looks)."""
    readers = {
        "forward_head": _band,
        "trunk_lean": _lean_reading,
        "shoulder_protraction": _protraction_reading,
    }
    return readers[key](value)


def _lean_reading(lean: float) -> Text:
    if abs(lean) < 5:
        return Text("upright")
    return Text("leaning_forward" if lean > 0 else "leaning_back")


def _tilt_reading(value: float, what: str, view: str) -> Text:
    """`what` is "shoulders" or "head"; the sides are the person's, placed for the viewer."""
    if abs(value) < 2:
        return Text(f"{what}_level")
    side = "left" if value > 0 else "right"
    on_screen = sides_of(view)[f"person_{side}"].removeprefix("viewer_")
    return Text(f"{what}_side_higher", {"side": side, "on_screen": on_screen, "view": view})


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
        reading = Text("trunk_centred" if abs(shift) < 3 else "trunk_shifted")
        measures["trunk_shift"] = Measure(shift, pose.visibility(*shoulders, *hips), reading)
    return measures


def _other(view: str) -> str:
    return "back" if view == "front" else "front"


def analyse_pose(pose: Pose | None, view: PostureView, points: dict[str, Point]) -> PostureReport:
    """Measures for the view; with tragus and C7 placed, the exact craniovertebral angle too."""
    measures: dict[str, Measure] = {}
    warnings: list[Text] = []
    if "tragus" in points and "c7" in points:
        measures["craniovertebral_angle"] = read_cva(points["tragus"], points["c7"])
    if pose is None and not measures:
        raise RetakeError("no_person_photo")
    if pose is None:
        warnings.append(Text("points_only"))
    else:
        try:
            if view == "side":
                measures.update(side_measures(pose))
            else:
                measures.update(frontal_measures(pose, view))
                if labels_disagree(pose, view):
                    warnings.append(
                        Text("model_took_other_view", {"model_view": _other(view), "view": view})
                    )
        except RetakeError as error:
            if not measures:
                raise
            warnings.append(Text(error.code, dict(error.params)))
    return PostureReport(view, measures, pose, points, tuple(warnings))
