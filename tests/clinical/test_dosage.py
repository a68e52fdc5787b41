"""The rules of issue 12 over simulated weeks of check-ins: the weekly exercise dosage (an easy,
well-kept week progresses it, a flare steps it back), the phase at the review date, and a
consultation `soon` when pain is worse or function is lost. Dates are passed, never read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.clinical.vignettes import desk_strain

from upperback.clinical import (
    Assessment,
    assess,
    current_dosage,
    escalate,
    plan_ends_on,
    reason_text,
)
from upperback.clinical.knowledge import knowledge_base

START = dt.date(2026, 11, 2)  # a Monday


def week(n: int) -> dt.date:
    return START + dt.timedelta(weeks=n)


@pytest.fixture(scope="module")
def plan() -> Assessment:
    return assess(desk_strain())


def _all_sessions(assessment: Assessment, share: float = 1.0) -> dict[str, int]:
    """Sessions done in a week: `share` of each phase-1 exercise's planned sessions."""
    return {d.exercise: round(share * d.planned_per_week) for d in current_dosage(assessment, 1)}


def _weeks(assessment: Assessment, *weeks: tuple[int, float], **extra: Any) -> dict[str, Any]:
    """The baseline (week 0, no sessions) and one check-in a week: (pain, share of sessions)."""
    readings = [{"on": week(0).isoformat(), "pain_nrs": 6}]
    readings += [
        {"on": week(n).isoformat(), "pain_nrs": pain, "sessions": _all_sessions(assessment, share)}
        for n, (pain, share) in enumerate(weeks, start=1)
    ]
    return {"phase": 1, "phase_started_on": START.isoformat(), "readings": readings, **extra}


def _levels(result: Any) -> dict[str, int]:
    return {d.exercise: d.level for d in result.dosage}


def test_every_exercise_has_dosage_levels_starting_at_its_prescription() -> None:
    for exercise in knowledge_base().exercises.values():
        first = exercise.levels()[0]
        assert (first.sets, first.repetitions) == (exercise.sets, exercise.repetitions)
        assert exercise.dosage is not None and len(exercise.dosage.levels) >= 2
        assert exercise.dosage.source in knowledge_base().citations


def test_an_easy_week_with_most_sessions_done_progresses_every_exercise(plan: Assessment) -> None:
    result = escalate(plan, _weeks(plan, (3, 0.8)), week(1))
    assert result.action == "continue"
    assert {d.change for d in result.dosage} == {"up"}
    assert set(_levels(result).values()) == {2}
    assert {d.rule for d in result.dosage} == {"dosage_progress"}
    shoulder = next(d for d in result.dosage if d.exercise == "shoulder_rolls_and_stretches")
    assert (shoulder.sets, shoulder.repetitions) == (3, 10)  # level 2 of exercises.yaml
    assert "80%" in shoulder.because


@pytest.mark.parametrize(
    ("pain", "share", "why"),
    [(4, 1.0, "pain 4 is above 3"), (2, 0.7, "70% of the sessions is below 80%")],
)
def test_a_week_that_is_not_easy_or_not_kept_keeps_the_dosage(
    plan: Assessment, pain: int, share: float, why: str
) -> None:
    result = escalate(plan, _weeks(plan, (pain, share)), week(1))
    assert {d.change for d in result.dosage} == {"same"}, why
    assert set(_levels(result).values()) == {1}


def test_the_worst_pain_of_the_week_counts_not_only_the_pain_now(plan: Assessment) -> None:
    progress = _weeks(plan, (2, 1.0))
    progress["readings"][-1]["pain_worst_week"] = 5
    result = escalate(plan, progress, week(1))
    assert {d.change for d in result.dosage} == {"same"}


def test_weeks_of_easy_check_ins_climb_the_levels_one_a_week_to_the_top(plan: Assessment) -> None:
    levels: dict[str, int] = {}
    readings: list[dict[str, Any]] = [{"on": week(0).isoformat(), "pain_nrs": 4}]
    for n in range(1, 6):
        readings.append({"on": week(n).isoformat(), "pain_nrs": 2, "sessions": _all_sessions(plan)})
        progress = {"phase_started_on": START.isoformat(), "readings": readings, "dosage": levels}
        levels = _levels(escalate(plan, progress, week(n)))
        assert levels["lat_pullovers"] == min(n + 1, 4)  # lat pullovers have four levels
    assert levels["shoulder_rolls_and_stretches"] == 3  # its top: it stays there
    last = escalate(plan, {**progress, "dosage": levels}, week(5))
    top = next(d for d in last.dosage if d.exercise == "shoulder_rolls_and_stretches")
    assert (top.change, top.level, top.rule) == ("same", 3, "")


