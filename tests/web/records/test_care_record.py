"""One care record (issue 19): a clinician's decision survives the patient answering again,
a raise needs review and tops the queue, and the pages, the API and the queue read the state.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from upperback.clinical import Intake
from upperback.web.choosing import actions as choosing
from upperback.web.records import actions
from upperback.web.records.access import access_queue
from upperback.web.records.episodes import open_state
from upperback.web.records.models import AuditEvent, CareEpisode, CareEvent

pytestmark = pytest.mark.django_db


def _assess(patient: Any, intake: dict[str, Any]) -> Any:
    return actions.record_assessment(patient=patient, intake=Intake.model_validate(intake))


def _override(record: Any, bob: Any) -> Any:
    return actions.override_assessment(
        record=record,
        author=bob,
        new_triage="soon",
        reason="Tender T6-7 facets, r/o disc",
        plan_note="Rest is not needed: keep moving gently.",
        removed_steps=["relative_rest"],
        specialty="physiatrist",
    )


def test_answering_again_keeps_the_clinicians_decision_everywhere(
    alice: Any, bob: Any, alice_client: Client, bob_client: Client, desk_worker: dict[str, Any]
) -> None:
    first = _assess(alice, desk_worker)
    assert first.triage == "self_care"
    _override(first, bob)
    again = alice_client.post(
        "/api/v1/assessments", json.dumps(desk_worker), content_type="application/json"
    )
    assert again.status_code == 201
    newest = alice_client.get("/api/v1/assessments").json()[0]
    assert newest["id"] == again.json()["id"]
    assert newest["current_triage"] == "soon", "the API follows the care record"

    state = open_state(alice.pk)
    assert (state.triage, state.triage_by, state.consult.specialty) == (
        "soon",
        bob.pk,
        "physiatrist",
    )
    rest = next(s for s in state.steps if s.step == "relative_rest")
    assert rest.status == "removed" and not rest.active

    page = alice_client.get(f"/assessments/{newest['id']}/").content.decode()
    assert 'data-status="removed"' in page and "keep moving gently" in page
    assert "Tender T6-7" not in page, "the clinic's reason is not shown to the patient"
    assert "Physiatrist" in page or "physiatrist" in page

    queue = bob_client.get("/clinic/queue/").content.decode()
    assert "Needs review" not in queue
    row = next(r for r in queue.split("<tr ")[1:] if ">Alice<" in r)
    assert row.startswith('data-triage="soon"')


def test_a_raise_needs_review_and_tops_the_queue(
    alice: Any, carol: Any, bob: Any, desk_worker: dict[str, Any]
) -> None:
    waiting = _assess(carol, {**desk_worker, "symptoms": ["arm_numbness"]})  # soon, earlier
    record = _assess(alice, desk_worker)
    _override(record, bob)
    raised = _assess(alice, {**desk_worker, "symptoms": ["unexplained_weight_loss"]})
    assert raised.triage in ("urgent", "emergency")
    state = open_state(alice.pk)
    assert state.needs_review and state.triage == raised.triage
    first = access_queue(bob, purpose="test").episodes[0]
    assert first.patient_id == alice.pk and first.needs_review
    assert waiting.patient_id != first.patient_id
    # Nothing the clinician decided is lost: the removal stays.
    assert next(s for s in state.steps if s.step == "relative_rest").status == "removed"
    actions.mark_reviewed(patient=alice, author=bob)
    assert not open_state(alice.pk).needs_review


def test_choices_and_the_agreed_plan_shape_every_step_status(
    alice: Any, bob: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    record = _assess(alice, desk_worker)
    choosing.record_preferences(
        record=record, choices=[{"step": "massage_therapy", "choice": "rather_not"}]
    )
    page = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    assert 'id="step-massage_therapy" data-status="declined"' in page
    choosing.record_outcome(
        record=record,
        author=bob,
        source="postural_strain",
        certainty="probable",
        basis="examination",
        agreed_steps=[
            {"step": "exercise_program", "note": "3 sessions a week"},
            {"step": "chiropractic_manipulation", "note": ""},
        ],
        next_review=record.created_at.date().replace(year=record.created_at.year + 1),
    )
    state = open_state(alice.pk)
    statuses = {s.step: str(s.status) for s in state.steps}
    assert statuses["exercise_program"] == "agreed"
    assert statuses["chiropractic_manipulation"] == "agreed"
    assert statuses["relative_rest"] == "removed"
    page = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    assert 'id="step-chiropractic_manipulation" data-status="agreed"' in page
    assert 'id="step-relative_rest" data-status="removed"' in page
    assert "Postural strain" in page or "postural" in page.lower()
    progress = alice_client.get("/progress/").content.decode()
    assert state.next_review is not None
    assert str(state.next_review.year) in progress
    # Answering again (not a raise) keeps the agreement.
    _assess(alice, desk_worker)
    again = {s.step: str(s.status) for s in open_state(alice.pk).steps}
    assert again["chiropractic_manipulation"] == "agreed"


def test_the_outcome_form_opens_blank_then_on_the_decision_in_force(
    alice: Any, bob: Any, bob_client: Client, desk_worker: dict[str, Any]
) -> None:
    record = _assess(alice, desk_worker)
    url = f"/clinic/assessments/{record.pk}/outcome/"
    blank = bob_client.get(url).content.decode()
    assert '<option value="" selected>' in blank, "no diagnosis chosen for a new outcome"
    assert 'value="muscle_strain" selected' not in blank
    assert 'value="confirmed" selected' not in blank
    choosing.record_outcome(
        record=record,
        author=bob,
        source="joint_dysfunction",
        certainty="possible",
        basis="examination",
        agreed_steps=[{"step": "exercise_program", "note": ""}],
        next_review=record.created_at.date(),
    )
    reopened = bob_client.get(url).content.decode()
    assert 'value="joint_dysfunction" selected' in reopened
    assert 'value="possible" selected' in reopened


def test_the_queue_is_one_page_with_bounded_queries_and_audit_rows(
    bob: Any, bob_client: Client, desk_worker: dict[str, Any]
) -> None:
    for n in range(60):
        patient = actions.create_patient(email=f"p{n}@example.com", password="x" * 12)
        _assess(patient, desk_worker)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        html = bob_client.get("/clinic/queue/").content.decode()
    assert len(queries) <= 30
    assert AuditEvent.objects.count() - before <= 100
    assert html.count("<tr data-triage") == 50 and "?page=2" in html
    second = bob_client.get("/clinic/queue/?page=2").content.decode()
    assert second.count("<tr data-triage") == 10


def test_the_migration_rebuilds_the_same_episodes_from_todays_rows(
    alice: Any, bob: Any, desk_worker: dict[str, Any]
) -> None:
    import importlib

    record = _assess(alice, desk_worker)
    _override(record, bob)
    choosing.record_preferences(
        record=record, choices=[{"step": "massage_therapy", "choice": "rather_not"}]
    )
    _assess(alice, desk_worker)
    live = open_state(alice.pk)
    CareEvent.objects.all().delete()
    CareEpisode.objects.all().delete()
    migration = importlib.import_module(
        "upperback.web.records.migrations.0009_episodes_from_records"
    )
    migration.forward(apps, None)
    rebuilt = open_state(alice.pk)
    assert (rebuilt.triage, rebuilt.triage_by) == (live.triage, live.triage_by)
    assert {s.step: s.status for s in rebuilt.steps} == {s.step: s.status for s in live.steps}
    assert rebuilt.assessment_id == live.assessment_id


def test_a_phone_number_at_sign_up_reaches_the_clinicians_page(
    bob_client: Client, desk_worker: dict[str, Any]
) -> None:
    patient = actions.create_patient(
        email="dan@example.com", password="x" * 12, phone="+1 310 555 0199", phone_call_consent=True
    )
    record = _assess(patient, desk_worker)
    page = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    assert 'href="tel:+1 310 555 0199"' in page and "agreed to be called" in page


def test_the_result_pages_phase_dates_follow_the_care_records_next_review(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    """One review date everywhere: the current phase's review on the result page is the
    state's next review (here a check-in's), the later phases follow from it."""
    import datetime as dt

    from django.utils import dateformat, formats, timezone

    record = actions.record_assessment(
        patient=alice,
        intake=Intake.model_validate(desk_worker),
        assessed_at=timezone.now() - dt.timedelta(days=27),
    )
    today = timezone.localdate()
    entry = actions.add_progress(patient=alice, pain_now=3, recorded_on=today)
    moved = today + dt.timedelta(days=3)
    actions.record_review(
        entry=entry,
        action="continue",
        phase=1,
        since=today - dt.timedelta(days=27),
        review_on=moved,
    )
    assert open_state(alice.pk).next_review == moved
    page = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    shown = dateformat.format(moved, formats.get_format("DATE_FORMAT"))
    first = page.index('id="phase-1"')
    assert f'<span class="review-on">{shown}</span>' in page[first : first + 600]
    assert f"<strong>Next review:</strong> {shown}" in page
