"""The search page's day chooser: a week of the window at a time, each day's count equal to
its free times, the chosen day's times from every clinician, and a booked time gone."""

from __future__ import annotations

import datetime as dt

import pytest

from upperback.web.clinic import actions, setup
from upperback.web.clinic.chooser import PAGE_DAYS, Week, Window, week
from upperback.web.clinic.models import AppointmentType, Clinician, Location
from upperback.web.clinic.offers import recommendation

from .conftest import EARLY, LA, MONDAY, WEEKDAYS, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_physiatrists(physiatrist: Clinician, location: Location) -> list[Clinician]:
    other = setup.create_clinician(name="Dr. Other", specialty="physiatrist", credentials="MD")
    setup.add_working_hours(
        clinician=other, location=location, weekdays=WEEKDAYS, starts=dt.time(13), ends=dt.time(15)
    )
    return [physiatrist, other]


def a_week(consultation: AppointmentType, page: int = 0, day: dt.date | None = None) -> Week:
    return week(
        visit_type=consultation,
        specialty="physiatrist",
        window=Window(MONDAY, 14, LA),
        page=page,
        day=day,
        now=EARLY,
    )


def test_each_day_counts_its_free_times_and_the_chosen_day_lists_every_clinician(
    two_physiatrists: list[Clinician], consultation: AppointmentType
) -> None:
    found = a_week(consultation, day=MONDAY + dt.timedelta(days=1))
    assert [d.date for d in found.days] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    assert [d.count for d in found.days] == [11, 11, 11, 11, 11, 0, 0]  # 9 + 2 hours a weekday
    assert found.chosen == MONDAY + dt.timedelta(days=1)
    names = [group["clinician"].name for group in found.groups]
    assert names == ["Dr. Other", "Dr. Priya Shah"]
    assert sum(len(group["slots"]) for group in found.groups) == 11
    assert not found.has_earlier and found.has_later_in_window


def test_a_full_or_unknown_day_falls_back_to_the_first_day_with_free_time(
    physiatrist: Clinician, consultation: AppointmentType
) -> None:
    saturday = MONDAY + dt.timedelta(days=5)
    assert a_week(consultation, day=saturday).chosen == MONDAY
    second = a_week(consultation, page=1)
    assert second.days[0].date == MONDAY + dt.timedelta(days=PAGE_DAYS)
    assert second.has_earlier and not second.has_later_in_window
    assert a_week(consultation, page=99).page == 1  # clamped to the window


def test_a_booked_time_is_no_longer_offered(
    physiatrist: Clinician, location: Location, consultation: AppointmentType
) -> None:
    first = a_week(consultation).groups[0]["slots"][0]["slot"]
    actions.book(
        patient=make_user("carol@example.com"),
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=first.starts_at,
        now=EARLY,
    )
    again = a_week(consultation)
    assert again.days[0].count == 8
    assert first.starts_at not in [s["slot"].starts_at for s in again.groups[0]["slots"]]


def test_the_recommendation_follows_the_triage_and_names_only_bookable_specialties() -> None:
    consult = {"specialty": "physical_therapist", "within_days": 28}
    assert recommendation("routine", consult) == ("physical_therapist", 28)
    assert recommendation("urgent", consult) == ("physical_therapist", 1)
    assert recommendation("soon", {"specialty": "emergency_department"}) == (None, 14)
    assert recommendation("self_care", {}) == (None, 14)