def test_a_flare_steps_every_exercise_back_one_level(plan: Assessment) -> None:
    progress = _weeks(plan, (2, 1.0), (5, 1.0), dosage={"lat_pullovers": 3, "chin_tucks": 1})
    result = escalate(plan, progress, week(2))
    levels = _levels(result)
    assert levels["lat_pullovers"] == 2
    assert levels["chin_tucks"] == 1  # already at the first level
    assert levels["shoulder_rolls_and_stretches"] == 1
    assert {d.rule for d in result.dosage} == {"dosage_flare"}
    assert next(d for d in result.dosage if d.exercise == "lat_pullovers").change == "down"


def test_pain_up_one_point_is_not_a_flare(plan: Assessment) -> None:
    progress = _weeks(plan, (2, 1.0), (3, 1.0), dosage={"lat_pullovers": 3})
    assert _levels(escalate(plan, progress, week(2)))["lat_pullovers"] == 4


def test_better_by_two_points_at_the_review_continues_in_the_phase(plan: Assessment) -> None:
    progress = _weeks(plan, (5, 1.0), (5, 1.0), (4, 1.0), (4, 1.0))
    result = escalate(plan, progress, week(4))
    assert (result.action, result.reason, result.phase) == ("continue", "improving", 1)


def test_not_better_at_the_review_moves_the_phase_and_offers_a_consultation(
    plan: Assessment,
) -> None:
    progress = _weeks(plan, (6, 1.0), (6, 1.0), (5, 1.0), (5, 1.0))
    result = escalate(plan, progress, week(4))
    assert (result.action, result.phase) == ("step_up", 2)
    assert result.consult is not None and result.consult.recommended
    assert result.review_on is not None and result.review_on > week(4)
    assert {d.exercise for d in result.dosage} >= {"lat_pullovers"}  # the dosage goes on


def test_pain_two_points_worse_than_at_the_start_gives_a_consultation_soon(
    plan: Assessment,
) -> None:
    result = escalate(plan, _weeks(plan, (7, 1.0), (8, 1.0)), week(2))
    assert (result.action, result.rules) == ("consult", ["escalate_pain_worse"])
    assert result.consult is not None
    assert result.consult.within_days == knowledge_base().escalation.consult_within_days["soon"]
    assert {d.change for d in result.dosage} == {"same"}  # 8 - 7 is no flare; 8 is no easy week


def test_function_lost_gives_a_consultation_soon(plan: Assessment) -> None:
    progress = _weeks(plan, (5, 1.0))
    progress["readings"][-1]["loss_of_function"] = True
    result = escalate(plan, progress, week(1))
    assert (result.action, result.rules) == ("consult", ["escalate_function_lost"])
    assert result.consult is not None
    assert result.consult.within_days == knowledge_base().escalation.consult_within_days["soon"]


def test_function_lost_already_at_the_start_is_not_a_new_loss(plan: Assessment) -> None:
    progress = _weeks(plan, (5, 1.0))
    for reading in progress["readings"]:
        reading["loss_of_function"] = True
    assert escalate(plan, progress, week(1)).action == "continue"


def test_psfs_two_points_worse_is_function_lost(plan: Assessment) -> None:
    progress = _weeks(plan, (5, 1.0))
    progress["readings"][0]["psfs"] = 6.0
    progress["readings"][-1]["psfs"] = 4.0
    assert escalate(plan, progress, week(1)).rules == ["escalate_function_lost"]


def test_a_new_warning_sign_in_a_check_in_re_triages_to_an_emergency(plan: Assessment) -> None:
    progress = _weeks(plan, (3, 1.0), new_symptoms=["coughing_blood"])
    result = escalate(plan, progress, week(1), intake=desk_strain())
    assert result.action == "retriage"
    assert result.assessment is not None and result.assessment.triage == "emergency"
    assert result.dosage == []


def test_readings_without_sessions_keep_the_old_contract(plan: Assessment) -> None:
    """A progress of contract 1.1 (no sessions, no dosage) is still valid and decides."""
    progress = {
        "phase": 1,
        "phase_started_on": START.isoformat(),
        "readings": [{"on": START.isoformat(), "pain_nrs": 6, "psfs": None}],
    }
    result = escalate(plan, progress, START)
    assert result.action == "continue"
    assert {d.level for d in result.dosage} == {1}


def test_the_plan_ends_after_the_review_of_its_last_phase(plan: Assessment) -> None:
    phases = sorted({step.phase for step in plan.plan})
    end = plan_ends_on(plan, 1, START)
    assert end is not None and end > START + dt.timedelta(days=28)
    later = plan_ends_on(plan, phases[-1], START)
    assert later is not None and later < end
    assert plan_ends_on(plan, phases[-1] + 1, START) is None


def test_a_stored_reason_id_reads_in_either_language(plan: Assessment) -> None:
    result = escalate(plan, _weeks(plan, (3, 0.8)), week(1))
    change = result.dosage[0]
    assert reason_text(change.reason, "en") == change.because
    spanish = reason_text(change.reason, "es")
    assert spanish is not None and "siguiente nivel" in spanish
    assert reason_text("keep_going", "es") is not None
    assert reason_text("review", "en") is None  # its words need the number of days
    assert reason_text("no_such_reason", "en") is None
