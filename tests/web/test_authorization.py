"""Alice sees only her own records; Carol, probing Alice's ids, gets 404 (never 403);
an anonymous visitor reaches nothing private; Dr Bob sees the clinic's patients.
Every read, allowed or refused, leaves an audit row."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from upperback.clinical.contract import Intake
from upperback.web.records import actions
from upperback.web.records.models import AuditEvent


@pytest.fixture
def alices(alice: Any, desk_worker: dict[str, Any]) -> dict[str, int]:
    """Alice's assessment and her open draft."""
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    draft = actions.start_draft(patient=alice)
    actions.save_draft_step(draft=draft, step="safety", answers={"age": 34, "sex": "female"})
    return {"assessment": record.pk, "draft": draft.pk}


def _private_pages(ids: dict[str, int]) -> list[str]:
    return [
        f"/assessments/{ids['assessment']}/",
        f"/intake/{ids['draft']}/safety/",
        f"/intake/{ids['draft']}/pain/",
        f"/intake/{ids['draft']}/review/",
        f"/intake/{ids['draft']}/call-911/",
        f"/clinic/assessments/{ids['assessment']}/",
    ]


def _private_api(ids: dict[str, int]) -> list[str]:
    return [
        f"/api/v1/assessments/{ids['assessment']}",
        f"/api/v1/intakes/{ids['assessment']}",
        f"/api/v1/drafts/{ids['draft']}",
    ]


def test_another_patient_gets_404_for_every_page(carol_client: Client, alices: Any) -> None:
    for url in _private_pages(alices):
        assert carol_client.get(url).status_code == 404, url


def test_another_patient_gets_404_for_every_api_record(carol_client: Client, alices: Any) -> None:
    for url in _private_api(alices):
        assert carol_client.get(url).status_code == 404, url


def test_another_patient_cannot_write_into_a_draft(carol_client: Client, alices: Any) -> None:
    response = carol_client.post(f"/intake/{alices['draft']}/safety/", {"age": "50"})
    assert response.status_code == 404
    from upperback.web.records.models import IntakeDraft

    assert IntakeDraft.objects.get(pk=alices["draft"]).answers["age"] == 34


def test_another_patient_cannot_list_alices_records(carol_client: Client, alices: Any) -> None:
    assert carol_client.get("/api/v1/assessments").json() == []
    assert carol_client.get("/api/v1/intakes").json() == []
    page = carol_client.get("/assessments/").content.decode()
    assert f"/assessments/{alices['assessment']}/" not in page


def test_a_patient_does_not_reach_the_clinician_queue(carol_client: Client, alices: Any) -> None:
    assert carol_client.get("/clinic/queue/").status_code == 404


def test_anonymous_reaches_nothing_private(anonymous: Client, alices: Any) -> None:
    for url in [
        *_private_pages(alices),
        "/assessments/",
        "/intake/",
        "/progress/",
        "/clinic/queue/",
    ]:
        response = anonymous.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
    for url in [*_private_api(alices), "/api/v1/assessments", "/api/v1/intakes"]:
        assert anonymous.get(url).status_code == 401, url


def test_alice_reads_her_own_records(alice_client: Client, alices: Any) -> None:
    assert alice_client.get(f"/assessments/{alices['assessment']}/").status_code == 200
    for url in _private_api(alices):
        assert alice_client.get(url).status_code == 200, url


def test_the_clinician_sees_the_clinics_patients_but_not_their_drafts(
    bob_client: Client, alices: Any
) -> None:
    assert bob_client.get(f"/clinic/assessments/{alices['assessment']}/").status_code == 200
    assert bob_client.get("/clinic/queue/").status_code == 200
    assert bob_client.get(f"/api/v1/drafts/{alices['draft']}").status_code == 404


def test_refused_and_allowed_reads_are_both_audited(
    alice: Any, carol: Any, carol_client: Client, alice_client: Client, alices: Any
) -> None:
    carol_client.get(f"/assessments/{alices['assessment']}/")
    alice_client.get(f"/assessments/{alices['assessment']}/")
    events = AuditEvent.objects.filter(action="assessment.read", patient=alice)
    assert {(e.actor_id, e.outcome) for e in events} == {
        (carol.pk, "refused"),
        (alice.pk, "allowed"),
    }
    assert all(e.object_id == str(alices["assessment"]) for e in events)


def test_an_unknown_id_is_a_404_and_audited(carol: Any, carol_client: Client, db: Any) -> None:
    assert carol_client.get("/assessments/999999/").status_code == 404
    assert AuditEvent.objects.filter(actor=carol, outcome="refused").exists()


def test_anonymous_cannot_store_an_assessment(
    anonymous: Client, desk_worker: dict[str, Any]
) -> None:
    import json

    from upperback.web.records.models import AssessmentRecord

    response = anonymous.post(
        "/api/v1/assessments", json.dumps(desk_worker), content_type="application/json"
    )
    assert response.status_code == 401
    assert AssessmentRecord.objects.count() == 0
