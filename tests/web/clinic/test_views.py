"""The pages, through Django's test client: triage-aware offers, booking, the race loser's
page, the patient's own appointments only, the clinician's calendar and feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from upperback.clinical.contract import Intake
from upperback.web.accounts.models import User
from upperback.web.clinic import actions, setup
from upperback.web.clinic.models import Appointment, AppointmentType, Clinician, Location, Status
from upperback.web.records import actions as records
from upperback.web.records.models import AssessmentRecord, AuditEvent

pytestmark = pytest.mark.django_db


def record_for(patient: User, intake: dict[str, Any], **changes: Any) -> AssessmentRecord:
    """Through the engine: the desk worker's intake (tests/web/conftest.py) with changes."""
    return records.record_assessment(
        patient=patient, intake=Intake.model_validate({**intake, **changes})
    )


@pytest.fixture
def soon(alice: User, desk_worker: dict[str, Any]) -> AssessmentRecord:
    record = record_for(alice, desk_worker, symptoms=["arm_numbness"])
    assert (record.triage, record.assessment["consult"]["specialty"]) == ("soon", "physiatrist")
    return record


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def first_offered(response: Any) -> dict[str, str]:
    html = response.content.decode()
    fields = {}
    for name in ("clinician", "location", "appointment_type", "starts_at", "assessment"):
        marker = f'name="{name}" value="'
        if marker not in html:
            continue  # the search page books without an assessment
        start = html.index(marker) + len(marker)
        fields[name] = html[start : html.index('"', start)]
    return fields


def test_a_soon_result_offers_the_recommended_specialty_within_its_days(
    soon: AssessmentRecord,
    physiatrist: Clinician,
    consultation: AppointmentType,
) -> None:
    response = client_for(soon.patient).get(reverse("clinic:book_for_assessment", args=[soon.pk]))
    assert response.status_code == 200
    offered = first_offered(response)
    assert offered["clinician"] == str(physiatrist.pk)
    starts = dt.datetime.strptime(offered["starts_at"], "%Y-%m-%dT%H:%M:%S%z")
    assert timezone.now() < starts < timezone.now() + dt.timedelta(days=14)


def test_an_emergency_never_offers_booking(
    alice: User, physiatrist: Clinician, location: Location, desk_worker: dict[str, Any]
) -> None:
    record = record_for(alice, desk_worker, symptoms=["chest_pain_or_pressure"])
    assert record.triage == "emergency"
    response = client_for(alice).get(reverse("clinic:book_for_assessment", args=[record.pk]))
    html = response.content.decode()
    assert 'href="tel:911"' in html
    assert reverse("clinic:book") not in html


def test_urgent_without_a_slot_in_24_hours_shows_the_clinics_number(
    soon: AssessmentRecord,
    physiatrist: Clinician,
    consultation: AppointmentType,
    location: Location,
    bob: User,
) -> None:
    staff = User.objects.create_user(email="lead@clinic.example", role="clinician")
    records.override_assessment(
        record=soon, author=staff, new_triage="urgent", reason="numbness spreading"
    )
    setup.add_time_off(
        clinician=physiatrist,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(days=3),
        reason="conference",
    )
    response = client_for(soon.patient).get(reverse("clinic:book_for_assessment", args=[soon.pk]))
    html = response.content.decode()
    assert "Call the clinic now" in html
    assert 'href="tel:+13105550100"' in html
    assert reverse("clinic:book") not in html


def test_urgent_with_a_free_slot_offers_only_the_next_24_hours(
    soon: AssessmentRecord,
    physiatrist: Clinician,
    consultation: AppointmentType,
) -> None:
    staff = User.objects.create_user(email="lead@clinic.example", role="clinician")
    records.override_assessment(record=soon, author=staff, new_triage="urgent", reason="worse")
    setup.add_working_hours(
        clinician=physiatrist,
        location=Location.objects.get(),
        weekdays=[5, 6],
        starts=dt.time(8),
        ends=dt.time(17),
    )
    # Every day of the week now has hours, so something is free within a day.
    response = client_for(soon.patient).get(reverse("clinic:book_for_assessment", args=[soon.pk]))
    starts = dt.datetime.strptime(first_offered(response)["starts_at"], "%Y-%m-%dT%H:%M:%S%z")
    assert starts < timezone.now() + dt.timedelta(hours=24)


