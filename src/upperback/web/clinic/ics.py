"""iCalendar files: one appointment for the patient, a clinician's whole feed.

Times are written in the location's zone with its VTIMEZONE, so calendar programs show the
clinic's wall-clock time and convert correctly on either side of a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Appointment, Status

PRODID = "-//Upperback//Consultations//EN"


def _event(
    appointment: Appointment,
    *,
    for_clinician: bool,
    link: Callable[[Appointment], str] | None = None,
) -> icalendar.Event:
    zone = appointment.location.zone
    event = icalendar.Event()
    event.add("uid", f"appointment-{appointment.pk}@upperback.example")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    if for_clinician:
        # The feed lives in third-party calendar services and on phones: no patient name,
        # email or reason in it. The link opens the appointment in Upperback, behind the
        # login and the audited access door.
        event.add("summary", str(appointment.appointment_type.name))
        if link is not None:
            event.add("url", link(appointment))
    else:
        # The patient's copy, in her language (the email attaching it is translated too).
        summary = _("%(type)s with %(who)s") % {
            "type": appointment.appointment_type.display_name,
            "who": appointment.clinician.name,
        }
        event.add("summary", summary)
    event.add("location", f"{appointment.location.name}, {appointment.location.address}")
    event.add(
        "description",
        _("Questions or changes: call %(phone)s.") % {"phone": appointment.location.phone},
    )
    event.add("status", "CANCELLED" if appointment.status == Status.CANCELLED else "CONFIRMED")
    return event


def calendar(
    appointments: Iterable[Appointment],
    *,
    name: str,
    for_clinician: bool = False,
    link: Callable[[Appointment], str] | None = None,
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    days = [timezone.now().date()]
    for appointment in appointments:
        cal.add_component(_event(appointment, for_clinician=for_clinician, link=link))
        days.append(appointment.starts_at.date())
    # The zone's rules for the events' years only: the whole 1970-2038 history makes every
    # file 20 kB longer and every booking 40 ms slower, for transitions nobody needs.
    year = dt.timedelta(days=366)
    cal.add_missing_timezones(first_date=min(days) - year, last_date=max(days) + year)
    return bytes(cal.to_ical())


def appointment_ics(appointment: Appointment) -> bytes:
    return calendar([appointment], name=appointment.location.name)
