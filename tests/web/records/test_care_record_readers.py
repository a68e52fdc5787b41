"""The patient's PDF, the report for the consultation, the FHIR export and the calendar read
the care record (the episode's state): after an override, the patient's choices and a
consultation's outcome, each says what the state says (issue 19, item 2 in part).

The data is built through the actions, which write the events; the PDFs are read back as text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from upperback.care import Status
from upperback.clinical import Intake
from upperback.web.care.fhir_export import export_patient
from upperback.web.choosing import actions as choosing
from upperback.web.clinic import actions as clinic
from upperback.web.clinic import setup
from upperback.web.clinic.models import AppointmentType, Clinician, Location
from upperback.web.clinic.slots import find_slots
from upperback.web.records import actions
from upperback.web.records.access import access_episode
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db

NSAID_WITHHELD = {"history": ["peptic_ulcer_or_gi_bleed"]}
NOTE_FOR_HER = "Keep moving gently instead of resting in bed."
CLINIC_REASON = "Arm numbness on examination."
DECLINE_REASON = "Spinal manipulation frightens me."
AGREED_DESPITE = "Short course with a stomach protector, agreed with the GP."


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return re.sub(r"\s+", " ", text)  # lines wrap anywhere: compare sentences, not lines


def _section(text: str, heading: str, following: str | None = None) -> str:
    """The text from `heading` to `following` (or to the end)."""
    start = text.index(heading)
    end = text.index(following, start) if following else len(text)
    return text[start:end]


@pytest.fixture
def record(alice: Any, desk_worker: dict[str, Any]) -> Any:
    intake = Intake.model_validate({**desk_worker, **NSAID_WITHHELD})
    return actions.record_assessment(patient=alice, intake=intake, language="en")


@pytest.fixture
def overridden(record: Any, bob: Any) -> Any:
    """The clinician raises the triage to Soon (a physiatrist) and removes relative rest, with
    a note written for the patient."""
    actions.override_assessment(
        record=record,
        author=bob,
        new_triage="soon",
        reason=CLINIC_REASON,
        plan_note=NOTE_FOR_HER,
        removed_steps=["relative_rest"],
        specialty="physiatrist",
    )
    return record


@pytest.fixture
def chosen(overridden: Any) -> Any:
    """The patient declines chiropractic manipulation."""
    choosing.record_preferences(
        record=overridden,
        choices=[
            {"step": "chiropractic_manipulation", "choice": "rather_not", "reason": DECLINE_REASON},
            {"step": "exercise_program", "choice": "like"},
        ],
    )
    return overridden


@pytest.fixture
def agreed(chosen: Any, bob: Any) -> Any:
    """The consultation: a diagnosis and an agreed plan, with the withheld anti-inflammatory
    agreed for a reason."""
    choosing.record_outcome(
        record=chosen,
        author=bob,
        source="postural_strain",
        certainty="probable",
        basis="examination",
        agreed_steps=[
            {"step": "exercise_program", "note": "3 sets of 10, every day"},
            {"step": "activity_modification"},
            {"step": "anti_inflammatory_medication"},
        ],
        next_review=timezone.localdate() + dt.timedelta(days=21),
        note="Review the medicine at the next visit.",
        withheld_reason=AGREED_DESPITE,
    )
    return chosen


def _bundle(user: Any, patient_id: int) -> dict[str, Any]:
    bundle = export_patient(user, patient_id, language="en", purpose="test")
    data: dict[str, Any] = json.loads(bundle.model_dump_json(exclude_none=True))
    return data


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _activities(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    plan = next(p for p in _resources(bundle, "CarePlan") if p["status"] == "active")
    return {a["detail"]["code"]["coding"][0]["code"]: a["detail"] for a in plan["activity"]}


def _patient_pdf(client: Client) -> str:
    response = client.get(reverse("records:my_report"))
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def _consultation_pdf(client: Client, record: Any) -> str:
    response = client.get(reverse("records:consultation_report", args=[record.pk]))
    assert response.status_code == 200
    return pdf_text(response.content)


# After the override and the patient's choices ------------------------------------------------


def test_the_patients_pdf_follows_the_override_and_her_choices(
    alice: Any, alice_client: Client, chosen: Any
) -> None:
    state = access_episode(alice, alice.pk, purpose="test")
    text = _patient_pdf(alice_client)

    triage = _section(text, "Triage and why", "Phase 1")
    assert "Soon:" in triage and "Self-care" not in triage
    assert "Set by your clinician Bob Nguyen on" in triage
    assert f"Your clinician's note for you: {NOTE_FOR_HER}" in triage
    assert CLINIC_REASON not in text, "the clinic's reason is not the patient's to read"
    assert state.next_review is not None
    assert f"Next review on {state.next_review.day} " in triage
    plan = _section(text, "Phase 1", "Not in your plan now")
    assert "Relative rest" not in plan and "Chiropractic manipulation" not in plan
    assert "Exercise program:" in plan
    apart = _section(text, "Not in your plan now", "Left out for you, and why")
    assert "Relative rest: removed by your clinician on" in apart and NOTE_FOR_HER in apart
    assert "Chiropractic manipulation: you chose not to do this." in apart
    assert "Anti-inflammatory medication: Anti-inflammatories" in _section(
        text, "Left out for you, and why"
    )


def test_the_consultation_report_follows_the_override_and_the_choices(
    bob_client: Client, chosen: Any
) -> None:
    text = _consultation_pdf(bob_client, chosen)

    assert "Report for the consultation" in text
    triage = _section(text, "Triage and why", "Diagnosis")
    assert "Triage now: Soon." in triage and "Set by Bob Nguyen on" in triage
    assert "Override by Bob Nguyen on" in triage and CLINIC_REASON in triage
    assert f"Note written for the patient: {NOTE_FOR_HER}" in triage
    assert "Consultation: Physiatrist (rehabilitation doctor) within 14 days." in triage
    assert "No diagnosis has been recorded yet." in text
    plan = _section(text, "The plan", "Withheld by the engine, and why")
    assert "Relative rest (phase 1) Removed by Bob Nguyen on" in plan
    assert f"Reason written for the patient: {NOTE_FOR_HER}" in plan
    assert "Chiropractic manipulation (phase 2) Declined by the patient on" in plan
    assert f"The patient's reason: {DECLINE_REASON}" in plan
    # the steps out of the plan come after every step in it
    assert plan.index("Acupuncture") < plan.index("Relative rest")
    choices = _section(text, "The patient's choices")
    assert "Chiropractic manipulation The patient would rather not." in choices
    assert "Exercise program The patient would like this." in choices


def test_the_fhir_export_follows_the_override_and_the_choices(
    bob: Any, alice: Any, chosen: Any
) -> None:
    bundle = _bundle(bob, alice.pk)
    activities = _activities(bundle)

    removed = activities["relative_rest"]
    assert removed["status"] == "cancelled" and NOTE_FOR_HER in removed["statusReason"]["text"]
    assert removed["extension"][0]["valueCode"] == "removed"
    declined = activities["chiropractic_manipulation"]
    assert declined["status"] == "cancelled"
    assert declined["statusReason"]["text"].startswith("Declined by the patient")
    assert activities["exercise_program"]["status"] == "not-started"
    withheld = activities["anti_inflammatory_medication"]
    assert withheld["doNotPerform"] is True and withheld["reasonCode"][0]["text"]
    risk = next(r for r in _resources(bundle, "RiskAssessment") if r["identifier"][0]["value"])
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "soon"
    assert any("set by Bob Nguyen" in n["text"] for n in risk["note"])
    assert _resources(bundle, "Condition") == []
    episode = _resources(bundle, "EpisodeOfCare")[0]
    assert (
        episode["status"] == "active" and episode["extension"][0]["valueCoding"]["code"] == "soon"
    )


# After the consultation's outcome -------------------------------------------------------------


def test_the_patients_pdf_shows_the_diagnosis_and_the_agreed_plan(
    alice: Any, alice_client: Client, agreed: Any
) -> None:
    state = access_episode(alice, alice.pk, purpose="test")
    text = _patient_pdf(alice_client)

    diagnosis = _section(text, "Your clinician's diagnosis", "Phase 1")
    assert "Postural strain (probable, on examination), by Bob Nguyen on" in diagnosis
    assert "Review the medicine at the next visit." in diagnosis
    assert state.next_review == timezone.localdate() + dt.timedelta(days=21)
    assert f"Next review on {state.next_review.day} " in _section(text, "Triage and why")
    plan = _section(text, "Phase 1", "Also in the plan agreed with your clinician")
    assert "Exercise program (agreed with your clinician):" in plan
    assert "Agreed: 3 sets of 10, every day" in plan
    for out in ("Relative rest", "Posture program", "Chiropractic manipulation", "Acupuncture"):
        assert out not in plan, f"{out} is not in the agreed plan"
    also = _section(text, "Also in the plan agreed with your clinician", "Not in your plan now")
    assert "Anti-inflammatory medication" in also and AGREED_DESPITE in also
    apart = _section(text, "Not in your plan now")
    assert "Acupuncture: not in the plan agreed with your clinician on" in apart
    assert "Left out for you, and why" not in text, "the withheld step was agreed"


def test_the_consultation_report_shows_identity_history_plan_and_check_ins(
    bob_client: Client, alice: Any, agreed: Any
) -> None:
    today = timezone.localdate()
    actions.add_progress(
        patient=alice,
        pain_now=5,
        pain_worst_week=7,
        recorded_on=today - dt.timedelta(days=7),
        loss_of_function=False,
        note="stiff mornings",
    )
    actions.add_progress(patient=alice, pain_now=3, recorded_on=today)
    text = _consultation_pdf(bob_client, agreed)

    who = _section(text, "The patient", "The complaint")
    assert "Name Alice" in who and "Email alice@example.com" in who
    assert f"Patient number {alice.pk}" in who and "Age at the assessment 34" in who
    assert "Sex Female" in who
    history = _section(text, "History and medicines", "Triage and why")
    assert "Stomach ulcer or stomach bleeding" in history
    diagnosis = _section(text, "Diagnosis", "The agreed plan")
    assert "Postural strain" in diagnosis and "Certainty probable" in diagnosis
    assert "Basis on examination" in diagnosis and "Recorded by Bob Nguyen" in diagnosis
    plan = _section(text, "The agreed plan", "The patient's choices")
    assert "Exercise program (phase 1) Agreed with the patient on" in plan
    assert "Agreed note: 3 sets of 10, every day" in plan
    assert "despite a contraindication" in plan and AGREED_DESPITE in plan
    assert "Acupuncture (phase 3) Not in the plan agreed on" in plan
    assert "Withheld by the engine, and why" not in text, "the withheld step was agreed"
    check_ins = _section(text, "Check-ins")
    assert "Date Pain now Worst this week" in check_ins
    assert "5/10 7/10 no" in check_ins and "stiff mornings" in check_ins and "3/10" in check_ins
    own_words = _section(text, "The patient", "Triage and why") + plan + check_ins
    for pronoun in (" she ", " her ", " he ", " his ", " him "):
        assert pronoun not in f" {own_words.lower()} ", f"a pronoun that guesses: {pronoun!r}"
    assert AuditEvent.objects.filter(action="report.care", patient=alice, actor__isnull=False)


def test_the_fhir_export_has_the_diagnosis_the_agreed_plan_and_the_episode(
    bob: Any, alice: Any, agreed: Any
) -> None:
    state = access_episode(alice, alice.pk, purpose="test")
    bundle = _bundle(bob, alice.pk)

    condition = _resources(bundle, "Condition")[0]
    assert condition["code"]["coding"][0]["code"] == "postural_strain"
    assert condition["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert condition["recorder"]["display"] == "Bob Nguyen"
    condition_url = next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"
    )
    plan = next(p for p in _resources(bundle, "CarePlan") if p["status"] == "active")
    assert plan["addresses"] == [{"reference": condition_url}]
    assert f"Next review: {state.next_review}." in plan["note"][0]["text"]
    activities = _activities(bundle)
    statuses = {step.step: step.status for step in state.steps}
    for step, status in statuses.items():
        assert activities[step]["extension"][0]["valueCode"] == status
    assert activities["exercise_program"]["status"] == "in-progress"
    despite = activities["anti_inflammatory_medication"]
    assert despite["status"] == "in-progress" and "doNotPerform" not in despite
    assert AGREED_DESPITE in despite["reasonCode"][1]["text"]
    assert activities["acupuncture"]["status"] == "cancelled"
    assert statuses["acupuncture"] == Status.REMOVED
    episode = _resources(bundle, "EpisodeOfCare")[0]
    assert episode["diagnosis"][0]["condition"]["reference"] == condition_url
    assert episode["patient"]["reference"].startswith("urn:uuid:")


def test_an_earlier_assessment_is_shown_as_history_not_as_the_plan_now(
    bob: Any, alice: Any, agreed: Any, desk_worker: dict[str, Any]
) -> None:
    """She answers again without a raise: the care keeps the clinician's decisions, the new
    assessment's CarePlan carries them, the earlier one is revoked history."""
    again = actions.record_assessment(
        patient=alice, intake=Intake.model_validate({**desk_worker, **NSAID_WITHHELD})
    )
    bundle = _bundle(bob, alice.pk)
    plans = {p["identifier"][0]["value"]: p for p in _resources(bundle, "CarePlan")}
    assert plans[str(again.pk)]["status"] == "active"
    assert plans[str(agreed.pk)]["status"] == "revoked"
    activities = _activities(bundle)
    assert activities["exercise_program"]["status"] == "in-progress"
    assert activities["relative_rest"]["status"] == "cancelled"


