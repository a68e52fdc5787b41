"""Races with real connections: many clients, one slot, exactly one winner.

Run on SQLite (a file, IMMEDIATE transactions) and on PostgreSQL (the suite's second pass,
tests/postgres_cluster.py). Each thread opens its own database connection.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from upperback.web.accounts.models import User
from upperback.web.clinic import actions
from upperback.web.clinic.models import (
    Appointment,
    AppointmentType,
    Clinician,
    Location,
    OccupiedCell,
    Status,
)

from .conftest import MONDAY, la, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TARGET = la(2030, 6, 5, 10)  # a Wednesday at 10:00


def race(clients: list[Callable[[], object]]) -> Counter[str]:
    """Start every client at once on its own thread and connection; count the outcomes."""
    barrier = threading.Barrier(len(clients))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(client: Callable[[], object]) -> None:
        try:
            barrier.wait()
            client()
            result = "ok"
        except actions.SlotTaken as refusal:
            result = str(refusal)
        except Exception as error:
            result = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def patients(count: int) -> list[User]:
    return [make_user(f"patient{n}@example.com") for n in range(count)]


def booking(
    patient: User, clinician: Clinician, location: Location, kind: AppointmentType
) -> Callable[[], object]:
    return lambda: actions.book(
        patient=patient,
        clinician=clinician,
        location=location,
        appointment_type=kind,
        starts_at=TARGET,
    )


TAKEN = str(actions.SlotTaken())


def test_fifty_clients_booking_one_slot_leave_one_appointment(
    physiatrist: Clinician, location: Location, consultation: AppointmentType
) -> None:
    outcomes = race([booking(p, physiatrist, location, consultation) for p in patients(50)])
    assert outcomes == Counter({"ok": 1, TAKEN: 49})
    assert Appointment.objects.filter(status=Status.BOOKED).count() == 1
    assert OccupiedCell.objects.count() == 4


def test_the_database_alone_refuses_the_overlap_when_every_client_passed_the_check(
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the friendly pre-check every client reaches the INSERT: only the constraint
    # (and on SQLite the write lock) stands between them and a double booking.
    monkeypatch.setattr(actions, "_check_offered", lambda **_: None)
    outcomes = race([booking(p, physiatrist, location, consultation) for p in patients(50)])
    assert outcomes == Counter({"ok": 1, TAKEN: 49})
    assert Appointment.objects.count() == 1


def test_twenty_clients_rescheduling_into_one_slot_move_exactly_one(
    physiatrist: Clinician, location: Location, follow_up: AppointmentType
) -> None:
    times = [la(2030, 6, d, h, m) for d in (3, 4) for h in range(8, 17) for m in (0, 30)][:20]
    originals = [
        actions.book(
            patient=p,
            clinician=physiatrist,
            location=location,
            appointment_type=follow_up,
            starts_at=when,
        )
        for p, when in zip(patients(20), times, strict=True)
    ]
    outcomes = race(
        [(lambda a=a: actions.reschedule(appointment=a, starts_at=TARGET)) for a in originals]
    )
    assert outcomes == Counter({"ok": 1, TAKEN: 19})
    assert Appointment.objects.filter(starts_at=TARGET, status=Status.BOOKED).count() == 1
    # The 19 losers keep their original time: the old slot was never released.
    assert Appointment.objects.filter(status=Status.BOOKED).count() == 20
    assert Appointment.objects.filter(status=Status.RESCHEDULED).count() == 1
    assert OccupiedCell.objects.count() == 20 * 2


def test_it_runs_on_the_database_the_environment_names() -> None:
    import os

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postg") else "sqlite"
    assert connection.vendor == expected
    assert MONDAY.weekday() == 0


def test_ten_workers_sending_one_reminder_at_once_send_it_once(
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
) -> None:
    from django.core import mail

    from upperback.web.clinic.tasks import send_reminder

    appointment = actions.book(
        patient=make_user("alice@example.com"),
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=TARGET,
    )
    mail.outbox.clear()
    sent: list[bool] = []
    outcomes = race([(lambda: sent.append(send_reminder.call(appointment.pk))) for _ in range(10)])
    assert outcomes == Counter({"ok": 10})  # every worker ran without error
    assert sorted(sent) == [False] * 9 + [True]
    assert [m.subject for m in mail.outbox] == ["Reminder: your appointment tomorrow"]
