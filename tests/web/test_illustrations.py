"""Every exercise the engine can prescribe has its own drawing, accessible by name."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from upperback.clinical import exercise_library
from upperback.web.records.illustrations import DRAWINGS, exercise_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_exercise_in_the_library_has_its_own_drawing(language: str) -> None:
    for exercise in exercise_library(language):
        assert exercise.id in DRAWINGS, exercise.id
        svg = ET.fromstring(str(exercise_svg(exercise.id, exercise.name)))
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text == exercise.name


def test_the_drawings_differ_from_one_another() -> None:
    drawings = {str(exercise_svg(ex_id, "x")) for ex_id in DRAWINGS}
    assert len(drawings) == len(DRAWINGS)


def test_a_name_cannot_inject_markup() -> None:
    assert "<script>" not in str(exercise_svg("chin_tucks", "<script>alert(1)</script>"))


def test_ids_stay_unique_when_all_drawings_share_a_page() -> None:
    page = "".join(str(exercise_svg(ex_id, ex_id)) for ex_id in DRAWINGS)
    root = ET.fromstring(f'<div xmlns:svg="http://www.w3.org/2000/svg">{page}</div>')
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
