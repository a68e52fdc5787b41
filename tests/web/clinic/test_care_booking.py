"""What may be booked comes from the patient's care now (issue 19): an emergency reaches only
the call-911 page and the server refuses a booking; urgent care books only the next 24 hours;
the calendar row shows each booking's triage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from upperback.web.accounts.models import User
from upperback.web.clinic import actions
from upperback.web.clinic.models import Appointment, AppointmentType, Clinician, Location
from upperback.web.clinic.slots import find_slots

from .test_views import client_for, record_for

pytestmark = pytest.mark.django_db


def _emergency(patient: User, desk_worker: dict[str, Any]) -> Any:
    record = record_for(patient, desk_worker, symptoms=["chest_pain_or_pressure"])
    assert record.triage == "emergency"
    return record


def _a_free_time(physiatrist: Clinician, consultation: AppointmentType, days: int) -> Any:
    now = timezone.now()
    slots = find_slots(
        appointment_type=consultation,
        clinician_id=physiatrist.pk,
        location=Location.objects.get(),
        start=now + dt.timedelta(days=days),
        end=now + dt.timedelta(days=days + 7),
        now=now,
    )
    assert slots, "the fixture clinician has free times"
    return slots[0].starts_at


def test_an_emergency_reaches_only_the_call_911_page_from_the_slot_search(
    alice: User, physiatrist: Clinician, consultation: AppointmentType, desk_worker: dict[str, Any]
) -> None:
    record = _emergency(alice, desk_worker)
    client = client_for(alice)
    for url in (
        reverse("clinic:search"),
        f"{reverse('clinic:search')}?assessment={record.pk}",
        f"{reverse('clinic:search')}?specialty=physiatrist&days=14",
        reverse("clinic:book_for_assessment", args=[record.pk]),
    ):
        html = client.get(url).content.decode()
        assert 'href="tel:911"' in html, url
        assert 'name="starts_at"' not in html, f"{url} offers a time"


def test_the_server_refuses_an_emergency_patients_booking(
    alice: User,
    physiatrist: Clinician,
    consultation: AppointmentType,
    location: Location,
    desk_worker: dict[str, Any],
) -> None:
    record = _emergency(alice, desk_worker)
    starts = _a_free_time(physiatrist, consultation, 1)
    response = client_for(alice).post(
        reverse("clinic:book"),
        {
            "clinician": physiatrist.pk,
            "location": location.pk,
            "appointment_type": consultation.pk,
            "starts_at": starts.isoformat(),
            "assessment": record.pk,
        },
    )
    assert response.status_code == 409
    assert "911" in response.content.decode()
    assert not Appointment.objects.exists()
    with pytest.raises(actions.NotBookable):
        actions.book(
            patient=alice,
            clinician=physiatrist,
            location=location,
            appointment_type=consultation,
            starts_at=starts,
        )


def test_urgent_care_books_only_the_next_24_hours(
    alice: User,
    physiatrist: Clinician,
    consultation: AppointmentType,
    location: Location,
    desk_worker: dict[str, Any],
) -> None:
    record = record_for(alice, desk_worker, symptoms=["arm_numbness"])
    staff = User.objects.create_user(email="lead@clinic.example", role="clinician")
    from upperback.web.records import actions as records

    records.override_assessment(record=record, author=staff, new_triage="urgent", reason="worse")
    later = _a_free_time(physiatrist, consultation, 3)
    with pytest.raises(actions.NotBookable, match="24 hours"):
        actions.book(
            patient=alice,
            clinician=physiatrist,
            location=location,
            appointment_type=consultation,
            starts_at=later,
        )


def test_the_calendar_shows_each_bookings_triage(
    alice: User,
    physiatrist: Clinician,
    consultation: AppointmentType,
    location: Location,
    desk_worker: dict[str, Any],
) -> None:
    record_for(alice, desk_worker, symptoms=["arm_numbness"])
    starts = _a_free_time(physiatrist, consultation, 1)
    actions.book(  # from the slot search: no assessment named, the care still known
        patient=alice,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=starts,
    )
    day = starts.astimezone(location.zone).date().isoformat()
    html = client_for(physiatrist.user).get(f"{reverse('clinic:calendar')}?date={day}").content
    assert b"Soon" in html
