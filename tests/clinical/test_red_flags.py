"""One test per red-flag family: it fires on its features, and stays quiet when it must."""

from __future__ import annotations

from typing import Any

import pytest
from tests.clinical.vignettes import desk_strain

from upperback.clinical import assess

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # (family, intake, rule that must fire, triage at least)
    (
        "heart",
        desk_strain(pain_worse_with=["exertion"], pain_better_with=["rest"]),
        "cardiac_exertional_pain",
        "emergency",
    ),
    (
        "heart",
        desk_strain(symptoms=["sweating"], pain_duration_days=2, pain_pattern="constant", age=52),
        "cardiac_nonspecific_symptoms",
        "emergency",
    ),
    ("heart", desk_strain(symptoms=["fainting"]), "cardiac_chest_arm_or_fainting", "emergency"),
    (
        "aorta",
        desk_strain(pain_character=["tearing_or_ripping"]),
        "aortic_tearing_pain",
        "emergency",
    ),
    (
        "aorta",
        desk_strain(pain_onset="sudden", pain_intensity_now=9, pain_trigger="none_known"),
        "aortic_sudden_severe_pain",
        "emergency",
    ),
    (
        "aorta",
        desk_strain(history=["aortic_aneurysm"], pain_intensity_now=7),
        "aortic_known_disease_severe",
        "emergency",
    ),
    ("lungs", desk_strain(symptoms=["coughing_blood"]), "lung_coughing_blood", "emergency"),
    (
        "lungs",
        desk_strain(symptoms=["shortness_of_breath"], pain_duration_days=3),
        "lung_breathlessness",
        "emergency",
    ),
    (
        "lungs",
        desk_strain(pain_worse_with=["deep_breath"], medications=["estrogen_containing"]),
        "lung_pleuritic_with_clot_risk",
        "emergency",
    ),
    (
        "spinal_cord",
        desk_strain(symptoms=["saddle_numbness"]),
        "cord_compression_signs",
        "emergency",
    ),
    ("spinal_cord", desk_strain(symptoms=["leg_weakness"]), "cord_leg_weakness", "emergency"),
    (
        "spinal_cord",
        desk_strain(symptoms=["arm_numbness"], neuro={"progressive": True}),
        "cord_progressive_deficit",
        "emergency",
    ),
    ("spinal_cord", desk_strain(symptoms=["arm_weakness"]), "cord_arm_weakness", "urgent"),
    (
        "bleeding",
        desk_strain(
            medications=["anticoagulant"],
            pain_onset="sudden",
            pain_intensity_now=8,
            pain_trigger="lifting",
        ),
        "bleeding_epidural_haematoma",
        "emergency",
    ),
    ("infection", desk_strain(symptoms=["fever_or_chills"]), "infection_fever", "urgent"),
    ("infection", desk_strain(history=["iv_drug_use"]), "infection_risk_history", "urgent"),
    (
        "infection",
        desk_strain(medications=["immunosuppressant"], pain_pattern="constant"),
        "infection_weak_defences",
        "urgent",
    ),
    (
        "infection",
        desk_strain(symptoms=["fever_or_chills", "severe_headache_or_stiff_neck"]),
        "infection_with_deficit_or_sepsis",
        "emergency",
    ),
    ("cancer", desk_strain(history=["cancer"]), "cancer_history", "urgent"),
    ("cancer", desk_strain(symptoms=["unexplained_weight_loss"]), "cancer_weight_loss", "urgent"),
    ("cancer", desk_strain(pain_night_pain="unrelieved"), "cancer_night_pain", "urgent"),
    (
        "cancer",
        desk_strain(age=62, pain_duration_days=40, pain_pattern="constant"),
        "cancer_age_not_improving",
        "urgent",
    ),
    (
        "cancer",
        desk_strain(
            history=["smoker"],
            pain_regions=["right_shoulder_blade"],
            pain_duration_days=35,
            pain_pattern="constant",
        ),
        "cancer_smoker_shoulder_blade",
        "soon",
    ),
    (
        "cancer",
        desk_strain(history=["cancer"], symptoms=["leg_numbness"]),
        "cancer_with_deficit",
        "emergency",
    ),
    (
        "fracture",
        desk_strain(pain_trigger="major_trauma", pain_duration_days=2),
        "fracture_major_trauma",
        "emergency",
    ),
    (
        "fracture",
        desk_strain(pain_trigger="minor_trauma", history=["osteoporosis"]),
        "fracture_fragile_bone",
        "soon",
    ),
    (
        "fracture",
        desk_strain(pain_trigger="lifting", history=["long_term_steroids"]),
        "fracture_fragile_bone",
        "soon",
    ),
    (
        "inflammatory",
        desk_strain(
            age=29,
            pain_duration_days=200,
            pain_better_with=["movement"],
            pain_morning_stiffness_minutes=60,
        ),
        "inflammatory_back_pain",
        "soon",
    ),
    ("shingles", desk_strain(symptoms=["rash_on_painful_area"]), "shingles_rash", "soon"),
    ("deformity", desk_strain(age=15, symptoms=["visible_deformity"]), "deformity_young", "soon"),
    (
        "deformity",
        desk_strain(age=45, symptoms=["visible_deformity"]),
        "deformity_adult",
        "routine",
    ),
    (
        "radiculopathy",
        desk_strain(pain_character=["band_around_chest"], pain_worse_with=["cough_or_sneeze"]),
        "thoracic_radiculopathy",
        "soon",
    ),
]
ORDER = ["emergency", "urgent", "soon", "routine", "self_care"]


