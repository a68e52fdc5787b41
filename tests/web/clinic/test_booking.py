"""Booking, cancelling, rescheduling and attendance, through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from upperback.web.accounts.models import User
from upperback.web.clinic import actions
from upperback.web.clinic.messages import CONFIRMATION
from upperback.web.clinic.models import (
    Appointment,
    AppointmentType,
    Clinician,
    Location,
    OccupiedCell,
    Status,
)
from upperback.web.clinic.tasks import send_appointment_email

from .conftest import EARLY, la, run_due_tasks

pytestmark = pytest.mark.django_db

TEN = la(2030, 6, 3, 10)


@pytest.fixture
def booked(
    alice: User, physiatrist: Clinician, location: Location, consultation: AppointmentType
) -> Appointment:
    return actions.book(
        patient=alice,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=TEN,
        now=EARLY,
    )


def book(
    patient: User,
    clinician: Clinician,
    location: Location,
    kind: AppointmentType,
    when: dt.datetime,
    **extra: Any,
) -> Appointment:
    return actions.book(
        patient=patient,
        clinician=clinician,
        location=location,
        appointment_type=kind,
        starts_at=when,
        now=EARLY,
        **extra,
    )


def test_an_overlapping_booking_of_another_length_is_refused(
    booked: Appointment,
    bob: User,
    physiatrist: Clinician,
    location: Location,
    follow_up: AppointmentType,
) -> None:
    with pytest.raises(actions.SlotTaken, match="just taken"):
        book(bob, physiatrist, location, follow_up, la(2030, 6, 3, 10, 30))


def test_the_database_refuses_an_overlapping_cell_on_its_own(
    booked: Appointment,
    bob: User,
    physiatrist: Clinician,
    location: Location,
    follow_up: AppointmentType,
) -> None:
    intruder = Appointment.objects.create(
        patient=bob,
        clinician=physiatrist,
        location=location,
        appointment_type=follow_up,
        starts_at=la(2030, 6, 3, 10, 30),
        ends_at=la(2030, 6, 3, 11),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        OccupiedCell.objects.create(
            clinician=physiatrist, appointment=intruder, starts_at=la(2030, 6, 3, 10, 30)
        )


def test_a_time_outside_working_hours_is_not_bookable(
    alice: User, physiatrist: Clinician, location: Location, consultation: AppointmentType
) -> None:
    with pytest.raises(actions.BookingError):
        book(alice, physiatrist, location, consultation, la(2030, 6, 3, 19))
    assert not Appointment.objects.exists()


def test_cancelling_frees_the_time_for_someone_else(
    booked: Appointment,
    bob: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    actions.cancel(appointment=booked, now=EARLY)
    again = book(bob, physiatrist, location, consultation, TEN)
    assert again.status == Status.BOOKED
    assert Appointment.objects.get(pk=booked.pk).status == Status.CANCELLED


def test_patients_cannot_cancel_inside_the_window_but_the_clinic_can(
    booked: Appointment,
) -> None:
    late = TEN - dt.timedelta(hours=23)
    with pytest.raises(actions.CancellationClosed, match="24 hours"):
        actions.cancel(appointment=booked, now=late)
    cancelled = actions.cancel(
        appointment=booked, by_clinic=True, reason="The clinic is closed.", now=late
    )
    assert cancelled.status == Status.CANCELLED


def test_rescheduling_moves_the_appointment_and_frees_the_old_time(
    booked: Appointment,
    bob: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    moved = actions.reschedule(appointment=booked, starts_at=la(2030, 6, 3, 14), now=EARLY)
    assert moved.rescheduled_from_id == booked.pk
    assert Appointment.objects.get(pk=booked.pk).status == Status.RESCHEDULED
    assert book(bob, physiatrist, location, consultation, TEN).status == Status.BOOKED


def test_rescheduling_into_a_taken_time_keeps_the_old_appointment(
    booked: Appointment,
    bob: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    book(bob, physiatrist, location, consultation, la(2030, 6, 3, 14))
    with pytest.raises(actions.SlotTaken):
        actions.reschedule(appointment=booked, starts_at=la(2030, 6, 3, 14), now=EARLY)
    assert Appointment.objects.get(pk=booked.pk).status == Status.BOOKED
    assert booked.cells.count() == 4


def test_rescheduling_to_the_next_hour_holds_exactly_the_new_cells(
    booked: Appointment,
) -> None:
    moved = actions.reschedule(appointment=booked, starts_at=la(2030, 6, 3, 11), now=EARLY)
    assert sorted(moved.cells.values_list("starts_at", flat=True)) == [
        la(2030, 6, 3, 11, m) for m in (0, 15, 30, 45)
    ]
    assert OccupiedCell.objects.count() == 4


def test_attendance_is_recorded_only_once_the_appointment_began(booked: Appointment) -> None:
    with pytest.raises(actions.NotBookable):
        actions.mark_attendance(appointment=booked, status=Status.COMPLETED, now=EARLY)
    done = actions.mark_attendance(
        appointment=booked, status=Status.NO_SHOW, now=TEN + dt.timedelta(minutes=20)
    )
    assert done.status == Status.NO_SHOW


def test_the_confirmation_email_carries_the_ics(
    alice: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
    mailoutbox: list[Any],
) -> None:
    appointment = book(alice, physiatrist, location, consultation, TEN)
    assert mailoutbox == []  # queued with the booking; the worker sends it
    assert run_due_tasks() == [True]
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    name, content, mimetype = mailoutbox[0].attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).events[0]
    assert event.start == appointment.starts_at
    assert "+1 310 555 0100" in mailoutbox[0].body
    assert mailoutbox[0].extra_headers["Message-ID"] == (
        f"<appointment-{appointment.pk}-confirmation@upperback.example>"
    )
    assert Appointment.objects.get(pk=appointment.pk).confirmation_sent_at is not None
    assert run_due_tasks() == [False]  # run again (a retry, a duplicate): nothing more sent
    assert len(mailoutbox) == 1


def test_the_email_task_is_queued_in_the_bookings_transaction(
    alice: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    """The outbox: a booking rolled back takes its email task with it."""

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        book(alice, physiatrist, location, consultation, TEN)
        assert DBTaskResult.objects.filter(task_path__endswith="send_appointment_email").exists()
        raise Crash
    assert not Appointment.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_failing_mail_server_does_not_undo_the_booking_and_the_send_is_retried(
    alice: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
    mailoutbox: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def server_down(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("mail server down")

    appointment = book(alice, physiatrist, location, consultation, TEN)
    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", server_down)
        with pytest.raises(ConnectionRefusedError):
            send_appointment_email.call(appointment.pk, CONFIRMATION)
    stored = Appointment.objects.get(pk=appointment.pk)
    assert stored.status == Status.BOOKED and stored.confirmation_sent_at is None
    retry = DBTaskResult.objects.get(args_kwargs__kwargs__attempt=2)
    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["args"] == [appointment.pk, CONFIRMATION]
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    # The mail server is back; the first task (still queued here: no worker ran it) and its
    # retry both run: one sends, the other finds it sent.
    assert sorted(run_due_tasks()) == [False, True]
    assert len(mailoutbox) == 1
