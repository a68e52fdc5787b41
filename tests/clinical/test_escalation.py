"""Escalation at the review: step up without important improvement, re-triage new red flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.clinical.vignettes import desk_strain

from upperback.clinical import assess, escalate

START = dt.date(2026, 11, 2)
PHASE_ONE_REVIEW = START + dt.timedelta(days=28)  # the longest review of phase 1 steps


def _progress(*readings: tuple[int, int | None, float | None], **extra: Any) -> dict[str, Any]:
    rows = [
        {"on": (START + dt.timedelta(days=day)).isoformat(), "pain_nrs": nrs, "psfs": psfs}
        for day, nrs, psfs in readings
    ]
    return {"phase": 1, "phase_started_on": START.isoformat(), "readings": rows, **extra}


def test_before_the_review_date_the_plan_continues() -> None:
    result = escalate(
        assess(desk_strain()), _progress((0, 6, None), (10, 6, None)), START + dt.timedelta(days=10)
    )
    assert result.action == "continue"
    assert result.review_on == PHASE_ONE_REVIEW


def test_no_important_improvement_by_the_review_moves_up_a_phase_and_offers_a_consult() -> None:
    result = escalate(assess(desk_strain()), _progress((0, 6, 4.0), (28, 5, 5.0)), PHASE_ONE_REVIEW)
    assert result.action == "step_up"
    assert result.phase == 2
    assert result.rules == ["escalate_no_important_improvement"]
    assert result.consult is not None and result.consult.recommended


@pytest.mark.parametrize(
    ("readings", "why"),
    [
        (((0, 6, None), (28, 4, None)), "two points less pain"),
        (((0, 3, None), (28, 2, None)), "a third less pain (30% or more)"),
        (((0, 6, 3.0), (28, 6, 5.0)), "two points better on the PSFS"),
    ],
)
def test_a_clinically_important_improvement_keeps_the_phase(
    readings: tuple[tuple[int, int | None, float | None], ...], why: str
) -> None:
    result = escalate(assess(desk_strain()), _progress(*readings), PHASE_ONE_REVIEW)
    assert result.action == "continue", why
    assert result.reason == "improving"
    assert result.phase == 1


def test_without_two_readings_the_review_asks_for_them() -> None:
    result = escalate(assess(desk_strain()), _progress((0, 6, None)), PHASE_ONE_REVIEW)
    assert result.action == "continue"
    assert result.reason == "no_readings"


def test_pain_two_points_worse_offers_a_consultation_before_the_review() -> None:
    result = escalate(
        assess(desk_strain()), _progress((0, 4, None), (5, 7, None)), START + dt.timedelta(days=5)
    )
    assert result.action == "consult"
    assert result.rules == ["escalate_pain_worse"]


def test_no_improvement_in_the_last_phase_offers_a_consultation() -> None:
    assessment = assess(desk_strain())
    last = max(step.phase for step in assessment.plan)
    progress = _progress((0, 6, None), (60, 6, None))
    progress["phase"] = last
    result = escalate(assessment, progress, START + dt.timedelta(days=60))
    assert result.action == "consult"
    assert result.phase == last


def test_a_new_red_flag_re_triages() -> None:
    intake = desk_strain()
    progress = _progress((0, 5, None), new_symptoms=["fever_or_chills"])
    result = escalate(assess(intake), progress, START + dt.timedelta(days=3), intake=intake)
    assert result.action == "retriage"
    assert result.assessment is not None
    assert result.assessment.triage == "urgent"


def test_a_new_answer_that_fires_no_red_flag_does_not_re_triage() -> None:
    intake = desk_strain()
    progress = _progress((0, 5, None), new_history=["hypertension"])
    result = escalate(assess(intake), progress, START + dt.timedelta(days=3), intake=intake)
    assert result.action == "continue"


def test_new_symptoms_without_the_intake_are_refused() -> None:
    with pytest.raises(ValueError, match="need the intake"):
        escalate(assess(desk_strain()), _progress(new_symptoms=["fever_or_chills"]), START)


def test_escalation_speaks_the_assessment_language() -> None:
    assessment = assess(desk_strain(), language="es")
    result = escalate(assessment, _progress((0, 6, 4.0), (28, 6, 4.0)), PHASE_ONE_REVIEW)
    assert result.consult is not None
    assert "consulta" in result.because
    assert "consulta" in result.consult.because
