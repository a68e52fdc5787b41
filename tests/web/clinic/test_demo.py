"""The demo clinic loads, and loading it twice changes nothing."""

from __future__ import annotations

import pytest

from upperback.web.clinic.demo import load_demo_clinic
from upperback.web.clinic.models import (
    AppointmentType,
    Clinician,
    Location,
    Specialty,
    WorkingHours,
)

pytestmark = pytest.mark.django_db


def test_the_demo_clinic_is_in_santa_monica_with_911_for_emergencies() -> None:
    location = load_demo_clinic()
    assert location.name == "Upperback Spine Clinic"
    assert "Santa Monica" in location.address
    assert location.time_zone == "America/Los_Angeles"
    assert location.emergency_number == "911"
    assert location.phone


def test_the_demo_clinic_has_every_kind_of_clinician_with_credentials() -> None:
    load_demo_clinic()
    specialties = set(Clinician.objects.values_list("specialty", flat=True))
    assert {
        Specialty.SPINE_SURGEON,
        Specialty.PHYSIATRIST,
        Specialty.PHYSICAL_THERAPIST,
        Specialty.CHIROPRACTOR,
        Specialty.MASSAGE_THERAPIST,
        Specialty.ACUPUNCTURIST,
    } <= specialties
    assert all(
        c.credentials and c.user and c.user.role == "clinician" for c in Clinician.objects.all()
    )


def test_loading_the_demo_clinic_twice_creates_nothing_new() -> None:
    load_demo_clinic()
    models = (Location, Clinician, AppointmentType, WorkingHours)
    counts = [m.objects.count() for m in models]
    load_demo_clinic()
    assert [m.objects.count() for m in models] == counts


def test_the_demo_clinician_login_gets_a_calendar() -> None:
    from upperback.web.demo_accounts import DEMO_CLINICIAN
    from upperback.web.records import actions

    user = actions.create_clinician(email=DEMO_CLINICIAN, password="a long demo password")
    load_demo_clinic()
    load_demo_clinic()
    profile = Clinician.objects.get(user=user)
    assert profile.specialty == Specialty.PHYSIATRIST
    assert profile.hours.count() == 5
