"""iCalendar files: one appointment for the patient, a clinician's whole feed.

Times are written in the location's zone with its VTIMEZONE, so calendar programs show the
clinic's wall-clock time and convert correctly on either side of a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from .models import Appointment, Status

PRODID = "-//Upperback//Consultations//EN"


def _event(appointment: Appointment, *, for_clinician: bool) -> icalendar.Event:
    zone = appointment.location.zone
    event = icalendar.Event()
    event.add("uid", f"appointment-{appointment.pk}@upperback.example")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    if for_clinician:
        who = appointment.patient.get_full_name() or appointment.patient.email
        event.add("summary", f"{appointment.appointment_type.name}: {who}")
    else:
        with_whom = appointment.clinician.name
        event.add("summary", f"{appointment.appointment_type.name} with {with_whom}")
    event.add("location", f"{appointment.location.name}, {appointment.location.address}")
    event.add("description", f"Questions or changes: call {appointment.location.phone}.")
    event.add("status", "CANCELLED" if appointment.status == Status.CANCELLED else "CONFIRMED")
    return event


def calendar(appointments: Iterable[Appointment], *, name: str,
             for_clinician: bool = False) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for appointment in appointments:
        cal.add_component(_event(appointment, for_clinician=for_clinician))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def appointment_ics(appointment: Appointment) -> bytes:
    return calendar([appointment], name=appointment.location.name)
