"""The clinician's queue (triage level, then waiting time) and overrides kept beside the engine."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.conftest import SHARED_CONTRACT

from upperback.clinical.contract import Intake
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord


def example(name: str) -> Intake:
    data = json.loads((SHARED_CONTRACT / "examples" / f"{name}.json").read_text())
    return Intake.model_validate(data["intake"])


def _aged(record: AssessmentRecord, minutes: int) -> AssessmentRecord:
    """Pretend the record has waited `minutes` (created_at is set on insert)."""
    AssessmentRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )
    return AssessmentRecord.objects.get(pk=record.pk)


@pytest.fixture
def waiting(alice: Any, carol: Any) -> dict[str, AssessmentRecord]:
    dan = actions.create_patient(email="dan@example.com", password="x-long-password-1")
    erin = actions.create_patient(email="erin@example.com", password="x-long-password-1")
    return {
        "self_care_old": _aged(
            actions.record_assessment(patient=alice, intake=example("desk-worker-self-care")), 90
        ),
        "self_care_new": _aged(
            actions.record_assessment(patient=dan, intake=example("desk-worker-self-care")), 10
        ),
        "urgent": _aged(
            actions.record_assessment(patient=carol, intake=example("cancer-history-urgent")), 5
        ),
        "soon": _aged(
            actions.record_assessment(patient=erin, intake=example("radicular-band-soon")), 60
        ),
    }


def test_the_queue_orders_by_triage_level_then_waiting_time(
    bob_client: Client, waiting: dict[str, AssessmentRecord]
) -> None:
    rows = bob_client.get("/clinic/queue/").context["rows"]
    order = [row["record"].pk for row in rows]
    expected = ["urgent", "soon", "self_care_old", "self_care_new"]
    assert order == [waiting[name].pk for name in expected]


def test_an_override_is_kept_beside_the_engines_answer_with_its_author(
    bob: Any, bob_client: Client, alice_client: Client, waiting: dict[str, AssessmentRecord]
) -> None:
    record = waiting["self_care_old"]
    engine_answer = record.assessment
    response = bob_client.post(
        f"/clinic/assessments/{record.pk}/",
        {"new_triage": "soon", "reason": "Pain at rest on examination", "plan_note": "PT first"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.triage, record.current_triage) == ("self_care", "soon")
    assert record.assessment == engine_answer
    override = record.overrides.get()
    assert (override.author, override.old_triage, override.new_triage) == (bob, "self_care", "soon")
    page = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    # The reason is kept for the clinic; the patient reads the note written for her.
    assert "Pain at rest on examination" not in page
    assert "PT first" in page
    assert "Bob Nguyen" in page


def test_the_override_moves_the_patient_in_the_queue(
    bob_client: Client, waiting: dict[str, AssessmentRecord]
) -> None:
    record = waiting["self_care_new"]
    bob_client.post(
        f"/clinic/assessments/{record.pk}/", {"new_triage": "urgent", "reason": "New weakness"}
    )
    rows = bob_client.get("/clinic/queue/").context["rows"]
    # Both urgent now: the one who has waited longer (10 minutes against 5) comes first.
    assert [r["record"].pk for r in rows][:2] == [record.pk, waiting["urgent"].pk]


def test_an_override_without_a_reason_is_refused_beside_the_field(
    bob_client: Client, waiting: dict[str, AssessmentRecord]
) -> None:
    record = waiting["soon"]
    response = bob_client.post(
        f"/clinic/assessments/{record.pk}/", {"new_triage": "routine", "reason": "  "}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    record.refresh_from_db()
    assert record.current_triage == "soon"
    assert not record.overrides.exists()


def test_the_review_page_shows_answers_reasons_plan_and_history(
    alice: Any, bob_client: Client, waiting: dict[str, AssessmentRecord]
) -> None:
    later = actions.record_assessment(patient=alice, intake=example("desk-worker-self-care"))
    page = bob_client.get(f"/clinic/assessments/{later.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "How bad is the pain right now?" in text  # the answers as the wizard asked them
    assert "pain.intensity_now" not in text
    assert 'id="plan-section"' in text
    assert [h["record"].pk for h in page.context["history"]] == [
        later.pk,
        waiting["self_care_old"].pk,
    ]


def test_the_review_page_shows_the_psychosocial_score_and_stratum(
    alice: Any, bob_client: Client
) -> None:
    intake = example("desk-worker-self-care").model_dump(exclude_none=True)
    intake["phq4"] = {"interest": 1, "down": 1, "nervous": 1, "worrying": 1}
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(intake))
    text = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    assert 'id="psychosocial"' in text
    assert "PHQ-4 4/12; PHQ-2 2, GAD-2 2" in text and "medium" in text
