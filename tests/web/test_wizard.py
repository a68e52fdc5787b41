"""The intake wizard: steps saved as completed, emergencies stop it, errors beside the field."""

from __future__ import annotations

from typing import Any

from django.test import Client
from tests.web.walkthrough import SAFE_STEPS, complete_intake, post_step, start_draft

from upperback.web.records.models import AssessmentRecord, IntakeDraft


def test_a_completed_intake_gives_a_stored_assessment_with_its_kb_version(
    alice: Any, alice_client: Client
) -> None:
    record_id = complete_intake(alice_client)
    record = AssessmentRecord.objects.get(pk=record_id)
    assert record.patient == alice
    assert record.triage == record.assessment["triage"]
    assert record.knowledge_base == record.assessment["knowledge_base"]
    assert record.intake["pain"]["regions"] == ["between_shoulder_blades", "neck_base"]
    page = alice_client.get(f"/assessments/{record_id}/")
    assert page.status_code == 200
    assert "not a diagnosis" in page.content.decode()


def test_each_step_is_saved_as_soon_as_it_is_completed(alice_client: Client) -> None:
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", SAFE_STEPS["safety"])
    post_step(alice_client, draft_id, "pain", SAFE_STEPS["pain"])
    draft = IntakeDraft.objects.get(pk=draft_id)
    assert draft.completed_steps == ["safety", "pain"]
    assert draft.answers["pain"]["regions"] == ["between_shoulder_blades", "neck_base"]
    assert draft.answers["age"] == 34 and draft.answers["symptoms"] == []
    # Coming back resumes at the first unfinished step, with earlier answers kept.
    resumed = alice_client.get("/intake/")
    assert resumed["Location"] == f"/intake/{draft_id}/symptoms/"
    again = alice_client.get(f"/intake/{draft_id}/pain/")
    assert again.context["form"].initial["onset"] == "gradual"


def test_an_emergency_answer_on_the_first_step_stops_the_wizard(alice_client: Client) -> None:
    draft_id = start_draft(alice_client)
    answers = {
        **SAFE_STEPS["safety"],
        "signs": ["character:tearing_or_ripping"],
        "intensity_now": "9",
        "duration_days": "0",
    }
    answers["signs"] = [
        "symptom:chest_pain_or_pressure",
        "symptom:shortness_of_breath",
        "symptom:sweating",
        "character:tearing_or_ripping",
    ]
    response = post_step(alice_client, draft_id, "safety", answers)
    assert response["Location"] == f"/intake/{draft_id}/call-911/"
    page = alice_client.get(response["Location"])
    assert 'href="tel:911"' in page.content.decode()
    assert "plan" not in page.context or not page.context.get("phases")
    # The wizard stays stopped: the next step goes back to the call-911 page.
    assert post_step(alice_client, draft_id, "pain", SAFE_STEPS["pain"])["Location"].endswith(
        "/call-911/"
    )


def test_an_emergency_sign_stops_the_wizard_even_with_the_rest_of_the_step_unanswered(
    alice_client: Client,
) -> None:
    draft_id = start_draft(alice_client)
    response = post_step(alice_client, draft_id, "safety", {"signs": ["symptom:coughing_blood"]})
    assert response.status_code == 302
    assert response["Location"] == f"/intake/{draft_id}/call-911/"
    assert IntakeDraft.objects.get(pk=draft_id).stopped_for_emergency
    # Nothing is recorded from the stand-in values for the missing answers.
    assert not AssessmentRecord.objects.filter(patient__email="alice@example.com").exists()


def test_an_incomplete_first_step_without_an_emergency_sign_asks_for_the_missing_answers(
    alice_client: Client,
) -> None:
    draft_id = start_draft(alice_client)
    response = post_step(alice_client, draft_id, "safety", {"signs": []})
    assert response.status_code == 200
    assert "age" in response.context["form"].errors
    assert not IntakeDraft.objects.get(pk=draft_id).stopped_for_emergency


def test_bad_answers_are_named_beside_the_field_and_nothing_saved_is_lost(
    alice_client: Client,
) -> None:
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", SAFE_STEPS["safety"])
    response = post_step(alice_client, draft_id, "safety", {**SAFE_STEPS["safety"], "age": "7"})
    assert response.status_code == 200
    assert "age" in response.context["form"].errors
    assert 'id="id_age_error"' in response.content.decode()
    assert IntakeDraft.objects.get(pk=draft_id).answers["age"] == 34


def test_a_psfs_activity_without_a_score_is_refused_beside_the_score(
    alice_client: Client,
) -> None:
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", SAFE_STEPS["safety"])
    response = post_step(alice_client, draft_id, "function", {"activity_1": "reaching up"})
    assert response.status_code == 200
    assert "score_1" in response.context["form"].errors


def test_the_review_page_shows_every_answer_in_words(alice_client: Client) -> None:
    draft_id = start_draft(alice_client)
    for step, data in SAFE_STEPS.items():
        post_step(alice_client, draft_id, step, data)
    page = alice_client.get(f"/intake/{draft_id}/review/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Between the shoulder blades, Base of the neck" in text
    assert "Poor posture" in text
    assert [s["name"] for s in page.context["summary"]] == list(SAFE_STEPS)


def test_the_clinician_and_the_patient_see_the_psychosocial_stratum(
    alice: Any, alice_client: Client
) -> None:
    from upperback.clinical import Intake
    from upperback.web.records import actions
    from upperback.web.records.demo_intakes import DESK_WORKER

    intake = {**DESK_WORKER, "phq4": {"interest": 2, "down": 2, "nervous": 2, "worrying": 1}}
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(intake))
    assert record.assessment["psychosocial"]["stratum"] == "high"
    page = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    assert 'id="psychosocial"' in page and "psychologically informed" in page