@pytest.mark.parametrize(
    ("family", "intake", "rule", "level"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_each_red_flag_family_fires_on_its_features(
    family: str, intake: dict[str, Any], rule: str, level: str
) -> None:
    assessment = assess(intake)
    assert rule in [flag.id for flag in assessment.red_flags]
    assert ORDER.index(assessment.triage) <= ORDER.index(level)


def test_every_family_of_the_issue_has_a_case() -> None:
    families = {case[0] for case in CASES}
    assert families >= {
        "heart",
        "aorta",
        "lungs",
        "spinal_cord",
        "bleeding",
        "infection",
        "cancer",
        "fracture",
        "inflammatory",
        "shingles",
        "deformity",
    }


def _fired(intake: dict[str, Any]) -> set[str]:
    return {flag.id for flag in assess(intake).red_flags}


def test_a_mechanical_desk_strain_is_never_escalated_by_the_cardiac_rules() -> None:
    assessment = assess(desk_strain(pain_worse_with=["sitting_long", "lifting"]))
    assert assessment.triage == "self_care"
    assert not {f.id for f in assessment.red_flags if f.id.startswith("cardiac")}


def test_exertional_pain_that_eases_with_movement_is_not_cardiac() -> None:
    fired = _fired(desk_strain(pain_worse_with=["exertion"], pain_better_with=["movement"]))
    assert "cardiac_exertional_pain" not in fired


def test_sudden_pain_after_lifting_is_not_read_as_an_aortic_dissection() -> None:
    fired = _fired(desk_strain(pain_onset="sudden", pain_intensity_now=9, pain_trigger="lifting"))
    assert "aortic_sudden_severe_pain" not in fired


def test_pain_on_breathing_without_clot_risk_is_not_a_pulmonary_embolism() -> None:
    assert "lung_pleuritic_with_clot_risk" not in _fired(
        desk_strain(pain_worse_with=["deep_breath"])
    )


def test_stable_arm_numbness_is_not_a_progressive_deficit() -> None:
    assessment = assess(desk_strain(symptoms=["arm_numbness"], neuro={"progressive": False}))
    assert "cord_progressive_deficit" not in {f.id for f in assessment.red_flags}
    assert assessment.triage == "soon"


def test_a_blood_thinner_with_gradual_mild_pain_is_not_a_haematoma() -> None:
    assert "bleeding_epidural_haematoma" not in _fired(desk_strain(medications=["anticoagulant"]))


def test_diabetes_with_mechanical_pain_is_not_an_infection_flag() -> None:
    assert "infection_weak_defences" not in _fired(desk_strain(history=["diabetes"]))


def test_night_pain_eased_by_position_is_not_a_cancer_flag() -> None:
    assert "cancer_night_pain" not in _fired(desk_strain(pain_night_pain="eased_by_position"))


def test_a_smoker_with_a_fortnight_of_pain_between_the_shoulder_blades_is_not_flagged() -> None:
    assert "cancer_smoker_shoulder_blade" not in _fired(desk_strain(history=["smoker"]))


def test_lifting_with_healthy_bones_is_not_a_fragility_fracture() -> None:
    assert "fracture_fragile_bone" not in _fired(desk_strain(pain_trigger="lifting"))


def test_short_morning_stiffness_in_a_young_adult_is_not_inflammatory() -> None:
    fired = _fired(
        desk_strain(
            age=29,
            pain_duration_days=200,
            pain_onset="sudden",
            pain_morning_stiffness_minutes=5,
            pain_better_with=["rest"],
        )
    )
    assert "inflammatory_back_pain" not in fired


def test_burning_pain_without_a_rash_is_not_shingles() -> None:
    assert "shingles_rash" not in _fired(desk_strain(pain_character=["burning"]))


def test_an_adult_deformity_is_not_the_adolescent_rule() -> None:
    assert "deformity_young" not in _fired(desk_strain(age=40, symptoms=["visible_deformity"]))


def test_the_highest_fired_level_wins() -> None:
    assessment = assess(desk_strain(history=["cancer"], symptoms=["saddle_numbness"]))
    assert assessment.triage == "emergency"
    levels = {flag.level for flag in assessment.red_flags}
    assert {"urgent", "emergency"} <= levels


def test_red_flags_name_the_intake_fields_that_fired_them() -> None:
    flag = next(
        f
        for f in assess(desk_strain(symptoms=["fever_or_chills"])).red_flags
        if f.id == "infection_fever"
    )
    assert flag.because == ["symptoms"]
    assert flag.explanation
