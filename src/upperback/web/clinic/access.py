"""The clinic's reads of patient data, all through the records access door (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404

from upperback.web.records.access import (
    access_patient,
    as_id,
    is_clinic_staff,
    is_herself,
    may_see,
    open_door,
)

from .models import Appointment, Clinician, Status


def keeps_calendar(user: Any, appointment: Appointment) -> bool:
    """The appointment's own clinician, or an administrator (as `staff_clinician`)."""
    return is_clinic_staff(user) and (
        user.role == "admin" or appointment.clinician.user_id == user.pk
    )


def access_appointment(
    user: Any,
    appointment_id: Any,
    *,
    purpose: str,
    patient_only: bool = False,
    calendar_only: bool = False,
) -> Appointment:
    """The appointment if its patient is one `user` may see (else Http404, audited).

    For a change, narrower: `patient_only` (cancel, reschedule: the patient herself) or
    `calendar_only` (attendance, the clinic's cancellation: the clinician whose calendar it
    is), so the audit row says "refused" for anyone else rather than "allowed" before a
    later 404. The row names the appointment itself, so the log says which one was seen."""

    def rule(u: Any, appointment: Appointment) -> bool:
        return (
            may_see(u, appointment.patient)
            and (not patient_only or is_herself(u, appointment.patient))
            and (not calendar_only or keeps_calendar(u, appointment))
        )

    query = Appointment.objects.select_related(
        "patient", "clinician", "location", "appointment_type", "assessment"
    )
    return open_door(user, query, appointment_id, purpose=purpose, allowed=rule)


def access_own_appointments(user: Any, *, purpose: str) -> list[Appointment]:
    patient = access_patient(user, getattr(user, "pk", None), purpose=purpose)
    return list(
        Appointment.objects.filter(patient=patient)
        .select_related("clinician", "location", "appointment_type")
        .order_by("starts_at")
    )


def access_patient_appointments(user: Any, patient_id: Any, *, purpose: str) -> list[Appointment]:
    """A patient's appointments, newest first, for whoever may see her (the clinician's
    timeline of the patient; her own list is `access_own_appointments`)."""
    patient = access_patient(user, patient_id, purpose=purpose)
    return list(
        Appointment.objects.filter(patient=patient)
        .select_related("clinician", "location", "appointment_type")
        .order_by("-starts_at")
    )


def access_calendar(
    user: Any,
    clinician: Clinician,
    *,
    purpose: str,
    starts_from: dt.datetime | None = None,
    starts_before: dt.datetime | None = None,
    ends_after: dt.datetime | None = None,
) -> list[Appointment]:
    """A clinician's appointments in a window (moved ones left out), for `user`: the calendar
    page (staff) or the private feed (the clinician's own user). Each patient shown is a view
    of her record: one audit row each."""
    window = {
        "starts_at__gte": starts_from,
        "starts_at__lt": starts_before,
        "ends_at__gt": ends_after,
    }
    query = Appointment.objects.filter(
        clinician=clinician, **{k: v for k, v in window.items() if v is not None}
    )
    appointments = list(
        query.exclude(status=Status.RESCHEDULED).select_related(
            "patient", "appointment_type", "assessment", "location", "clinician"
        )
    )
    for patient_id in {a.patient_id for a in appointments}:
        access_patient(user, patient_id, purpose=purpose)
    return appointments


def calendar_clinicians(user: Any, clinician_id: Any = None) -> list[Clinician] | None:
    """The clinicians whose calendar staff look at: one asked for by id (any clinician's: the
    front desk books and answers for everyone; only its own clinician or an administrator
    acts on an appointment, `keeps_calendar`), else their own, else None for the whole
    clinic ("all", or staff without a calendar of their own)."""
    if not is_clinic_staff(user):
        raise Http404("No such calendar.")
    if clinician_id == "all":
        return None
    chosen = as_id(clinician_id)
    if chosen is None:
        own = Clinician.objects.filter(user=user).first()
        return [own] if own is not None else None
    found = Clinician.objects.filter(pk=chosen).first()
    if found is None:
        raise Http404("No such calendar.")
    return [found]


def staff_clinician(user: Any, clinician_id: Any = None) -> Clinician:
    """The clinician whose calendar staff may open: their own, or any for an administrator."""
    if not is_clinic_staff(user):
        raise Http404("No such calendar.")
    chosen = as_id(clinician_id)
    own = Clinician.objects.filter(user=user).first()
    if chosen is None or (own is not None and chosen == own.pk):
        if own is None:
            raise Http404("No calendar for this account.")
        return own
    if user.role != "admin":
        raise Http404("No such calendar.")
    found = Clinician.objects.filter(pk=chosen).first()
    if found is None:
        raise Http404("No such calendar.")
    return found
