"""Simple stick-figure SVG illustrations of the plan's exercises, drawn here (no image files).

Each picture shows the start position faintly and the end position solid, with an arrow for
the movement. An exercise without its own drawing gets a neutral standing figure.
"""

from __future__ import annotations

import math
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Point = tuple[float, float]
INK, FAINT, ARROW = "#1b1f24", "#9aa3ae", "#0b5cad"


def _line(a: Point, b: Point, colour: str, width: float = 5) -> str:
    return (
        f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
        f'stroke="{colour}" stroke-width="{width}" stroke-linecap="round"/>'
    )


def _limb(start: Point, angle_deg: float, length: float) -> Point:
    """A point `length` away from start; 0 degrees points down, 90 points forward (right)."""
    rad = math.radians(angle_deg)
    return start[0] + length * math.sin(rad), start[1] + length * math.cos(rad)


def _arm(shoulder: Point, upper: float, fore: float, colour: str) -> str:
    elbow = _limb(shoulder, upper, 26)
    hand = _limb(elbow, fore, 24)
    return _line(shoulder, elbow, colour) + _line(elbow, hand, colour)


def _standing_body(colour: str = INK) -> str:
    head = f'<circle cx="80" cy="30" r="12" fill="none" stroke="{colour}" stroke-width="5"/>'
    trunk = _line((80, 42), (80, 100), colour)
    legs = _line((80, 100), (70, 150), colour) + _line((80, 100), (90, 150), colour)
    return head + trunk + legs


def _arrow_arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    a, b = _limb((cx, cy), start, r), _limb((cx, cy), end, r)
    sweep = 1 if end < start else 0
    return (
        f'<path d="M{a[0]:.1f},{a[1]:.1f} A{r},{r} 0 0 {sweep} {b[0]:.1f},{b[1]:.1f}" '
        f'fill="none" stroke="{ARROW}" stroke-width="3" marker-end="url(#tip)"/>'
    )


# Shoulders as a line as wide as a person's, the arms hanging from its ends: drawn from the
# middle of the trunk, arms at a person's side lie on the trunk's line and are not seen.
LEFT_SHOULDER, RIGHT_SHOULDER = (62.0, 50.0), (98.0, 50.0)


def _arms_at_sides(colour: str = INK, lift: float = 0) -> str:
    left = (LEFT_SHOULDER[0], LEFT_SHOULDER[1] - lift)
    right = (RIGHT_SHOULDER[0], RIGHT_SHOULDER[1] - lift)
    girdle = _line(left, (80, 48 - lift / 2), colour) + _line((80, 48 - lift / 2), right, colour)
    return girdle + _arm(left, -10, -4, colour) + _arm(right, 10, 4, colour)


def _shoulder_rolls() -> str:
    body = _standing_body()
    shrugged = _arms_at_sides(FAINT, lift=10)  # the top of the roll, faint
    arms = _arms_at_sides(INK)
    # A circle at each shoulder: up, back and down.
    rolls = _arrow_arc(LEFT_SHOULDER[0] - 4, 46, 20, -40, -170) + _arrow_arc(
        RIGHT_SHOULDER[0] + 4, 46, 20, 40, 170
    )
    return body + shrugged + arms + rolls


def _lat_pullovers() -> str:
    mat = _line((10, 130), (170, 130), FAINT, 3)
    head = f'<circle cx="150" cy="112" r="11" fill="none" stroke="{INK}" stroke-width="5"/>'
    trunk = _line((138, 115), (80, 115), INK)
    legs = _line((80, 115), (55, 95), INK) + _line((55, 95), (35, 123), INK)
    start = _line((132, 112), (178, 95), FAINT)  # arms overhead, faint
    end = _line((132, 112), (132, 62), INK)  # arms straight up over the chest
    arrow = _arrow_arc(132, 112, 40, 155, 95)
    return mat + head + trunk + legs + start + end + arrow


def _rotator_cuff() -> str:
    body = _standing_body()
    start = _arm((80, 48), 0, 90, FAINT)  # elbow at side, forearm forward
    end = _arm((80, 48), 0, 150, INK)  # forearm rotated outward
    band = _line((104, 74), (150, 74), FAINT, 2)
    return body + start + band + end + _arrow_arc(80, 74, 30, 95, 140)


def _chin_tuck() -> str:
    start = f'<circle cx="92" cy="36" r="12" fill="none" stroke="{FAINT}" stroke-width="5"/>'
    head = f'<circle cx="80" cy="34" r="12" fill="none" stroke="{INK}" stroke-width="5"/>'
    trunk = _line((80, 46), (80, 100), INK)
    legs = _line((80, 100), (70, 150), INK) + _line((80, 100), (90, 150), INK)
    arrow = _line((112, 30), (100, 30), ARROW, 3).replace("/>", ' marker-end="url(#tip)"/>')
    return start + head + trunk + legs + arrow + _arms_at_sides(INK)


def _retraction() -> str:
    body = _standing_body()
    start = _arm((80, 48), 60, 110, FAINT)
    end = _arm((80, 48), 20, 100, INK)
    return body + start + end + _arrow_arc(80, 60, 36, 70, 30)


def _neutral() -> str:
    return _standing_body() + _arm((80, 48), 25, 40, INK) + _arm((80, 48), -25, -40, INK)


DRAWINGS = {
    "shoulder_rolls_and_stretches": _shoulder_rolls,
    "lat_pullovers": _lat_pullovers,
    "rotator_cuff_rotations": _rotator_cuff,
    "chin_tucks": _chin_tuck,
    "scapular_retraction": _retraction,
}


@lru_cache(maxsize=64)
def exercise_svg(exercise_id: str, name: str) -> SafeString:
    """An accessible inline SVG: role=img with the exercise's name as its title."""
    tip_id = f"tip-{escape(exercise_id)}"  # ids stay unique with several drawings on a page
    drawing = DRAWINGS.get(exercise_id, _neutral)().replace("url(#tip)", f"url(#{tip_id})")
    title_id = f"ex-{escape(exercise_id)}-title"
    return mark_safe(
        f'<svg viewBox="0 0 180 160" role="img" aria-labelledby="{title_id}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{title_id}">{escape(name)}</title>'
        f'<defs><marker id="{tip_id}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" '
        'markerHeight="5" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{ARROW}"/>'
        f'</marker></defs><rect width="180" height="160" fill="#f3f5f8"/>{drawing}</svg>'
    )
