"""The psychosocial screen (issue 20): the PHQ-4 scored as published, its stratum shaping the
plan (low: self-management; medium: physiotherapy-led; high: psychologically informed), shown
in the assessment, and asked again at the knowledge base's intervals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.clinical.vignettes import desk_strain

from upperback.clinical import Assessment, assess, psychosocial_due, translate
from upperback.clinical.knowledge import knowledge_base


def _phq4(interest: int, down: int, nervous: int, worrying: int) -> dict[str, Any]:
    return {"interest": interest, "down": down, "nervous": nervous, "worrying": worrying}


# Kroenke K, Spitzer RL, Williams JBW, Löwe B. Psychosomatics 2009;50:613-621: the total is
# the sum of the four items (0-12); 0-2 normal, 3-5 mild, 6-8 moderate, 9-12 severe distress;
# PHQ-2 (items 1-2) and GAD-2 (items 3-4) each screen positive at 3 or more.
PUBLISHED = [
    (_phq4(0, 0, 0, 0), 0, "low"),
    (_phq4(1, 0, 1, 0), 2, "low"),  # top of "normal"
    (_phq4(1, 1, 1, 0), 3, "medium"),  # "mild" begins at 3
    (_phq4(2, 1, 1, 1), 5, "medium"),
    (_phq4(2, 2, 1, 1), 6, "high"),  # "moderate" begins at 6
    (_phq4(3, 3, 3, 3), 12, "high"),  # "severe" 9-12
]


@pytest.mark.parametrize(("answers", "score", "stratum"), PUBLISHED)
def test_the_phq4_is_scored_as_published(answers: dict[str, Any], score: int, stratum: str) -> None:
    screen = assess(desk_strain(phq4=answers)).psychosocial
    assert screen is not None
    assert (screen.score, screen.stratum) == (score, stratum)
    assert screen.depression == answers["interest"] + answers["down"]
    assert screen.anxiety == answers["nervous"] + answers["worrying"]
    assert screen.source in knowledge_base().citations and screen.because


def test_each_stratum_shapes_the_plan_with_its_source() -> None:
    plans = {
        stratum: {s.step: s for s in assess(desk_strain(phq4=answers)).plan}
        for answers, _, stratum in PUBLISHED
    }
    assert "physiotherapy_led_care" not in plans["low"]  # advice and self-management
    assert (
        "exercise_program" in plans["low"]
        and plans["low"]["exercise_program"].delivered_by == "self"
    )
    assert "physiotherapy_led_care" in plans["medium"]
    assert "psychologically_informed_care" not in plans["medium"]
    high = plans["high"]
    assert {"physiotherapy_led_care", "psychologically_informed_care"} <= set(high)
    assert high["psychologically_informed_care"].evidence.source == "hill2011"


def test_without_the_screen_nothing_changes_and_a_partial_one_gives_no_stratum() -> None:
    assert assess(desk_strain()).psychosocial is None
    partial = assess(desk_strain(phq4={"interest": 3, "down": 3}))
    assert partial.psychosocial is None
    assert "physiotherapy_led_care" not in {s.step for s in partial.plan}


def test_the_stratum_survives_the_contract_and_a_translation() -> None:
    assessment = assess(desk_strain(phq4=_phq4(2, 2, 2, 2)))
    again = Assessment.model_validate_json(assessment.model_dump_json())
    assert again.psychosocial == assessment.psychosocial
    spanish = translate(assessment, "es").psychosocial
    assert spanish is not None and spanish.stratum == "high"
    assert spanish.because != assessment.psychosocial.because  # type: ignore[union-attr]


def test_the_screen_is_due_again_at_the_knowledge_bases_intervals() -> None:
    today = dt.date(2026, 12, 6)
    assert psychosocial_due(last_asked=None, today=today)
    days = knowledge_base().psychosocial.ask_again_days  # type: ignore[union-attr]
    for stratum, interval in days.items():
        asked = today - dt.timedelta(days=interval)
        assert psychosocial_due(last_asked=asked, today=today, stratum=stratum)
        later = asked + dt.timedelta(days=1)
        assert not psychosocial_due(last_asked=later, today=today, stratum=stratum)
    assert days["high"] < days["low"]  # a high stratum is asked again sooner
