"""The day-before reminder: exactly one per appointment, none when cancelled, even when the
database worker (`manage.py worker`) runs twice over the same queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from upperback.web.accounts.models import User
from upperback.web.clinic import actions
from upperback.web.clinic.models import Appointment, AppointmentType, Clinician, Location
from upperback.web.clinic.tasks import send_reminder

from .conftest import la

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_bookings(
    alice: User,
    bob: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
    django_capture_on_commit_callbacks: Any,
) -> tuple[Appointment, Appointment]:
    with django_capture_on_commit_callbacks(execute=True):
        kept = actions.book(
            patient=alice,
            clinician=physiatrist,
            location=location,
            appointment_type=consultation,
            starts_at=la(2030, 6, 3, 10),
        )
        dropped = actions.book(
            patient=bob,
            clinician=physiatrist,
            location=location,
            appointment_type=consultation,
            starts_at=la(2030, 6, 3, 11),
        )
    actions.cancel(appointment=dropped)
    return kept, dropped


def run_worker() -> None:
    call_command("worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def reminders(mail: list[Any]) -> list[Any]:
    return [m for m in mail if m.subject.startswith("Reminder")]


def test_each_booking_queues_a_reminder_for_a_day_before(
    two_bookings: tuple[Appointment, Appointment],
) -> None:
    queued = DBTaskResult.objects.filter(task_path__endswith=".send_reminder")
    run_after = sorted(queued.values_list("run_after", flat=True))
    assert run_after == [la(2030, 6, 2, 10), la(2030, 6, 2, 11)]


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock itself
def test_one_reminder_for_the_kept_booking_none_for_the_cancelled_even_run_twice(
    two_bookings: tuple[Appointment, Appointment],
    mailoutbox: list[Any],
) -> None:
    kept, _ = two_bookings
    # A duplicate in the queue too (a retried enqueue): still one reminder.
    send_reminder.enqueue(kept.pk)
    # The day before has come: make the queued reminders due now.
    DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(minutes=1))
    run_worker()
    run_worker()
    assert [m.to for m in reminders(mailoutbox)] == [["alice@example.com"]]
    assert Appointment.objects.get(pk=kept.pk).reminder_sent_at is not None
    # The worker ran every queued task (two reminders for Alice, one for Bob, and both
    # confirmations) and each finished.
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 5


def test_the_task_run_again_for_the_same_appointment_sends_nothing(
    two_bookings: tuple[Appointment, Appointment],
    mailoutbox: list[Any],
) -> None:
    kept, dropped = two_bookings
    results = [send_reminder.call(kept.pk) for _ in range(3)]
    assert results == [True, False, False]
    assert send_reminder.call(dropped.pk) is False
    assert len(reminders(mailoutbox)) == 1


def test_no_reminder_is_queued_for_a_booking_less_than_a_day_ahead(
    alice: User,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.book(
            patient=alice,
            clinician=physiatrist,
            location=location,
            appointment_type=consultation,
            starts_at=la(2030, 6, 3, 10),
            now=la(2030, 6, 3, 8),
        )
    assert not DBTaskResult.objects.filter(task_path__endswith=".send_reminder").exists()
