"""Safety invariants over generated valid intakes (hypothesis).

CI runs a modest number of examples; `HYPOTHESIS_PROFILE=deep` runs many more.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from typing import Any, get_args

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.clinical.strategies import intakes

from upperback.clinical import Assessment, assess, escalate, translate
from upperback.clinical.contract import TRIAGE_ORDER, HistoryItem, Symptom
from upperback.clinical.knowledge import knowledge_base

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("deep", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _rank(triage: str) -> int:
    return TRIAGE_ORDER.index(triage)  # type: ignore[arg-type]


@given(intakes())
def test_every_assessment_validates_against_the_contract(intake: dict[str, Any]) -> None:
    assessment = assess(intake)
    again = Assessment.model_validate_json(assessment.model_dump_json())
    assert again == assessment


@given(intakes(), st.sampled_from(get_args(Symptom)))
def test_adding_a_symptom_never_lowers_the_triage(intake: dict[str, Any], symptom: str) -> None:
    # Answering an unasked question is not "reporting more": compare with the list answered.
    intake = {**intake, "symptoms": intake.get("symptoms") or []}
    before = assess(intake).triage
    more = copy.deepcopy(intake)
    more["symptoms"] = sorted(set(more.get("symptoms") or []) | {symptom})
    assert _rank(assess(more).triage) <= _rank(before)


@given(intakes(), st.sampled_from(get_args(HistoryItem)))
def test_adding_a_history_item_never_lowers_the_triage(intake: dict[str, Any], item: str) -> None:
    intake = {**intake, "history": intake.get("history") or []}
    before = assess(intake).triage
    more = copy.deepcopy(intake)
    more["history"] = sorted(set(more.get("history") or []) | {item})
    assert _rank(assess(more).triage) <= _rank(before)


@given(intakes(), st.sets(st.sampled_from(["symptoms", "history", "medications"]), min_size=1))
def test_an_unfinished_screen_is_never_routine_or_self_care(
    intake: dict[str, Any], unasked: set[str]
) -> None:
    partial = {key: value for key, value in intake.items() if key not in unasked}
    assessment = assess(partial)
    assert assessment.screening_complete is False
    assert assessment.triage not in ("routine", "self_care")
    assert "screening_incomplete" in [flag.id for flag in assessment.red_flags]
    if assessment.triage != "emergency":
        missing = [f for f in ("symptoms", "history", "medications") if f not in partial]
        assert assessment.questions[: len(missing)] == missing, "warning-sign questions first"


@given(intakes())
def test_an_emergency_has_an_empty_plan_and_the_emergency_department(
    intake: dict[str, Any],
) -> None:
    assessment = assess(intake)
    if assessment.triage == "emergency":
        assert assessment.plan == []
        assert assessment.likely_sources == []
        assert assessment.consult.specialty == "emergency_department"
    else:
        assert assessment.plan, "every non-emergency gets a plan"


@given(intakes())
def test_nothing_withheld_appears_in_the_plan(intake: dict[str, Any]) -> None:
    assessment = assess(intake)
    withheld = {item.step for item in assessment.withheld}
    assert withheld.isdisjoint(step.step for step in assessment.plan)


@given(intakes())
def test_every_fired_rule_and_plan_step_cites_a_known_source(intake: dict[str, Any]) -> None:
    assessment = assess(intake)
    citations = knowledge_base().citations
    cited = [flag.source for flag in assessment.red_flags]
    cited += [step.evidence.source for step in assessment.plan]
    cited += [item.source for item in assessment.withheld]
    assert all(key in citations for key in cited)


@given(intakes())
def test_translating_an_english_assessment_equals_assessing_in_spanish(
    intake: dict[str, Any],
) -> None:
    assert translate(assess(intake), "es") == assess(intake, language="es")


@given(intakes())
def test_the_triage_is_the_highest_level_of_the_fired_rules(intake: dict[str, Any]) -> None:
    assessment = assess(intake)
    levels = [_rank(flag.level) for flag in assessment.red_flags]
    assert _rank(assessment.triage) == min(levels, default=_rank("self_care"))


@given(intakes())
def test_questions_name_only_unanswered_intake_fields(intake: dict[str, Any]) -> None:
    for question in assess(intake).questions:
        top, _, leaf = question.partition(".")
        answered = intake.get(top)
        if leaf and isinstance(answered, dict):
            answered = answered.get(leaf)
        assert answered is None, f"{question} was answered"


@given(intakes(), st.integers(1, 3), st.lists(st.integers(0, 10), min_size=2, max_size=4))
def test_escalation_never_moves_a_patient_down_a_phase(
    intake: dict[str, Any], phase: int, pains: list[int]
) -> None:
    assessment = assess(intake)
    start = dt.date(2026, 1, 1)
    readings = [
        {"on": (start + dt.timedelta(days=7 * n)).isoformat(), "pain_nrs": p}
        for n, p in enumerate(pains)
    ]
    progress = {"phase": phase, "phase_started_on": start.isoformat(), "readings": readings}
    result = escalate(assessment, progress, start + dt.timedelta(days=60))
    assert result.phase >= phase
    if result.action == "step_up":
        assert result.consult is not None and result.consult.recommended
