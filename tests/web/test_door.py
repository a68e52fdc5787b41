"""The one door: every check that used to sit in a view is the door's now, so each refusal is
a 404 *and* an audit row naming who was refused what, and each helper shares one fetch."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.access import (
    access_assessment,
    access_progress,
    as_id,
    open_door,
)
from upperback.web.records.models import AssessmentRecord, AuditEvent


@pytest.fixture
def record(alice: Any, desk_worker: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))


def _outcomes(action: str) -> set[tuple[int | None, str]]:
    return {(e.actor_id, e.outcome) for e in AuditEvent.objects.filter(action=action)}


def test_a_patient_opening_the_clinicians_review_is_refused_and_audited(
    alice: Any, alice_client: Client, record: AssessmentRecord
) -> None:
    assert alice_client.get(f"/clinic/assessments/{record.pk}/").status_code == 404
    assert _outcomes("assessment.review") == {(alice.pk, "refused")}


def test_the_clinic_reads_an_assessment_but_only_the_patient_reopens_it(
    alice: Any, bob: Any, bob_client: Client, alice_client: Client, record: AssessmentRecord
) -> None:
    url = f"/assessments/{record.pk}/answer/pain/"
    assert bob_client.post(url).status_code == 404
    assert alice_client.post(url).status_code == 302
    assert _outcomes("intake.reopen") == {(bob.pk, "refused"), (alice.pk, "allowed")}


def test_the_queue_refuses_a_patient_through_the_door(
    alice: Any, alice_client: Client, record: AssessmentRecord
) -> None:
    assert alice_client.get("/clinic/queue/").status_code == 404
    assert _outcomes("queue.read") == {(alice.pk, "refused")}


def test_the_progress_entries_are_read_through_the_door(
    alice: Any, carol: Any, alice_client: Client, record: AssessmentRecord
) -> None:
    actions.add_progress(patient=alice, pain_now=3, psfs=[], note="")
    assert alice_client.get("/progress/").status_code == 200
    assert _outcomes("progress.entries") == {(alice.pk, "allowed")}
    with pytest.raises(Http404):
        access_progress(carol, alice.pk, purpose="test.progress")
    assert _outcomes("test.progress") == {(carol.pk, "refused")}


def test_the_door_refuses_an_unknown_id_audited_without_a_patient(carol: Any, db: Any) -> None:
    with pytest.raises(Http404):
        open_door(
            carol,
            AssessmentRecord.objects.all(),
            "not-a-number",
            purpose="test.door",
            allowed=lambda user, found: True,
        )
    (event,) = AuditEvent.objects.filter(action="test.door")
    assert (event.actor_id, event.patient_id, event.outcome) == (carol.pk, None, "refused")


def test_the_door_asks_the_rule_and_names_the_object_it_let_through(
    alice: Any, bob: Any, record: AssessmentRecord
) -> None:
    asked: list[tuple[Any, Any]] = []

    def rule(user: Any, found: AssessmentRecord) -> bool:
        asked.append((user, found))
        return True

    found = open_door(bob, AssessmentRecord.objects.all(), record.pk, purpose="t", allowed=rule)
    assert found == record and asked == [(bob, record)]
    (event,) = AuditEvent.objects.filter(action="t")
    assert (event.patient_id, event.object_type, event.object_id, event.outcome) == (
        alice.pk,
        "AssessmentRecord",
        str(record.pk),
        "allowed",
    )


def test_staff_only_and_herself_only_narrow_the_assessment_door(
    alice: Any, bob: Any, record: AssessmentRecord
) -> None:
    assert access_assessment(bob, record.pk, purpose="t", staff_only=True) == record
    assert access_assessment(alice, record.pk, purpose="t", herself_only=True) == record
    with pytest.raises(Http404):
        access_assessment(alice, record.pk, purpose="t", staff_only=True)
    with pytest.raises(Http404):
        access_assessment(bob, record.pk, purpose="t", herself_only=True)


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), (7, 7), ("x", None), (None, None)])
def test_as_id_reads_a_primary_key_or_nothing(raw: Any, expected: int | None) -> None:
    assert as_id(raw) == expected