# The calendar ------------------------------------------------------------------------------


@pytest.fixture
def clinic_day(bob: Any) -> tuple[Clinician, Location, AppointmentType]:
    location = setup.create_location(
        name="Test Spine Clinic",
        address="1 Main St",
        time_zone="America/Los_Angeles",
        phone="+1 310 555 0100",
    )
    kind = setup.create_appointment_type(
        code="consult",
        name="New spine consultation",
        duration_minutes=60,
        specialties=["physiatrist"],
    )
    clinician = setup.create_clinician(
        name="Dr. Bob Nguyen", specialty="physiatrist", credentials="MD", user=bob
    )
    setup.add_working_hours(
        clinician=clinician,
        location=location,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        starts=dt.time(8),
        ends=dt.time(17),
    )
    return clinician, location, kind


def _book_on_one_day(
    clinic_day: tuple[Clinician, Location, AppointmentType], bookings: list[tuple[Any, Any]]
) -> dt.date:
    """Books each (patient, assessment) on the first day with a free slot for each."""
    clinician, location, kind = clinic_day
    now = timezone.now()
    slots = find_slots(
        appointment_type=kind, clinician_id=clinician.pk, start=now, end=now + dt.timedelta(days=7)
    )
    days: dict[dt.date, list[Any]] = {}
    for slot in slots:
        days.setdefault(slot.starts_at.astimezone(location.zone).date(), []).append(slot)
    day, free = next((d, found) for d, found in days.items() if len(found) >= 2 * len(bookings))
    for (patient, assessment), slot in zip(bookings, free[::2], strict=False):
        clinic.book(
            patient=patient,
            clinician=clinician,
            location=location,
            appointment_type=kind,
            assessment=assessment,
            starts_at=slot.starts_at,
        )
    return day


