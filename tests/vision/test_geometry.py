"""Angles on image points (y grows downwards)."""

from __future__ import annotations

import pytest

from upperback.vision.geometry import angle_at, craniovertebral_angle, elevation, tilt
from upperback.vision.landmarks import Point


def test_the_craniovertebral_angle_is_the_tragus_c7_line_against_the_horizontal() -> None:
    assert craniovertebral_angle(Point(10, 0), Point(0, 10)) == pytest.approx(45)
    # facing the other way reads the same
    assert craniovertebral_angle(Point(-10, 0), Point(0, 10)) == pytest.approx(45)


def test_a_right_angle_at_the_elbow() -> None:
    assert angle_at(Point(0, 0), Point(0, 10), Point(10, 10)) == pytest.approx(90)


def test_elevation_and_tilt_signs() -> None:
    assert elevation(Point(0, 10), Point(10, 0)) == pytest.approx(45)
    assert tilt(Point(10, 0), Point(0, 5)) > 0  # left point higher
