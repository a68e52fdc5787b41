"""A date the calendar cannot hold (year 1 or 9999, where a day's step or a week's Monday
leaves the range) is the asker's mistake: a 400 naming the parameter, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from upperback.web.clinic.models import AppointmentType, Clinician, Location

pytestmark = pytest.mark.django_db

EDGES = ["9999-12-31", "0001-01-01", "9999-12-30"]


def _staff(physiatrist: Clinician) -> Client:
    client = Client()
    assert physiatrist.user is not None
    client.force_login(physiatrist.user)
    return client


@pytest.mark.parametrize("view", ["day", "week"])
@pytest.mark.parametrize("date", EDGES)
def test_the_calendar_refuses_a_date_at_the_ends_of_the_range(
    physiatrist: Clinician, date: str, view: str
) -> None:
    response = _staff(physiatrist).get(reverse("clinic:calendar"), {"date": date, "view": view})
    assert response.status_code == 400
    assert "date" in response.content.decode()


def test_the_calendar_still_shows_an_ordinary_day(physiatrist: Clinician) -> None:
    response = _staff(physiatrist).get(reverse("clinic:calendar"), {"date": "2030-06-03"})
    assert response.status_code == 200


@pytest.mark.parametrize("date", EDGES)
def test_the_search_answers_a_date_at_the_ends_of_the_range_without_a_server_error(
    physiatrist: Clinician, location: Location, consultation: AppointmentType, date: str
) -> None:
    client = _staff(physiatrist)
    query = {"specialty": "physiatrist", "date_from": date, "days": "90", "page": "99"}
    response = client.get(reverse("clinic:search"), {**query, "day": date})
    assert response.status_code in (200, 400)
