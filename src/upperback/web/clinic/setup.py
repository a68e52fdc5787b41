"""Writes that set the clinic up (the admin and the demo loader use these; so do tests)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from upperback.web.accounts.models import User

from .models import AppointmentType, Clinician, Closure, Location, TimeOff, WorkingHours


@transaction.atomic
def create_location(
    *,
    name: str,
    address: str,
    time_zone: str,
    phone: str,
    emergency_number: str = "911",
    cancellation_window_hours: int = 24,
) -> Location:
    location = Location(
        name=name,
        address=address,
        time_zone=time_zone,
        phone=phone,
        emergency_number=emergency_number,
        cancellation_window_hours=cancellation_window_hours,
    )
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def create_clinician(
    *, name: str, specialty: str, credentials: str, user: User | None = None, bio: str = ""
) -> Clinician:
    clinician = Clinician(
        name=name, specialty=specialty, credentials=credentials, user=user, bio=bio
    )
    clinician.full_clean()
    clinician.save()
    return clinician


@transaction.atomic
def create_appointment_type(
    *,
    code: str,
    name: str,
    duration_minutes: int,
    specialties: list[str],
    is_first_visit: bool = True,
) -> AppointmentType:
    kind = AppointmentType(
        code=code,
        name=name,
        duration_minutes=duration_minutes,
        specialties=specialties,
        is_first_visit=is_first_visit,
    )
    kind.full_clean()
    kind.save()
    return kind


@transaction.atomic
def add_working_hours(
    *, clinician: Clinician, location: Location, weekdays: list[int], starts: dt.time, ends: dt.time
) -> list[WorkingHours]:
    blocks = [
        WorkingHours(clinician=clinician, location=location, weekday=day, starts=starts, ends=ends)
        for day in weekdays
    ]
    for block in blocks:
        block.full_clean()
        block.save()
    return blocks


@transaction.atomic
def add_time_off(
    *, clinician: Clinician, starts_at: dt.datetime, ends_at: dt.datetime, reason: str = ""
) -> TimeOff:
    if ends_at <= starts_at:
        raise ValidationError("Time off must end after it starts.")
    return TimeOff.objects.create(
        clinician=clinician, starts_at=starts_at, ends_at=ends_at, reason=reason
    )


@transaction.atomic
def set_cancellation_window(*, location: Location, hours: int) -> Location:
    """How long before the start patients may still cancel or move online."""
    if hours < 0:
        raise ValidationError("The cancellation window cannot be negative.")
    location.cancellation_window_hours = hours
    location.save(update_fields=["cancellation_window_hours"])
    return location


@transaction.atomic
def add_closure(*, location: Location, date: dt.date, name: str) -> Closure:
    """A day the location is closed (a holiday): slot search offers no time on it."""
    closure = Closure(location=location, date=date, name=name)
    closure.full_clean()
    closure.save()
    return closure