def test_the_calendar_shows_each_bookings_triage_from_the_care_record(
    bob: Any,
    bob_client: Client,
    alice: Any,
    carol: Any,
    overridden: Any,
    desk_worker: dict[str, Any],
    clinic_day: tuple[Clinician, Location, AppointmentType],
) -> None:
    carols = actions.record_assessment(patient=carol, intake=Intake.model_validate(desk_worker))
    day = _book_on_one_day(clinic_day, [(alice, overridden), (carol, carols)])
    before = AuditEvent.objects.filter(action="clinic.calendar").count()
    page = bob_client.get(reverse("clinic:calendar"), {"date": day.isoformat()}).content.decode()

    rows = page.split('class="appointment"')[1:]
    alices = next(r for r in rows if "Alice" in r)
    carols_row = next(r for r in rows if "Carol" in r)
    assert 'class="badge triage-badge badge-soon"' in alices and "Triage: Soon" in alices
    assert "badge-self_care" in carols_row and "Triage: Self-care" in carols_row
    audited = AuditEvent.objects.filter(action="clinic.calendar").count() - before
    assert audited == 4  # each patient shown: her appointments, then her care now


def test_the_calendar_reads_every_patients_care_in_one_query(
    bob_client: Client,
    alice: Any,
    carol: Any,
    overridden: Any,
    desk_worker: dict[str, Any],
    clinic_day: tuple[Clinician, Location, AppointmentType],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    carols = actions.record_assessment(patient=carol, intake=Intake.model_validate(desk_worker))
    day = _book_on_one_day(clinic_day, [(alice, overridden), (carol, carols)])
    with CaptureQueriesContext(connection) as queries:
        bob_client.get(reverse("clinic:calendar"), {"date": day.isoformat()})
    episode_reads = [q for q in queries.captured_queries if "records_careepisode" in q["sql"]]
    assert len(episode_reads) == 1


def test_only_the_clinic_reads_many_patients_care_at_once(
    alice: Any, bob: Any, carol: Any, overridden: Any
) -> None:
    from django.http import Http404

    from upperback.web.records.access import access_episodes

    with pytest.raises(Http404):
        access_episodes(alice, [alice.pk, carol.pk], purpose="t")
    assert AuditEvent.objects.filter(action="t", actor=alice, outcome="refused").exists()
    states = access_episodes(bob, [alice.pk, carol.pk], purpose="t")
    assert states[alice.pk].triage == "soon" and states[carol.pk].triage is None


def test_after_she_answers_again_both_pdfs_keep_the_clinicians_decisions(
    alice: Any,
    alice_client: Client,
    bob_client: Client,
    chosen: Any,
    desk_worker: dict[str, Any],
) -> None:
    """A re-assessment that does not raise the triage: the PDFs of the new assessment still
    say Soon, set by the clinician, with relative rest removed and the manipulation declined."""
    again = actions.record_assessment(
        patient=alice, intake=Intake.model_validate({**desk_worker, **NSAID_WITHHELD})
    )
    assert again.triage == "self_care"
    text = _patient_pdf(alice_client)
    assert "Soon:" in _section(text, "Triage and why", "Phase 1")
    assert "Relative rest" not in _section(text, "Phase 1", "Not in your plan now")
    assert "Chiropractic manipulation: you chose not to do this." in text
    report = _consultation_pdf(bob_client, again)
    assert "Triage now: Soon." in report and "Set by Bob Nguyen on" in report
    assert "Relative rest (phase 1) Removed by Bob Nguyen on" in report
