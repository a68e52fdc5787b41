"""What the patient is offered from an assessment: the triage decides the window.

emergency: never a booking, the call-911 page. urgent: the earliest slots within 24 hours,
else "call the clinic now". Otherwise the recommended specialty within `consult.within_days`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from .models import AppointmentType, Clinician, Location, Specialty
from .slots import Slot, find_slots
from .wording import clock, long_date

URGENT_WINDOW = dt.timedelta(hours=24)
DEFAULT_WINDOW_DAYS = 14
OFFERED = 12


@dataclass
class Offer:
    # "emergency" | "slots" | "call_now" | "none_in_window" | "not_offered" | "not_needed"
    situation: str
    specialty: str | None = None
    appointment_type: AppointmentType | None = None
    window_days: int | None = None
    slots: list[dict[str, Any]] = field(default_factory=list)


def first_visit_type(specialty: str) -> AppointmentType | None:
    types = [t for t in AppointmentType.objects.all() if specialty in t.specialties]
    types.sort(key=lambda t: (not t.is_first_visit, t.duration_minutes))
    return types[0] if types else None


def present(slots: list[Slot]) -> list[dict[str, Any]]:
    """Slots as the page shows them: the clinic's wall-clock time with its zone's name."""
    clinicians = Clinician.objects.in_bulk({s.clinician_id for s in slots})
    locations = Location.objects.in_bulk({s.location_id for s in slots})
    shown = []
    day_names: dict[dt.date, str] = {}  # formatting a date is slow: once a day, not a slot
    for slot in slots:
        local = slot.starts_at.astimezone(locations[slot.location_id].zone)
        if local.date() not in day_names:
            day_names[local.date()] = long_date(local)
        shown.append(
            {
                "slot": slot,
                "clinician": clinicians[slot.clinician_id],
                "location": locations[slot.location_id],
                "label": f"{day_names[local.date()]}, {clock(local)} {local.tzname()}",
                "time": f"{clock(local)} {local.tzname()}",
                "value": slot.starts_at.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
        )
    return shown


def search(
    visit_type: AppointmentType,
    specialty: str,
    window: dt.timedelta,
    now: dt.datetime | None = None,
    *,
    clinician: Clinician | None = None,
    location: Location | None = None,
) -> list[Slot]:
    now = now or timezone.now()
    return find_slots(
        appointment_type=visit_type,
        specialty=specialty,
        start=now,
        end=now + window,
        now=now,
        limit=OFFERED,
        location=location,
        clinician_id=clinician.pk if clinician else None,
    )


def care_offer(user: Any, record: Any) -> tuple[str, dict[str, Any]]:
    """The triage and consultation the patient's care stands at now (her episode's state,
    through the door), for the offer and the search; an assessment before episodes existed
    stands on its own current triage."""
    from upperback.web.records.access import access_episode
    from upperback.web.records.presenting import current_consult

    state = access_episode(user, record.patient_id, purpose="clinic.care")
    if state.triage is None:
        return record.current_triage, current_consult(record)
    return state.triage, state.consult.model_dump()


def recommendation(triage: str, consult: dict[str, Any]) -> tuple[str | None, int]:
    """The bookable specialty and the window in days that an assessment's current triage and
    consult recommend (no specialty: nothing to preselect; urgent: one day)."""
    specialty = consult.get("specialty")
    if specialty not in Specialty.values:
        specialty = None
    if triage == "urgent":
        return specialty, 1
    return specialty, max(consult.get("within_days") or DEFAULT_WINDOW_DAYS, 1)


def offer_for(triage: str, consult: dict[str, Any], now: dt.datetime | None = None) -> Offer:
    if triage == "emergency":
        return Offer("emergency")
    specialty = consult.get("specialty")
    if not specialty:
        return Offer("not_needed")
    visit_type = first_visit_type(specialty)
    bookable = (
        visit_type is not None
        and Clinician.objects.filter(specialty=specialty, is_active=True).exists()
    )
    if not bookable:
        return Offer("call_now" if triage == "urgent" else "not_offered", specialty)
    assert visit_type is not None
    if triage == "urgent":
        slots = search(visit_type, specialty, URGENT_WINDOW, now)
        return Offer("slots" if slots else "call_now", specialty, visit_type, 1, present(slots))
    days = consult.get("within_days") or DEFAULT_WINDOW_DAYS
    slots = search(visit_type, specialty, dt.timedelta(days=max(days, 1)), now)
    return Offer(
        "slots" if slots else "none_in_window", specialty, visit_type, days, present(slots)
    )
