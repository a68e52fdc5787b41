"""A clinician's triage: the consultation follows it (window, reason, text), the engine's
plan and reasons stay, and the same triage changes nothing."""

from __future__ import annotations

from tests.clinical.vignettes import desk_strain

from upperback.clinical import assess, translate, with_triage
from upperback.clinical.knowledge import knowledge_base


def test_a_self_care_plan_raised_to_routine_recommends_a_consultation() -> None:
    engine = assess(desk_strain())
    assert engine.triage == "self_care" and not engine.consult.recommended
    raised = with_triage(engine, "routine")
    assert raised.triage == "routine"
    assert raised.consult.recommended
    assert raised.consult.within_days == knowledge_base().escalation.consult_within_days["routine"]
    assert raised.consult.reason == "review"
    assert "No consultation is needed" not in raised.consult.because
    assert raised.plan == engine.plan and raised.likely_sources == engine.likely_sources
    # A routine consultation goes to the leading likely source's specialty, as the engine's.
    leading = next(s for s in knowledge_base().sources if s.id == engine.likely_sources[0].id)
    assert raised.consult.specialty == leading.specialty
    spanish = translate(raised, "es")
    assert "Una consulta cuando le venga bien" in spanish.consult.because


def test_a_consultation_lowered_to_self_care_is_no_longer_recommended() -> None:
    engine = assess(desk_strain(symptoms=["arm_numbness"]))
    assert engine.consult.recommended
    lowered = with_triage(engine, "self_care")
    assert not lowered.consult.recommended
    assert lowered.consult.specialty is None
    assert lowered.consult.because.startswith("No consultation is needed now")


def test_the_same_triage_leaves_the_assessment_as_the_engine_gave_it() -> None:
    engine = assess(desk_strain(symptoms=["arm_numbness"]))
    assert with_triage(engine, engine.triage) is engine


def test_an_urgent_triage_keeps_the_specialty_the_engine_named_and_asks_for_today() -> None:
    engine = assess(desk_strain(symptoms=["arm_numbness"]))
    raised = with_triage(engine, "urgent")
    assert raised.consult.specialty == engine.consult.specialty
    assert raised.consult.within_days == 1
    assert raised.consult.reason == "red_flag_today"
