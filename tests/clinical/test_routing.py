"""Where a warning sign sends the patient: the place that can act on it, not a default."""

from __future__ import annotations

from tests.clinical.vignettes import desk_strain

from upperback.clinical import assess


def test_a_suspected_fragility_fracture_goes_to_imaging_through_primary_care() -> None:
    stoop = desk_strain(age=72, history=["osteoporosis"], symptoms=["visible_deformity"])
    assessment = assess(stoop)
    assert assessment.triage == "soon"
    # The plan offers a surgical opinion for the deformity, but the fracture is imaged first.
    assert assessment.consult.specialty == "primary_care"


def test_a_known_aneurysm_with_new_pain_goes_to_the_emergency_department() -> None:
    assessment = assess(desk_strain(history=["aortic_aneurysm"], pain_duration_days=5))
    assert assessment.triage == "emergency"
    assert assessment.consult.specialty == "emergency_department"


def test_a_longstanding_pain_with_an_aneurysm_is_checked_today_not_by_primary_care() -> None:
    assessment = assess(desk_strain(history=["aortic_aneurysm"], pain_duration_days=90))
    assert assessment.triage == "urgent"
    assert assessment.consult.specialty == "emergency_department"


def test_a_deficit_with_an_abscess_risk_goes_to_the_emergency_department() -> None:
    abscess = desk_strain(history=["iv_drug_use"], symptoms=["arm_numbness"])
    assessment = assess(abscess)
    assert assessment.triage == "emergency"
    assert assessment.consult.specialty == "emergency_department"


def test_an_unfinished_screen_does_not_decide_where_a_sign_is_seen() -> None:
    radicular = desk_strain(
        pain_character=["band_around_chest"], pain_worse_with=["cough_or_sneeze"]
    )
    del radicular["medications"]
    assessment = assess(radicular)
    assert assessment.triage == "soon"
    assert assessment.consult.specialty == "physiatrist"
