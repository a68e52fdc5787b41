"""Plane geometry on image points. Image y grows downwards; angles here are in degrees."""

from __future__ import annotations

import math

from upperback.vision.landmarks import Point


def distance(a: Point, b: Point) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def midpoint(a: Point, b: Point) -> Point:
    return Point((a.x + b.x) / 2, (a.y + b.y) / 2)


def angle_at(a: Point, vertex: Point, c: Point) -> float:
    """The angle a-vertex-c, between 0 and 180 degrees."""
    first = math.atan2(a.y - vertex.y, a.x - vertex.x)
    second = math.atan2(c.y - vertex.y, c.x - vertex.x)
    turn = abs(math.degrees(first - second)) % 360
    return 360 - turn if turn > 180 else turn


def elevation(low: Point, high: Point) -> float:
    """How far the line from `low` up to `high` rises above the horizontal, 0 to 90 degrees.

    Direction along the horizontal does not matter, so a person facing left or right reads the
    same; a line that falls gives a negative angle.
    """
    rise = low.y - high.y  # image y grows downwards
    run = abs(high.x - low.x)
    return math.degrees(math.atan2(rise, run))


def tilt(left: Point, right: Point) -> float:
    """Signed angle of the left-right line from the horizontal: positive when `left` is higher."""
    return math.degrees(math.atan2(right.y - left.y, abs(left.x - right.x)))


def lean_from_vertical(low: Point, high: Point, forward_sign: float) -> float:
    """Signed angle of the line low->high from the vertical; positive leans towards `forward`.

    `forward_sign` is +1 when the person faces the image's +x direction, -1 otherwise.
    """
    run = (high.x - low.x) * forward_sign
    rise = low.y - high.y
    return math.degrees(math.atan2(run, rise))


def craniovertebral_angle(tragus: Point, c7: Point) -> float:
    """The tragus-C7 line against the horizontal through C7 (Yip et al. 2008)."""
    return elevation(c7, tragus)
