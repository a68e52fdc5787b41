"""Turn a tracked video into one body-normalised number per sampled frame.

Each limb is gated by its landmarks' visibility: in a side view the far arm is hidden and its
estimated angle jumps by tens of degrees between frames, so a side view follows only the
better-seen side, and a front view averages the sides that are seen.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from upperback.vision.errors import RetakeError
from upperback.vision.geometry import angle_at, distance, midpoint
from upperback.vision.landmarks import SIDES, Joint, Pose, PoseFrame, sided
from upperback.vision.tracking_spec import Signal, View

# Below this visibility a landmark is a guess (MediaPipe's own cut-off for drawing is 0.5).
VISIBILITY_GATE = 0.5
# A front-view shoulder width is about 0.75 torso lengths in adults; used only when no frame
# shows the hips.
SHOULDER_WIDTH_PER_TORSO = 0.75
# "Resting" position for the relative signals: the 90th percentile, robust to a few bad frames.
BASELINE_PERCENTILE = 0.9

Series = list[float | None]


@dataclass(frozen=True, slots=True)
class BodyScale:
    torso_px: float
    facing: float  # +1 when the person faces the image's +x direction, -1 otherwise


def _in_frame(pose: Pose, joint: Joint) -> bool:
    landmark = pose[joint]
    return 0 <= landmark.x <= pose.width and 0 <= landmark.y <= pose.height


def seen(pose: Pose, *joints: Joint) -> bool:
    """Every joint is visible enough and inside the picture."""
    return pose.visible(*joints, threshold=VISIBILITY_GATE) and all(
        _in_frame(pose, j) for j in joints
    )


def _torso(pose: Pose) -> float:
    shoulders = midpoint(pose[Joint.LEFT_SHOULDER].point, pose[Joint.RIGHT_SHOULDER].point)
    hips = midpoint(pose[Joint.LEFT_HIP].point, pose[Joint.RIGHT_HIP].point)
    return distance(shoulders, hips)


def body_scale(poses: Sequence[Pose]) -> BodyScale:
    """The clip's torso length (median over frames that show it) and facing direction."""
    torso_joints = (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_HIP, Joint.RIGHT_HIP)
    # A torso of no length (landmarks on one spot) measures nothing and would divide by zero.
    torsos = [t for p in poses if p.visible(*torso_joints, threshold=0.3) if (t := _torso(p)) > 0]
    if not torsos:
        shoulders = (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER)
        widths = [
            distance(p[shoulders[0]].point, p[shoulders[1]].point) / SHOULDER_WIDTH_PER_TORSO
            for p in poses
            if seen(p, *shoulders)
        ]
        torsos = [w for w in widths if w > 0]
    if not torsos:
        raise RetakeError("no_shoulders_and_hips")
    facing = statistics.median(_facing(p) for p in poses)
    return BodyScale(torso_px=statistics.median(torsos), facing=1.0 if facing >= 0 else -1.0)


def _facing(pose: Pose) -> float:
    ears = midpoint(pose[Joint.LEFT_EAR].point, pose[Joint.RIGHT_EAR].point)
    return 1.0 if pose[Joint.NOSE].x >= ears.x else -1.0


def sides_to_follow(
    poses: Sequence[Pose], joints_of: Callable[[str], tuple[Joint, ...]], view: View
) -> tuple[str, ...]:
    """Front: both sides; side: only the side whose landmarks the camera sees better."""
    if view == "front":
        return SIDES
    scores = {s: statistics.median(p.visibility(*joints_of(s)) for p in poses) for s in SIDES}
    return (max(SIDES, key=lambda s: scores[s]),)


def _side_joints(signal: Signal, side: str) -> tuple[Joint, ...]:
    if signal.kind == "forearm_rotation":
        return (sided(side, "elbow"), sided(side, "wrist"))
    return tuple(_joint(part, side) for part in signal.parts)


def _joint(part: str, side: str) -> Joint:
    return Joint.NOSE if part == "nose" else sided(side, part)


def _raw_value(signal: Signal, pose: Pose, side: str, scale: BodyScale) -> float:
    points = [pose[j].point for j in _side_joints(signal, side)]
    if signal.kind == "joint_angle":
        return angle_at(points[0], points[1], points[2])
    if signal.kind == "height":
        return (points[1].y - points[0].y) / scale.torso_px
    if signal.kind == "shoulder_elevation":
        # Raw: the ear-to-shoulder gap; turned into a rise from rest in `relative_to_rest`.
        return -(points[0].y - points[1].y) / scale.torso_px
    if signal.kind == "backward_travel":
        return (points[0].x - points[1].x) * scale.facing / scale.torso_px
    return _forearm_rotation(points[0].x, points[1].x, side, pose)


def _forearm_rotation(elbow_x: float, wrist_x: float, side: str, pose: Pose) -> float:
    """Degrees the forearm points outwards from straight at the camera (front view)."""
    upper_arm = distance(pose[sided(side, "shoulder")].point, pose[sided(side, "elbow")].point)
    forearm = max(upper_arm * 0.85, 1.0)  # forearms are about 0.85 of the upper arm
    # The person's left side appears on the image's right in a front view.
    outward = (wrist_x - elbow_x) * (1.0 if side == "left" else -1.0)
    return math.degrees(math.asin(max(-1.0, min(1.0, outward / forearm))))


def frame_value(signal: Signal, pose: Pose, sides: Sequence[str], scale: BodyScale) -> float | None:
    """The signal in one frame: the mean over followed sides that are seen, else None."""
    values = [
        _raw_value(signal, pose, side, scale)
        for side in sides
        if seen(pose, *_side_joints(signal, side))
    ]
    return sum(values) / len(values) if values else None


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def relative_to_rest(series: Series, kind: str) -> Series:
    """Distance moved from the clip's resting position, positive in the exercise's direction.

    Rest is where the part spends the clip at its extreme (the 10th or 90th percentile, robust
    to a few bad frames): shoulders at their lowest, the head or elbows at their most forward.
    """
    known = [v for v in series if v is not None]
    if not known:
        return series
    if kind == "shoulder_elevation":  # raw is minus the ear-shoulder gap: rest is its lowest
        floor = _percentile(known, 1 - BASELINE_PERCENTILE)
        return [None if v is None else v - floor for v in series]
    ceiling = _percentile(known, BASELINE_PERCENTILE)  # raw is the forward position
    return [None if v is None else ceiling - v for v in series]


def signal_series(signal: Signal, frames: Sequence[PoseFrame], view: View) -> Series:
    """One value (or None where the person or the limb is not seen) per sampled frame."""
    poses = [f.pose for f in frames if f.pose is not None]
    if not poses:
        raise RetakeError("no_person_upper_body")
    scale = body_scale(poses)
    sides = sides_to_follow(poses, lambda s: _side_joints(signal, s), view)
    series: Series = [
        None if f.pose is None else frame_value(signal, f.pose, sides, scale) for f in frames
    ]
    if signal.kind in ("shoulder_elevation", "backward_travel"):
        series = relative_to_rest(series, signal.kind)
    return series
