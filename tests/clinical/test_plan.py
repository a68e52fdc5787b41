"""The stepped-care plan: phases, evidence told honestly, contraindications, consults."""

from __future__ import annotations

from typing import Any

import pytest
from tests.clinical.vignettes import desk_strain

from upperback.clinical import assess

RADICULAR_FAILED_CARE: dict[str, Any] = desk_strain(
    age=45,
    pain_character=["burning", "band_around_chest"],
    pain_worse_with=["cough_or_sneeze"],
    pain_regions=["right_rib_cage"],
    pain_trigger="lifting",
    pain_duration_days=75,
    prior_treatments=[{"treatment": "exercise_program", "weeks": 6, "response": "none"}],
)


def _steps(intake: dict[str, Any]) -> list[str]:
    return [step.step for step in assess(intake).plan]


def _withheld(intake: dict[str, Any]) -> dict[str, str]:
    return {item.step: item.rule for item in assess(intake).withheld}


def test_the_plan_starts_with_relative_rest_and_keeps_phases_in_order() -> None:
    plan = assess(desk_strain()).plan
    assert plan[0].step == "relative_rest"
    phases = [step.phase for step in plan]
    assert phases == sorted(phases)


def test_the_exercise_program_names_its_exercises_with_sets_reps_and_progression() -> None:
    program = next(s for s in assess(desk_strain()).plan if s.step == "exercise_program")
    names = [exercise.id for exercise in program.details.exercises]
    assert names == ["shoulder_rolls_and_stretches", "lat_pullovers", "rotator_cuff_rotations"]
    for exercise in program.details.exercises:
        assert exercise.sets >= 1 and exercise.repetitions >= 1
        assert exercise.progression
        assert len(exercise.instructions) >= 2


@pytest.mark.parametrize("step", ["trigger_point_injection", "acupuncture"])
def test_steps_the_guidelines_advise_against_say_so(step: str) -> None:
    planned = next(s for s in assess(desk_strain()).plan if s.step == step)
    assert "NICE" in planned.evidence.note or "not" in planned.evidence.note
    assert planned.evidence.grade in ("low", "very_low")


def test_the_brace_is_offered_only_for_joint_dysfunction() -> None:
    assert "upper_back_brace" not in _steps(desk_strain())
    joint = desk_strain(
        diagnoses=["facet_arthropathy"], pain_worse_with=["twisting"], pain_character=["sharp"]
    )
    assert "upper_back_brace" in _steps(joint)
    brace = next(s for s in assess(joint).plan if s.step == "upper_back_brace")
    assert "NICE" in brace.evidence.note


@pytest.mark.parametrize(
    ("history", "medications", "rule"),
    [
        (["peptic_ulcer_or_gi_bleed"], [], "nsaid_peptic_ulcer"),
        (["kidney_disease"], [], "nsaid_kidney_disease"),
        ([], ["anticoagulant"], "nsaid_anticoagulant"),
        (["pregnant"], [], "nsaid_pregnancy"),
        (["heart_failure"], [], "nsaid_heart_failure"),
    ],
)
def test_it_withholds_nsaids_for_their_contraindications(
    history: list[str], medications: list[str], rule: str
) -> None:
    intake = desk_strain(history=history, medications=medications)
    assert _withheld(intake)["anti_inflammatory_medication"] == rule
    assert "anti_inflammatory_medication" not in _steps(intake)


def test_it_withholds_nsaids_with_a_peptic_ulcer_and_says_why() -> None:
    item = next(
        w
        for w in assess(desk_strain(history=["peptic_ulcer_or_gi_bleed"])).withheld
        if w.step == "anti_inflammatory_medication"
    )
    assert "ulcer" in item.because
    assert item.source == "nice_cks_nsaids"


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"history": ["osteoporosis"]}, "manipulation_osteoporosis"),
        ({"medications": ["anticoagulant"]}, "manipulation_bleeding_risk"),
        ({"pain_trigger": "minor_trauma"}, "manipulation_fracture"),
    ],
)
def test_it_withholds_manipulation_for_its_contraindications(
    changes: dict[str, Any], rule: str
) -> None:
    intake = desk_strain(**changes)
    assert _withheld(intake)["chiropractic_manipulation"] == rule
    assert "chiropractic_manipulation" not in _steps(intake)


