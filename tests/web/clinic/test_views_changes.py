"""Moving an appointment from its page, attendance from the calendar, the feed's secret."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from upperback.web.accounts.models import User
from upperback.web.clinic import actions
from upperback.web.clinic.models import Appointment, AppointmentType, Clinician, Location, Status
from upperback.web.clinic.slots import find_slots

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def free_slots(clinician: Clinician, kind: AppointmentType, after_days: int) -> list[dt.datetime]:
    start = timezone.now() + dt.timedelta(days=after_days)
    return [
        s.starts_at
        for s in find_slots(
            appointment_type=kind,
            clinician_id=clinician.pk,
            start=start,
            end=start + dt.timedelta(days=14),
        )
    ]


@pytest.fixture
def booking(
    alice: User, physiatrist: Clinician, location: Location, consultation: AppointmentType
) -> Appointment:
    return actions.book(
        patient=alice,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=free_slots(physiatrist, consultation, 3)[0],
    )


def test_the_patient_moves_an_appointment_from_its_page(
    booking: Appointment,
    physiatrist: Clinician,
    consultation: AppointmentType,
) -> None:
    alice = client_for(booking.patient)
    page = alice.get(reverse("clinic:reschedule", args=[booking.pk]))
    assert page.status_code == 200
    target = free_slots(physiatrist, consultation, 5)[0]
    response = alice.post(
        reverse("clinic:reschedule", args=[booking.pk]),
        {"clinician": physiatrist.pk, "starts_at": target.strftime("%Y-%m-%dT%H:%M:%S%z")},
    )
    moved = Appointment.objects.get(rescheduled_from=booking)
    assert response["Location"] == reverse("clinic:appointment", args=[moved.pk])
    assert moved.starts_at == target
    assert Appointment.objects.get(pk=booking.pk).status == Status.RESCHEDULED


def test_moving_into_a_taken_time_says_so_and_keeps_the_old_one(
    booking: Appointment,
    bob: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    target = free_slots(physiatrist, consultation, 5)[0]
    actions.book(
        patient=bob,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=target,
    )
    response = client_for(booking.patient).post(
        reverse("clinic:reschedule", args=[booking.pk]),
        {"clinician": physiatrist.pk, "starts_at": target.strftime("%Y-%m-%dT%H:%M:%S%z")},
    )
    assert response.status_code == 409
    assert "That time was just taken" in response.content.decode()
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED


def test_the_clinician_marks_a_past_appointment_completed(
    booking: Appointment,
    physiatrist: Clinician,
) -> None:
    assert physiatrist.user is not None
    staff = client_for(physiatrist.user)
    url = reverse("clinic:attendance", args=[booking.pk])
    staff.post(url, {"status": "completed"})
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED  # not begun yet
    Appointment.objects.filter(pk=booking.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1), ends_at=timezone.now()
    )
    staff.post(url, {"status": "completed"})
    assert Appointment.objects.get(pk=booking.pk).status == Status.COMPLETED


def test_a_patient_cannot_mark_attendance(booking: Appointment) -> None:
    response = client_for(booking.patient).post(
        reverse("clinic:attendance", args=[booking.pk]), {"status": "no_show"}
    )
    assert response.status_code == 404
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED


def test_a_new_feed_address_retires_the_old_one(
    booking: Appointment, physiatrist: Clinician
) -> None:
    assert physiatrist.user is not None
    old = physiatrist.feed_token
    staff = client_for(physiatrist.user)
    assert old in staff.get(reverse("clinic:feed_settings")).content.decode()
    staff.post(reverse("clinic:feed_settings"))
    assert Client().get(reverse("clinic:feed", args=[old])).status_code == 404
    new = Clinician.objects.get(pk=physiatrist.pk).feed_token
    assert Client().get(reverse("clinic:feed", args=[new])).status_code == 200
