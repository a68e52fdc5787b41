"""Steady posture readings: impossible angles rejected, several looks required to agree.

Why readings flipped (issue 13): on a tight head-and-shoulders crop (markers_side.jpg) the
pose detector, given the photo as it is, finds nobody in most JPEG re-saves; the next look (a
wider border) finds a person but sets its box upside down, because it places the box from the
hips, which such a crop lacks. The landmark model then reads the person upside down: ears
below the shoulders (a "forward head" of -80 to -89 degrees) and shoulders below the hips (a
trunk lean near 180). Which look succeeds changes with the JPEG noise, so the reading jumped.

So: a pose whose landmarks are not those of an upright person is dropped; an angle outside
the range a standing or sitting person can show is dropped; a side view is looked at several
ways (pose.photo_passes) and a reading is given with confidence only when at least two looks
agree within AGREEMENT_DEG, otherwise it is marked unreliable (confidence 0).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import replace

from upperback.vision.errors import RetakeError
from upperback.vision.landmarks import Joint, Pose
from upperback.vision.pose import Image, photo_passes
from upperback.vision.posture import (
    CVA_KEY,
    Measure,
    PostureReport,
    side_measures,
    side_reading,
)
from upperback.vision.texts import Text

# The range each automatic reading can take for a person standing or sitting for a posture
# photo; outside it the landmarks flipped or crossed, the person did not.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    # Ear-over-shoulder elevation: 90 is the ear straight above the shoulder joint; even a
    # severe forward head (craniovertebral angle near 30, far past the 50-degree cut-off) keeps
    # the ear well above it. Under 20 the ear is level with or below the shoulder: flipped.
    "forward_head": (20.0, 90.0),
    # A standing or sitting trunk leans some degrees, a slumped one a few tens; near 180 the
    # hips are above the shoulders: flipped.
    "trunk_lean": (-45.0, 60.0),
    "shoulder_protraction": (-45.0, 45.0),
    # Frontal views: a shoulder line past 30 degrees or a head past 45 is a person bending
    # sideways, not a posture photo, or sides the model crossed.
    "shoulder_tilt": (-30.0, 30.0),
    "head_tilt": (-45.0, 45.0),
    "trunk_shift": (-30.0, 30.0),
}
# Looks agreeing within this many degrees: the reading given (their median) lies within 3
# degrees of each look, the steadiness asked of a reading. Measured on markers_side.jpg and
# its JPEG re-saves: single looks scatter by up to 18 degrees (70 to 89.7 for the forward head).
AGREEMENT_DEG = 3.0
MIN_AGREEING = 2

MeasureOf = Callable[[Pose], dict[str, Measure]]


def upright(pose: Pose) -> bool:
    """The landmarks of a person standing or sitting: nose and ears above the shoulder line,
    shoulders above the hips (the model places hips even when the photo cuts them off)."""
    lm = pose.landmarks
    shoulders_y = (lm[Joint.LEFT_SHOULDER].y + lm[Joint.RIGHT_SHOULDER].y) / 2
    hips_y = (lm[Joint.LEFT_HIP].y + lm[Joint.RIGHT_HIP].y) / 2
    head = (Joint.NOSE, Joint.LEFT_EAR, Joint.RIGHT_EAR)
    return all(lm[j].y < shoulders_y for j in head) and hips_y > shoulders_y


def plausible(key: str, value: float) -> bool:
    low, high = PLAUSIBLE.get(key, (-180.0, 180.0))
    return low <= value <= high


def unreliable(measure: Measure) -> Measure:
    return replace(measure, confidence=0.0, reading_text=Text("reading_unreliable"), reliable=False)


def _looks(poses: Sequence[Pose], measure_of: MeasureOf) -> list[tuple[Pose, dict[str, Measure]]]:
    """Each upright pose's plausible measures (a pose the view cannot measure is skipped)."""
    looks = []
    for pose in poses:
        if not upright(pose):
            continue
        try:
            measures = measure_of(pose)
        except RetakeError:
            continue
        kept = {k: m for k, m in measures.items() if plausible(k, m.value_deg)}
        looks.append((pose, kept))
    return looks


def _agreed(key: str, measures: list[Measure]) -> Measure:
    """The median over the looks, read again; unreliable unless enough looks agree."""
    values = sorted(m.value_deg for m in measures)
    value = statistics.median(values)
    agreed = replace(
        measures[0],
        value_deg=value,
        confidence=statistics.median(m.confidence for m in measures),
        reading_text=side_reading(key, value),
    )
    agree = len(values) >= MIN_AGREEING and values[-1] - values[0] <= AGREEMENT_DEG
    return agreed if agree else unreliable(agreed)


def steady_measures(
    poses: Sequence[Pose], measure_of: MeasureOf
) -> tuple[dict[str, Measure], Pose | None, bool]:
    """(the measures agreed over the looks, the look nearest the agreed forward head or
    first upright look, whether some reading was dropped or marked unreliable)."""
    looks = _looks(poses, measure_of)
    keys = sorted({k for _, measures in looks for k in measures})
    agreed = {k: _agreed(k, [m[k] for _, m in looks if k in m]) for k in keys}
    shown = _nearest(looks, agreed)
    doubtful = not looks or any(not m.reliable for m in agreed.values())
    return agreed, shown, doubtful


def _nearest(
    looks: list[tuple[Pose, dict[str, Measure]]], agreed: dict[str, Measure]
) -> Pose | None:
    """The look to draw: the one whose forward head is nearest the agreed one, else the first."""
    target = agreed.get("forward_head")
    if not looks or target is None:
        return looks[0][0] if looks else None
    with_head = [(pose, m["forward_head"].value_deg) for pose, m in looks if "forward_head" in m]
    return min(with_head, key=lambda pair: abs(pair[1] - target.value_deg))[0]


def checked_measures(pose: Pose, measures: dict[str, Measure]) -> dict[str, Measure]:
    """One look only (front and back views): impossible angles and flipped landmarks are
    never given with confidence."""
    flipped = not upright(pose)
    return {
        k: unreliable(m) if flipped or not plausible(k, m.value_deg) else m
        for k, m in measures.items()
    }


def steadied(report: PostureReport, image: Image) -> PostureReport:
    """The report's automatic readings made steady (side view: over several looks at the
    photo; front and back: checked); placed points' readings are kept as they are."""
    if report.pose is None:
        return report
    placed = {k: m for k, m in report.measures.items() if k == CVA_KEY}
    if report.view == "side":
        measures, shown, doubtful = steady_measures(photo_passes(image), side_measures)
    else:
        automatic = {k: m for k, m in report.measures.items() if k != CVA_KEY}
        measures, shown = checked_measures(report.pose, automatic), report.pose
        doubtful = any(not m.reliable for m in measures.values())
    warnings = report.warning_texts + ((Text("warning_unreliable"),) if doubtful else ())
    return replace(
        report, measures={**placed, **measures}, pose=shown or report.pose, warning_texts=warnings
    )
