"""Progress entries over time, the engine's review decision, and new warning signs re-assessed."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from upperback.clinical.contract import Intake
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord, ProgressEntry


def test_a_progress_entry_is_saved_with_its_psfs_scores(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    response = alice_client.post("/progress/", {"pain_now": "3", "psfs_1": "7", "note": "better"})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(patient=alice)
    assert (entry.pain_now, entry.psfs) == (3, [{"activity": "desk work", "score": 7}])
    page = alice_client.get("/progress/")
    pain = next(c for c in page.context["charts"] if c.id == "chart-pain")
    assert len(pain.rows) == 2  # the intake's pain, then this entry
    assert 'id="review-decision"' in page.content.decode()


def test_the_review_decision_comes_from_the_engine(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    from upperback.clinical import Assessment, escalate

    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    actions.add_progress(patient=alice, pain_now=8)
    decision = alice_client.get("/progress/").context["decision"]
    began = timezone.localdate(record.created_at).isoformat()
    expected = escalate(
        Assessment.model_validate(record.assessment),
        {
            "phase": 1,
            "phase_started_on": began,
            "readings": [
                {"on": began, "pain_nrs": 4, "psfs": 5.0},
                {"on": timezone.localdate().isoformat(), "pain_nrs": 8, "psfs": None},
            ],
        },
        timezone.localdate(),
    )
    assert (decision.action, decision.because) == (expected.action, expected.because)


def test_a_bad_pain_score_is_refused_beside_the_field(alice_client: Client) -> None:
    response = alice_client.post("/progress/", {"pain_now": "12"})
    assert response.status_code == 200
    assert "pain_now" in response.context["form"].errors
    assert not ProgressEntry.objects.exists()


def test_a_new_warning_sign_is_assessed_again_by_the_engine(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    response = alice_client.post(
        "/progress/", {"pain_now": "5", "new_symptoms": ["bladder_or_bowel_change"]}
    )
    newest = AssessmentRecord.objects.filter(patient=alice).latest("created_at")
    assert response["Location"] == f"/assessments/{newest.pk}/"
    assert "bladder_or_bowel_change" in newest.intake["symptoms"]
    assert newest.triage != "self_care"


def test_an_emergency_sign_is_acted_on_even_when_the_pain_score_is_missing(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    response = alice_client.post("/progress/", {"new_symptoms": ["coughing_blood"]})
    newest = AssessmentRecord.objects.filter(patient=alice).latest("created_at")
    assert newest.triage == "emergency"
    assert response["Location"] == f"/assessments/{newest.pk}/"
    assert 'href="tel:911"' in alice_client.get(response["Location"]).content.decode()


def test_a_sign_below_emergency_with_a_missing_pain_score_waits_for_the_corrected_form(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    response = alice_client.post("/progress/", {"new_symptoms": ["rash_on_painful_area"]})
    assert response.status_code == 200
    assert "pain_now" in response.context["form"].errors
    assert AssessmentRecord.objects.filter(patient=alice).count() == 1