def test_booking_links_the_assessment_and_the_loser_gets_fresh_slots(
    soon: AssessmentRecord,
    physiatrist: Clinician,
    consultation: AppointmentType,
    bob: User,
    desk_worker: dict[str, Any],
) -> None:
    alice_client = client_for(soon.patient)
    offered = first_offered(alice_client.get(reverse("clinic:book_for_assessment", args=[soon.pk])))
    response = alice_client.post(reverse("clinic:book"), offered)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:appointment", args=[appointment.pk])
    assert appointment.assessment_id == soon.pk
    bobs = record_for(bob, desk_worker, symptoms=["arm_numbness"])
    lost = client_for(bob).post(reverse("clinic:book"), {**offered, "assessment": bobs.pk})
    assert lost.status_code == 409
    assert "That time was just taken" in lost.content.decode()
    assert first_offered(lost)["starts_at"] != offered["starts_at"]


def test_a_bad_booking_form_names_the_field(alice: User) -> None:
    response = client_for(alice).post(reverse("clinic:book"), {"starts_at": "tomorrow"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "starts_at" in html and "clinician" in html


@pytest.fixture
def alices_booking(
    alice: User, physiatrist: Clinician, location: Location, consultation: AppointmentType
) -> Appointment:
    monday = (timezone.now() + dt.timedelta(days=7)).astimezone(location.zone).date()
    monday -= dt.timedelta(days=monday.weekday())
    when = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(9), tzinfo=location.zone)
    return actions.book(
        patient=alice,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=when,
    )


def test_another_patient_cannot_see_cancel_or_download_an_appointment(
    alices_booking: Appointment,
    bob: User,
) -> None:
    carol = client_for(bob)
    pk = alices_booking.pk
    assert carol.get(reverse("clinic:appointment", args=[pk])).status_code == 404
    assert carol.get(reverse("clinic:appointment_ics", args=[pk])).status_code == 404
    assert carol.post(reverse("clinic:cancel", args=[pk])).status_code == 404
    assert Appointment.objects.get(pk=pk).status == Status.BOOKED
    assert AuditEvent.objects.filter(actor=bob, outcome="refused").count() == 3


def test_the_patient_sees_upcoming_downloads_the_ics_and_cancels(
    alices_booking: Appointment,
) -> None:
    alice = client_for(alices_booking.patient)
    listing = alice.get(reverse("clinic:my_appointments")).content.decode()
    assert reverse("clinic:appointment", args=[alices_booking.pk]) in listing
    ics = alice.get(reverse("clinic:appointment_ics", args=[alices_booking.pk]))
    assert icalendar.Calendar.from_ical(ics.content).events[0].start == alices_booking.starts_at
    alice.post(reverse("clinic:cancel", args=[alices_booking.pk]))
    assert Appointment.objects.get(pk=alices_booking.pk).status == Status.CANCELLED


def test_the_clinician_sees_who_and_why_in_the_week_and_in_the_feed(
    soon: AssessmentRecord,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    when = actions.book(
        patient=soon.patient,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        assessment=soon,
        starts_at=first_slot(physiatrist, consultation),
    ).starts_at
    assert physiatrist.user is not None
    page = (
        client_for(physiatrist.user)
        .get(
            reverse("clinic:calendar"),
            {"view": "week", "date": when.astimezone(location.zone).date().isoformat()},
        )
        .content.decode()
    )
    assert "alice@example.com" in page
    assert soon.assessment["consult"]["because"][:30] in page
    feed = Client().get(reverse("clinic:feed", args=[physiatrist.feed_token]))
    assert icalendar.Calendar.from_ical(feed.content).events[0].start == when
    assert Client().get(reverse("clinic:feed", args=["not-the-token"])).status_code == 404


def test_a_patient_has_no_calendar(alice: User, physiatrist: Clinician) -> None:
    assert client_for(alice).get(reverse("clinic:calendar")).status_code == 404


def first_slot(clinician: Clinician, kind: AppointmentType) -> dt.datetime:
    from upperback.web.clinic.slots import find_slots

    now = timezone.now()
    return find_slots(
        appointment_type=kind, clinician_id=clinician.pk, start=now, end=now + dt.timedelta(days=14)
    )[0].starts_at


def test_the_patients_pages_speak_spanish(alices_booking: Appointment) -> None:
    from upperback.web.records import actions as records

    # Issue 22: a logged-in person's pages follow the account's language (set by the switch).
    records.set_language(user=alices_booking.patient, language="es")
    alice = client_for(alices_booking.patient)
    listing = alice.get(reverse("clinic:my_appointments")).content.decode()
    assert "Mis citas" in listing and "Próximas" in listing
    detail = alice.get(reverse("clinic:appointment", args=[alices_booking.pk])).content.decode()
    assert "Cancelar esta cita" in detail


def test_a_self_care_result_offers_a_search_not_a_recommendation(
    alice: User,
    physiatrist: Clinician,
    desk_worker: dict[str, Any],
) -> None:
    record = record_for(alice, desk_worker)
    assert record.triage == "self_care"
    html = (
        client_for(alice)
        .get(reverse("clinic:book_for_assessment", args=[record.pk]))
        .content.decode()
    )
    assert "does not call for a consultation" in html
    assert reverse("clinic:search") in html


def test_the_search_page_finds_a_specialty_and_names_a_bad_value(
    alice: User,
    physiatrist: Clinician,
    consultation: AppointmentType,
) -> None:
    alice_client = client_for(alice)
    found = alice_client.get(reverse("clinic:search"), {"specialty": "physiatrist", "days": 14})
    assert first_offered(found)["clinician"] == str(physiatrist.pk)
    bad = alice_client.get(reverse("clinic:search"), {"specialty": "astrologer", "days": 500})
    html = bad.content.decode()
    assert "astrologer is not one of the available choices" in html
    assert "less than or equal to 90" in html


def test_the_clinician_sees_why_on_the_appointment_page_and_the_patient_does_not(
    soon: AssessmentRecord,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    booked = actions.book(
        patient=soon.patient,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        assessment=soon,
        starts_at=first_slot(physiatrist, consultation),
    )
    because = soon.assessment["consult"]["because"][:30]
    url = reverse("clinic:appointment", args=[booked.pk])
    assert physiatrist.user is not None
    staff_page = client_for(physiatrist.user).get(url).content.decode()
    assert because in staff_page
    assert reverse("records:review", args=[soon.pk]) in staff_page
    assert 'class="why"' not in client_for(soon.patient).get(url).content.decode()


def test_the_search_narrows_to_one_clinician(
    alice: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    other = setup.create_clinician(name="Dr. Other", specialty="physiatrist", credentials="MD")
    setup.add_working_hours(
        clinician=other,
        location=location,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        starts=dt.time(0),
        ends=dt.time(23, 45),
    )
    query = {"specialty": "physiatrist", "days": 14, "location": location.pk}
    other_input = f'name="clinician" value="{other.pk}"'
    anyone = client_for(alice).get(reverse("clinic:search"), query)
    assert other_input in anyone.content.decode()
    only = client_for(alice).get(reverse("clinic:search"), {**query, "clinician": physiatrist.pk})
    assert other_input not in only.content.decode()
    assert first_offered(only)["clinician"] == str(physiatrist.pk)