def test_it_withholds_manipulation_with_cancer_infection_or_a_progressive_deficit() -> None:
    for intake in (
        desk_strain(history=["cancer"]),
        desk_strain(symptoms=["fever_or_chills"]),
        desk_strain(symptoms=["arm_numbness"], neuro={"progressive": True}),
    ):
        assert "chiropractic_manipulation" not in _steps(intake)


def test_it_withholds_injections_on_a_blood_thinner() -> None:
    assert _withheld(desk_strain(medications=["antiplatelet"]))["trigger_point_injection"] == (
        "injection_bleeding_risk"
    )


def test_an_urgent_triage_keeps_only_rest_and_activity_advice_until_seen() -> None:
    assessment = assess(desk_strain(history=["cancer"]))
    assert assessment.triage == "urgent"
    assert [s.step for s in assessment.plan] == ["relative_rest", "activity_modification"]
    assert assessment.consult.within_days == 1


def test_failed_conservative_care_for_nerve_compression_brings_a_surgical_consultation() -> None:
    assessment = assess(RADICULAR_FAILED_CARE)
    assert "surgical_consultation" in [s.step for s in assessment.plan]
    assert assessment.consult.specialty == "spine_surgeon"
    assert assessment.consult.within_days == 14


def test_nerve_compression_that_has_not_been_treated_yet_does_not_go_to_a_surgeon() -> None:
    assert "surgical_consultation" not in _steps({**RADICULAR_FAILED_CARE, "prior_treatments": []})


def test_a_deformity_brings_a_surgical_consultation_only_on_the_surgical_criteria() -> None:
    # Issue 20: a known curve alone is followed, not operated on.
    assert "surgical_consultation" not in _steps(desk_strain(age=50, diagnoses=["scoliosis"]))
    growing = desk_strain(age=14, diagnoses=["scoliosis"], symptoms=["visible_deformity"])
    assert "surgical_consultation" in _steps(growing)
    failed = [{"treatment": "exercise_program", "weeks": 12, "response": "none"}]
    unhelped = desk_strain(age=50, diagnoses=["kyphosis"], prior_treatments=failed)
    assert "surgical_consultation" in _steps(unhelped)
    numb = desk_strain(age=50, diagnoses=["scoliosis"], symptoms=["leg_numbness"])
    assert "surgical_consultation" in _steps(numb)
    assert assess(desk_strain(age=50, diagnoses=["scoliosis"])).consult.specialty != "spine_surgeon"


def test_loss_of_function_from_a_structural_cause_brings_a_surgical_consultation() -> None:
    intake = desk_strain(diagnoses=["spinal_stenosis"], age=66, function={"loss_of_function": True})
    assert "surgical_consultation" in _steps(intake)


def test_a_self_care_assessment_recommends_no_consultation_yet() -> None:
    consult = assess(desk_strain()).consult
    assert not consult.recommended
    assert consult.specialty is None


def test_shingles_is_seen_within_three_days() -> None:
    assert assess(desk_strain(symptoms=["rash_on_painful_area"])).consult.within_days == 3


def test_likely_sources_are_ranked_with_the_fields_that_moved_them() -> None:
    sources = assess(desk_strain()).likely_sources
    assert [s.score for s in sources] == sorted((s.score for s in sources), reverse=True)
    assert sources[0].id == "postural_strain"
    assert "work.desk_hours_per_day" in sources[0].because
    assert all(0 <= s.score <= 1 for s in sources)


def test_a_routine_consultation_goes_to_the_specialty_of_the_leading_source() -> None:
    assessment = assess(desk_strain(pain_duration_days=120))
    assert assessment.triage == "routine"
    assert assessment.likely_sources[0].id == "postural_strain"
    assert assessment.consult.specialty == "physical_therapist"
    assert assessment.consult.within_days == 42


def test_inflammatory_back_pain_goes_to_a_rheumatologist_soon() -> None:
    intake = desk_strain(age=29, pain_duration_days=200, pain_morning_stiffness_minutes=60)
    consult = assess(intake).consult
    assert (consult.specialty, consult.within_days) == ("rheumatologist", 14)
