"""Slot search: working hours minus time off minus booked appointments."""

from __future__ import annotations

import datetime as dt

import pytest

from upperback.web.clinic import actions, setup
from upperback.web.clinic.models import AppointmentType, Clinician, Location
from upperback.web.clinic.slots import find_slots

from .conftest import EARLY, LA, MONDAY, la

pytestmark = pytest.mark.django_db


def day_slots(kind: AppointmentType, day: dt.date, **filters: object) -> list[dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=LA)
    found = find_slots(
        appointment_type=kind, start=start, end=start + dt.timedelta(days=1), now=EARLY, **filters
    )  # type: ignore[arg-type]
    return [slot.starts_at.astimezone(LA) for slot in found]


def test_a_working_day_is_tiled_by_the_appointment_length(
    physiatrist: Clinician, consultation: AppointmentType
) -> None:
    slots = day_slots(consultation, MONDAY)
    assert [s.hour for s in slots] == list(range(8, 17))


def test_no_slots_on_a_day_off(physiatrist: Clinician, consultation: AppointmentType) -> None:
    saturday = MONDAY + dt.timedelta(days=5)
    assert day_slots(consultation, saturday) == []


def test_time_off_removes_the_slots_it_overlaps(
    physiatrist: Clinician, consultation: AppointmentType
) -> None:
    setup.add_time_off(
        clinician=physiatrist, starts_at=la(2030, 6, 3, 12, 30), ends_at=la(2030, 6, 3, 14)
    )
    hours = [s.hour for s in day_slots(consultation, MONDAY)]
    assert 12 not in hours and 13 not in hours
    assert 11 in hours and 14 in hours


def test_a_booked_appointment_removes_every_slot_it_overlaps(
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
    follow_up: AppointmentType,
    alice: object,
) -> None:
    actions.book(
        patient=alice,
        clinician=physiatrist,
        location=location,  # type: ignore[arg-type]
        appointment_type=consultation,
        starts_at=la(2030, 6, 3, 10),
        now=EARLY,
    )
    follow_ups = [(s.hour, s.minute) for s in day_slots(follow_up, MONDAY)]
    assert (10, 0) not in follow_ups and (10, 30) not in follow_ups
    assert (9, 30) in follow_ups and (11, 0) in follow_ups


def test_only_the_requested_specialty_is_offered(
    physiatrist: Clinician, location: Location, follow_up: AppointmentType
) -> None:
    therapist = setup.create_clinician(
        name="Sam Lee", specialty="physical_therapist", credentials="PT, DPT"
    )
    setup.add_working_hours(
        clinician=therapist, location=location, weekdays=[0], starts=dt.time(9), ends=dt.time(10)
    )
    start = dt.datetime.combine(MONDAY, dt.time(0), tzinfo=LA)
    found = find_slots(
        appointment_type=follow_up,
        specialty="physical_therapist",
        start=start,
        end=start + dt.timedelta(days=1),
        now=EARLY,
    )
    assert {slot.clinician_id for slot in found} == {therapist.pk}
    assert len(found) == 2


def test_slots_in_the_past_are_not_offered(
    physiatrist: Clinician, consultation: AppointmentType
) -> None:
    start = dt.datetime.combine(MONDAY, dt.time(0), tzinfo=LA)
    found = find_slots(
        appointment_type=consultation,
        start=start,
        end=start + dt.timedelta(days=1),
        now=la(2030, 6, 3, 12, 10),
    )
    assert [s.starts_at.astimezone(LA).hour for s in found] == [13, 14, 15, 16]
