"""screen_partial: an unfinished intake judged three-valued, nothing invented for a gap."""

from __future__ import annotations

import pytest

from upperback.clinical import assess, follow_ups, kb_name, screen_partial

from .vignettes import desk_strain


def test_a_sign_that_is_an_emergency_on_its_own_is_one_with_nothing_else_answered() -> None:
    screen = screen_partial({"symptoms": ["coughing_blood"]})
    assert screen.status == "emergency" and screen.emergency
    assert [flag.because for flag in screen.flags] == [["symptoms"]]
    assert all(flag.explanation and flag.source for flag in screen.flags)


def test_the_flags_read_in_spanish_when_asked() -> None:
    english = screen_partial({"symptoms": ["coughing_blood"]})
    spanish = screen_partial({"symptoms": ["coughing_blood"]}, language="es")
    assert [f.id for f in english.flags] == [f.id for f in spanish.flags]
    assert english.flags[0].explanation != spanish.flags[0].explanation


def test_nothing_answered_is_not_yet_known() -> None:
    assert screen_partial({}).status == "not_yet_known"
    assert screen_partial({}).flags == []


def test_no_warning_sign_answered_none_is_not_yet_known_not_safe() -> None:
    screen = screen_partial({"symptoms": [], "age": 34, "sex": "female"})
    assert screen.status == "not_yet_known"


def test_a_rule_that_needs_an_unanswered_question_does_not_fire() -> None:
    # Sudden and severe, but the trigger (read under a `not`) is not asked yet: it depends.
    answers = {"pain": {"intensity_now": 9, "onset": "sudden"}}
    assert screen_partial(answers).status == "not_yet_known"
    answered = {"pain": {**answers["pain"], "trigger": "none_known"}}
    assert screen_partial(answered).status == "emergency"


def test_a_complete_emergency_intake_agrees_with_the_engine() -> None:
    intake = desk_strain(symptoms=["pain_to_arm_or_jaw"])
    screen = screen_partial(intake)
    assessed = assess(intake)
    assert screen.status == "emergency" == assessed.triage
    assert {f.id for f in screen.flags} <= {f.id for f in assessed.red_flags}


def test_a_value_the_contract_lacks_is_refused_not_ignored() -> None:
    with pytest.raises(ValueError, match="symptoms"):
        screen_partial({"symptoms": ["chest_pian"]})
    with pytest.raises(ValueError, match="symtoms"):
        screen_partial({"symtoms": ["coughing_blood"]})


def test_kb_names_come_in_both_languages() -> None:
    assert kb_name("step", "exercise_program") == "Exercise program"
    assert kb_name("step", "exercise_program", "es") == "Programa de ejercicios"
    assert kb_name("source", "muscle_strain", "es") == "Distensión muscular"
    assert kb_name("triage", "urgent").startswith("Urgent")
    with pytest.raises(KeyError):
        kb_name("step", "no_such_step")


def test_the_peak_derived_from_a_partial_intake_is_the_same_function_as_assess() -> None:
    # Worst 9 earlier in the week, 5 now, sudden, no strain, one day: an emergency for both.
    answers = {
        "age": 58,
        "pain": {"intensity_now": 5, "intensity_worst_week": 9, "duration_days": 1},
    }
    answers["pain"] |= {"onset": "sudden", "trigger": "none_known"}
    assert screen_partial(answers).status == "emergency"
    assert "aortic_sudden_severe_pain" in {f.id for f in screen_partial(answers).flags}


def test_a_rule_reading_the_peak_downward_is_refused_for_the_partial_screen() -> None:
    from upperback.clinical.conditions import compile_condition
    from upperback.clinical.knowledge import knowledge_base
    from upperback.clinical.partial import check_lower_bounds

    kb = knowledge_base()
    check_lower_bounds(kb.flag_conditions)  # today's rules read it upward only
    rule = kb.flag_conditions[0][0]
    for text in ("pain.intensity_peak <= 3", {"not": "pain.intensity_peak >= 8"}):
        with pytest.raises(ValueError, match="intensity_peak"):
            check_lower_bounds([(rule, compile_condition(text))])


def test_a_treatment_that_made_the_pain_worse_counts_as_failed_whatever_its_weeks() -> None:
    from upperback.clinical.contract import Intake
    from upperback.clinical.fields import context_of

    tried = [{"treatment": "anti_inflammatory_medication", "weeks": 1, "response": "worse"}]
    context = context_of(Intake.model_validate(desk_strain(prior_treatments=tried)))
    assert context["prior_treatments.failed"] == ["anti_inflammatory_medication"]
    useless = [{"treatment": "massage_therapy", "weeks": 1, "response": "none"}]
    context = context_of(Intake.model_validate(desk_strain(prior_treatments=useless)))
    assert context["prior_treatments.failed"] == []


def test_young_chest_pain_waits_for_its_follow_ups_and_declined_ones_count_as_not_given() -> None:
    answers = {"age": 26, "symptoms": ["chest_pain_or_pressure"], "pain": {"duration_days": 20}}
    assert screen_partial(answers).status == "not_yet_known"
    assert follow_ups(answers) == [
        "chest_pain.exertional",
        "chest_pain.reproducible",
        "chest_pain.days",
        "chest_pain.accompanied",
    ]
    # Asked and left blank: the engine's answer (an emergency), not "still to come".
    declined = {**answers, "chest_pain": {}}
    assert screen_partial(declined).status == "emergency"
    assert follow_ups(declined) == []
    wall = {"reproducible": True, "exertional": False, "accompanied": False, "days": 20}
    assert screen_partial({**answers, "chest_pain": wall}).status == "not_yet_known"
    exertional = {**wall, "exertional": True}
    assert screen_partial({**answers, "chest_pain": exertional}).status == "emergency"


def test_chest_pain_at_40_is_an_emergency_before_any_follow_up() -> None:
    answers = {"age": 40, "symptoms": ["chest_pain_or_pressure"]}
    assert screen_partial(answers).status == "emergency"
