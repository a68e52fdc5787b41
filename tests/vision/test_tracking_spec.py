"""The exercise tracking knowledge base: complete, valid, and loud about mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upperback.vision.errors import TrackingSpecError
from upperback.vision.tracking_spec import SPEC_FILE, load_library, parse_library

PLAN_EXERCISES = {
    "shoulder_rolls_and_stretches",
    "lat_pullovers",
    "rotator_cuff_rotations",
    "chin_tucks",
    "scapular_retraction",
}
PROVEN = {"biceps_curl", "overhead_press", "lateral_raise", "shoulder_shrug", "front_raise"}


def test_the_library_covers_the_plan_and_the_five_proven_movements() -> None:
    ids = {e.id for e in load_library().exercises}
    assert ids >= PLAN_EXERCISES | PROVEN


def test_every_exercise_has_a_view_a_signal_a_minimum_time_and_a_source() -> None:
    for exercise in load_library().exercises:
        assert exercise.views and exercise.signal.description, exercise.id
        assert exercise.min_repetition_s > 0 and exercise.source, exercise.id


def test_the_form_faults_named_in_the_issue_are_there() -> None:
    library = load_library()
    assert "shrugging" in {f.id for f in library.get("rotator_cuff_rotations").faults}
    assert "elbow_leaves_side" in {f.id for f in library.get("rotator_cuff_rotations").faults}
    assert "lower_back_arch" in {f.id for f in library.get("lat_pullovers").faults}


def _broken(mutate: object) -> str:
    raw = yaml.safe_load(SPEC_FILE.read_text())
    assert callable(mutate)
    mutate(raw)
    with pytest.raises(TrackingSpecError) as caught:
        parse_library(yaml.safe_dump(raw), Path("exercise_tracking.yaml"))
    return str(caught.value)


def test_a_broken_exercise_is_named_with_the_file() -> None:
    def overlap(raw: dict) -> None:  # type: ignore[type-arg]
        raw["exercises"][1]["top"] = {"above": 0.5}

    message = _broken(overlap)
    assert "exercise_tracking.yaml" in message and "overhead_press" in message


def test_an_unknown_field_is_refused() -> None:
    def typo(raw: dict) -> None:  # type: ignore[type-arg]
        raw["exercises"][0]["min_rep_time"] = 1

    assert "biceps_curl" in _broken(typo)


def test_a_duplicate_id_is_refused() -> None:
    def duplicate(raw: dict) -> None:  # type: ignore[type-arg]
        raw["exercises"].append(raw["exercises"][0])

    assert "listed twice" in _broken(duplicate)
