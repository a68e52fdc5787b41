"""Her preferences turned into the plan by the engine, as the knowledge base says (1.2)."""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.clinical.vignettes import desk_strain

from upperback.clinical import Assessment, StepId, assess, step_option, translate
from upperback.clinical.knowledge import (
    KB_DIR,
    KnowledgeBaseError,
    knowledge_base,
    load_knowledge_base,
)
from upperback.clinical.validation.cases import load_cases

settings.register_profile("ci", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RADICULAR_FAILED_CARE: dict[str, Any] = desk_strain(
    age=45,
    pain_character=["burning", "band_around_chest"],
    pain_worse_with=["cough_or_sneeze"],
    pain_regions=["right_rib_cage"],
    pain_trigger="lifting",
    pain_duration_days=75,
    prior_treatments=[{"treatment": "exercise_program", "weeks": 6, "response": "none"}],
)


def _with(intake: dict[str, Any], *preferences: tuple[str, str]) -> dict[str, Any]:
    changed = copy.deepcopy(intake)
    changed["preferences"] = [{"step": step, "choice": choice} for step, choice in preferences]
    return changed


def _plan(assessment: Assessment) -> list[tuple[str, int]]:
    return [(step.step, step.phase) for step in assessment.plan]


def test_no_preferences_leave_the_plan_as_it_was() -> None:
    before = assess(desk_strain())
    after = assess(_with(desk_strain()))
    assert _plan(after) == _plan(before)
    assert after.changes == []


def test_i_would_like_this_puts_the_step_first_in_its_phase_and_says_so() -> None:
    before = _plan(assess(desk_strain()))
    after = assess(_with(desk_strain(), ("chiropractic_manipulation", "like")))
    phase_two = [step for step, phase in _plan(after) if phase == 2]
    assert phase_two[0] == "chiropractic_manipulation"
    assert sorted(_plan(after)) == sorted(before)
    (change,) = after.changes
    assert change.change == "put_first"
    assert "Chiropractic manipulation" in change.because


def test_not_sure_keeps_the_plan_and_leaves_it_to_the_clinician() -> None:
    before = _plan(assess(desk_strain()))
    after = assess(_with(desk_strain(), ("massage_therapy", "unsure")))
    assert _plan(after) == before
    (change,) = after.changes
    assert change.change == "to_discuss"
    assert "clinician" in change.because


def test_rather_not_brings_the_kb_alternative_into_the_declined_steps_phase() -> None:
    kb = knowledge_base()
    assert kb.steps["exercise_program"].alternatives[0] == "guided_stretching"
    after = assess(_with(desk_strain(), ("exercise_program", "rather_not")))
    plan = dict(_plan(after))
    assert "exercise_program" not in plan
    assert plan["guided_stretching"] == 1  # moved up from phase 2 to take its place
    (change,) = after.changes
    assert (change.change, change.replaced_by) == ("replaced", "guided_stretching")
    assert "Exercise program" in change.because and "Guided stretching" in change.because


def test_rather_not_without_a_free_alternative_leaves_the_step_out_and_says_why() -> None:
    after = assess(_with(desk_strain(), ("acupuncture", "rather_not")))
    assert "acupuncture" not in dict(_plan(after))
    (change,) = after.changes
    assert change.change == "dropped"
    assert change.replaced_by is None
    assert "Acupuncture" in change.because


def test_a_withheld_alternative_is_never_brought_in() -> None:
    tried = desk_strain(
        prior_treatments=[{"treatment": "guided_stretching", "weeks": 6, "response": "none"}]
    )
    assert "guided_stretching" in {w.step for w in assess(tried).withheld}
    after = assess(_with(tried, ("exercise_program", "rather_not")))
    assert "guided_stretching" not in dict(_plan(after))
    assert after.changes[0].change == "dropped"


def test_the_surgical_consultation_stays_whatever_she_prefers() -> None:
    assert "surgical_consultation" in dict(_plan(assess(RADICULAR_FAILED_CARE)))
    after = assess(_with(RADICULAR_FAILED_CARE, ("surgical_consultation", "rather_not")))
    assert "surgical_consultation" in dict(_plan(after))
    assert after.consult.specialty == "spine_surgeon"
    (change,) = after.changes
    assert change.change == "kept_for_safety"
    assert "safety" in change.because


def _urgent_with_rest() -> dict[str, Any]:
    for case in load_cases():
        found = assess(case.intake)
        if found.triage == "urgent" and "relative_rest" in dict(_plan(found)):
            return case.intake.model_dump(mode="json", exclude_none=True)
    raise AssertionError("no urgent validation case keeps relative rest in its plan")


def test_relative_rest_stays_in_an_urgent_case_but_not_in_self_care() -> None:
    urgent = assess(_with(_urgent_with_rest(), ("relative_rest", "rather_not")))
    assert "relative_rest" in dict(_plan(urgent))
    assert urgent.changes[0].change == "kept_for_safety"
    self_care = assess(_with(desk_strain(), ("relative_rest", "rather_not")))
    assert "relative_rest" not in dict(_plan(self_care))


def test_the_changes_are_told_in_spanish_and_translate_back() -> None:
    intake = _with(desk_strain(), ("exercise_program", "rather_not"), ("acupuncture", "unsure"))
    spanish = assess(intake, language="es")
    assert "Programa de ejercicios" in spanish.changes[0].because
    assert translate(assess(intake), "es") == spanish
    assert translate(spanish, "en") == assess(intake)


def test_a_preference_on_a_step_outside_the_plan_changes_nothing() -> None:
    before = assess(desk_strain())
    assert "upper_back_brace" not in dict(_plan(before))
    after = assess(_with(desk_strain(), ("upper_back_brace", "like")))
    assert _plan(after) == _plan(before)
    assert after.changes == []


CASES = [c.intake.model_dump(mode="json", exclude_none=True) for c in load_cases()]
CHOICES = ["like", "unsure", "rather_not"]
preference_lists = st.lists(
    st.tuples(st.sampled_from(list(get_args(StepId))), st.sampled_from(CHOICES)),
    max_size=12,
    unique_by=lambda pair: pair[0],
)


@given(st.sampled_from(CASES), preference_lists)
def test_no_preference_brings_back_a_withheld_step_or_removes_a_safety_step(
    intake: dict[str, Any], preferences: list[tuple[str, str]]
) -> None:
    kb = knowledge_base()
    before = assess(intake)
    after = assess(_with(intake, *preferences))
    planned = {step for step, _ in _plan(after)}
    withheld = {item.step for item in before.withheld}
    assert planned.isdisjoint(withheld)
    assert planned <= {step for step, _ in _plan(before)}  # nothing new, only moved up
    assert after.triage == before.triage and after.withheld == before.withheld
    kept = [c for c in after.changes if c.change == "kept_for_safety"]
    for step, _phase in _plan(before):
        if kb.steps[step].safety:
            assert step in planned
    for change in kept:
        assert change.step in planned
    chosen = dict(preferences)
    assert {c.step for c in after.changes} == {s for s, _ in _plan(before) if s in chosen}
    assert all(change.because for change in after.changes)
    phases = [phase for _, phase in _plan(after)]
    assert phases == sorted(phases)


def _kb_refusal(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> str:
    folder = tmp_path / "kb"
    shutil.copytree(KB_DIR, folder)
    data = yaml.safe_load((folder / "treatments.yaml").read_text())
    edit(data)
    (folder / "treatments.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(KnowledgeBaseError) as refused:
        load_knowledge_base(folder)
    return str(refused.value)


def _step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["rules"] if r["id"] == step_id)
    return found


def test_a_risk_citing_a_missing_source_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _step(data, "acupuncture")["risks"]["source"] = "nobody_2099"

    assert _kb_refusal(tmp_path, edit) == (
        "treatments.yaml: rule acupuncture: source 'nobody_2099' is not in meta.yaml citations"
    )


def test_a_step_that_is_its_own_alternative_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _step(data, "acupuncture")["alternatives"] = ["acupuncture"]

    assert "a step is not its own alternative" in _kb_refusal(tmp_path, edit)


def test_every_kind_of_change_needs_its_words(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        del data["preference_changes"]["kept_for_safety"]

    assert _kb_refusal(tmp_path, edit) == (
        "treatments.yaml: preference_changes: no 'kept_for_safety'"
    )


def test_every_option_tells_its_course_risks_and_waiting_with_a_source() -> None:
    kb = knowledge_base()
    for step_id in get_args(StepId):
        option = step_option(step_id, "es")
        for part in (option.course, option.risks, option.if_waiting):
            assert part.text and part.source in kb.citations
