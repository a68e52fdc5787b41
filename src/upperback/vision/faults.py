"""Form faults: a per-frame measure over a threshold, held long enough to be real."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from upperback.vision.landmarks import Joint, Pose, PoseFrame, sided
from upperback.vision.signals import BodyScale, Series, body_scale, relative_to_rest, seen
from upperback.vision.tracking_spec import FaultRule, View


@dataclass(frozen=True, slots=True)
class FaultEpisode:
    rule_id: str
    message: str
    start_s: float
    end_s: float
    worst: float


def _shoulder_gap(pose: Pose, scale: BodyScale) -> float | None:
    gaps = [
        -(pose[sided(s, "shoulder")].y - pose[sided(s, "ear")].y) / scale.torso_px
        for s in ("left", "right")
        if seen(pose, sided(s, "shoulder"), sided(s, "ear"))
    ]
    return sum(gaps) / len(gaps) if gaps else None


def _elbow_from_side(pose: Pose, scale: BodyScale, sides: Sequence[str]) -> float | None:
    offsets = [
        abs(pose[sided(s, "elbow")].x - pose[sided(s, "shoulder")].x) / scale.torso_px
        for s in sides
        if seen(pose, sided(s, "elbow"), sided(s, "shoulder"))
    ]
    return max(offsets) if offsets else None


def _trunk_angle(pose: Pose) -> float | None:
    joints = (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, Joint.LEFT_HIP, Joint.RIGHT_HIP)
    if not pose.visible(*joints, threshold=0.5):
        return None
    sx = (pose[Joint.LEFT_SHOULDER].x + pose[Joint.RIGHT_SHOULDER].x) / 2
    sy = (pose[Joint.LEFT_SHOULDER].y + pose[Joint.RIGHT_SHOULDER].y) / 2
    hx = (pose[Joint.LEFT_HIP].x + pose[Joint.RIGHT_HIP].x) / 2
    hy = (pose[Joint.LEFT_HIP].y + pose[Joint.RIGHT_HIP].y) / 2
    return math.degrees(math.atan2(sy - hy, sx - hx))


def measure_series(rule: FaultRule, frames: Sequence[PoseFrame], view: View) -> Series:
    poses = [f.pose for f in frames if f.pose is not None]
    if not poses:
        return [None] * len(frames)
    scale = body_scale(poses)
    sides = ("left", "right")
    if rule.measure == "shoulder_elevation":
        gaps = [None if f.pose is None else _shoulder_gap(f.pose, scale) for f in frames]
        return relative_to_rest(gaps, "shoulder_elevation")
    if rule.measure == "elbow_from_side":
        return [None if f.pose is None else _elbow_from_side(f.pose, scale, sides) for f in frames]
    angles = [None if f.pose is None else _trunk_angle(f.pose) for f in frames]
    known = [a for a in angles if a is not None]
    if not known:
        return angles
    # The change from the clip's usual trunk line: lying or standing, arching moves it.
    usual = statistics.median(known)
    return [None if a is None else abs(a - usual) for a in angles]


def episodes(rule: FaultRule, values: Series, times: Sequence[float]) -> list[FaultEpisode]:
    """Runs of frames over the threshold lasting at least the rule's minimum duration."""
    found: list[FaultEpisode] = []
    start: int | None = None
    for i, value in enumerate([*values, None]):
        over = value is not None and value > rule.above
        if over and start is None:
            start = i
        elif not over and start is not None:
            end = i - 1
            if times[end] - times[start] >= rule.min_duration_s:
                run = [v for v in values[start : end + 1] if v is not None]
                found.append(
                    FaultEpisode(rule.id, rule.message, times[start], times[end], max(run))
                )
            start = None
    return found


def detect_faults(
    rules: Sequence[FaultRule], frames: Sequence[PoseFrame], view: View
) -> list[FaultEpisode]:
    times = [f.time_s for f in frames]
    found: list[FaultEpisode] = []
    for rule in rules:
        found.extend(episodes(rule, measure_series(rule, frames, view), times))
    return sorted(found, key=lambda e: e.start_s)
