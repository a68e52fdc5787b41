"""Los Angeles changes its clocks on 8 March 2026 (02:00 -> 03:00) and 1 November 2026
(02:00 -> 01:00). Wall-clock working hours keep their slots; every slot lasts its real
length; the .ics says the same times when parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import itertools

import icalendar
import pytest

from upperback.web.accounts.models import User
from upperback.web.clinic import actions, setup
from upperback.web.clinic.ics import appointment_ics
from upperback.web.clinic.models import AppointmentType, Clinician, Location
from upperback.web.clinic.slots import find_slots

from .conftest import LA, la

pytestmark = pytest.mark.django_db

SPRING_FORWARD = dt.date(2026, 3, 8)  # a Sunday
FALL_BACK = dt.date(2026, 11, 1)  # a Sunday
BEFORE_2026 = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)


@pytest.fixture
def sunday_clinician(location: Location) -> Clinician:
    clinician = setup.create_clinician(name="Dr. Night", specialty="physiatrist", credentials="MD")
    setup.add_working_hours(
        clinician=clinician, location=location, weekdays=[6], starts=dt.time(8), ends=dt.time(12)
    )
    return clinician


def slots_on(day: dt.date, kind: AppointmentType) -> list[dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=LA)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LA)
    return [
        s.starts_at
        for s in find_slots(appointment_type=kind, start=start, end=end, now=BEFORE_2026)
    ]


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK], ids=["march", "november"])
def test_daytime_hours_keep_every_slot_on_the_change_days(
    day: dt.date, sunday_clinician: Clinician, follow_up: AppointmentType
) -> None:
    slots = slots_on(day, follow_up)
    wall = [(s.astimezone(LA).hour, s.astimezone(LA).minute) for s in slots]
    assert wall == [(h, m) for h in range(8, 12) for m in (0, 30)]
    assert len(set(slots)) == len(slots) == 8


def test_march_offsets_are_daylight_time(
    sunday_clinician: Clinician, follow_up: AppointmentType
) -> None:
    first = slots_on(SPRING_FORWARD, follow_up)[0]
    assert first == dt.datetime(2026, 3, 8, 15, 0, tzinfo=dt.UTC)  # 08:00 PDT (UTC-7)


def test_november_offsets_are_standard_time(
    sunday_clinician: Clinician, follow_up: AppointmentType
) -> None:
    first = slots_on(FALL_BACK, follow_up)[0]
    assert first == dt.datetime(2026, 11, 1, 16, 0, tzinfo=dt.UTC)  # 08:00 PST (UTC-8)


@pytest.fixture
def overnight_clinician(location: Location) -> Clinician:
    """Hours across the change itself, 01:00-04:00 wall clock, every Sunday."""
    clinician = setup.create_clinician(name="Dr. Owl", specialty="physiatrist", credentials="MD")
    setup.add_working_hours(
        clinician=clinician, location=location, weekdays=[6], starts=dt.time(1), ends=dt.time(4)
    )
    return clinician


def test_march_skips_the_hour_that_does_not_exist(
    overnight_clinician: Clinician, follow_up: AppointmentType
) -> None:
    slots = slots_on(SPRING_FORWARD, follow_up)
    # 01:00-04:00 on the wall is two real hours: four half-hour slots, none at 02:xx.
    assert [s.astimezone(LA).strftime("%H:%M") for s in slots] == [
        "01:00",
        "01:30",
        "03:00",
        "03:30",
    ]
    assert all(b - a == dt.timedelta(minutes=30) for a, b in itertools.pairwise(slots))


def test_november_offers_the_repeated_hour_once_each_without_doubling(
    overnight_clinician: Clinician, follow_up: AppointmentType
) -> None:
    slots = slots_on(FALL_BACK, follow_up)
    # 01:00 PDT to 04:00 PST is four real hours: eight distinct half-hour slots.
    assert len(slots) == len(set(slots)) == 8
    assert all(b - a == dt.timedelta(minutes=30) for a, b in itertools.pairwise(slots))
    labels = [s.astimezone(LA).strftime("%H:%M %Z") for s in slots]
    assert labels[:4] == ["01:00 PDT", "01:30 PDT", "01:00 PST", "01:30 PST"]


@pytest.mark.parametrize(
    ("day", "utc_hour"), [(SPRING_FORWARD, 16), (FALL_BACK, 17)], ids=["march", "november"]
)
def test_the_ics_parsed_back_gives_the_booked_time(
    day: dt.date,
    utc_hour: int,
    sunday_clinician: Clinician,
    location: Location,
    consultation: AppointmentType,
    alice: User,
) -> None:
    starts_at = la(day.year, day.month, day.day, 9)
    appointment = actions.book(
        patient=alice,
        clinician=sunday_clinician,
        location=location,
        appointment_type=consultation,
        starts_at=starts_at,
        now=BEFORE_2026,
    )
    event = icalendar.Calendar.from_ical(appointment_ics(appointment)).events[0]
    start, end = event.start, event.end
    assert start == dt.datetime(day.year, day.month, day.day, utc_hour, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=1)
    assert start.astimezone(LA).hour == 9
    assert str(event["DTSTART"].params["TZID"]) == "America/Los_Angeles"
