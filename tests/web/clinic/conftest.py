"""The clinic's cast: one location in Los Angeles, a physiatrist, a physical therapist,
Alice the patient, Bob another patient. Built through the setup and booking actions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from upperback.web.accounts.models import Role, User
from upperback.web.clinic import setup
from upperback.web.clinic.models import AppointmentType, Clinician, Location

LA = ZoneInfo("America/Los_Angeles")
WEEKDAYS = [0, 1, 2, 3, 4]


def make_user(email: str, role: str = Role.PATIENT, password: str | None = None) -> User:
    """No password unless a test logs in: Argon2 hashing is slow by design."""
    return User.objects.create_user(email=email, password=password, role=role)


@pytest.fixture
def location(db: None) -> Location:
    return setup.create_location(
        name="Test Spine Clinic",
        address="1 Main St, Santa Monica",
        time_zone="America/Los_Angeles",
        phone="+1 310 555 0100",
    )


@pytest.fixture
def consultation(db: None) -> AppointmentType:
    return setup.create_appointment_type(
        code="consult",
        name="New spine consultation",
        duration_minutes=60,
        specialties=["physiatrist", "spine_surgeon"],
    )


@pytest.fixture
def follow_up(db: None) -> AppointmentType:
    return setup.create_appointment_type(
        code="follow-up",
        name="Follow-up",
        duration_minutes=30,
        specialties=["physiatrist", "physical_therapist"],
        is_first_visit=False,
    )


@pytest.fixture
def physiatrist(location: Location) -> Clinician:
    user = make_user("shah@clinic.example", Role.CLINICIAN)
    clinician = setup.create_clinician(
        name="Dr. Priya Shah", specialty="physiatrist", credentials="DO, ABPMR", user=user
    )
    setup.add_working_hours(
        clinician=clinician,
        location=location,
        weekdays=WEEKDAYS,
        starts=dt.time(8),
        ends=dt.time(17),
    )
    return clinician


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice@example.com")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob@example.com")


def la(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Los Angeles (fold=0)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LA)


# A Monday well in the future, away from any clock change.
MONDAY = dt.date(2030, 6, 3)
EARLY = la(2030, 5, 1, 0)


def run_due_tasks() -> list[object]:
    """Run the queued tasks that are due, in this thread and transaction (the emails'
    outbox); the real worker is exercised by test_outbox_crash.py and test_reminders.py."""
    from django_tasks_db.models import DBTaskResult

    due = DBTaskResult.objects.ready().order_by("enqueued_at")
    return [row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]) for row in due]
