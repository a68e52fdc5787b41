"""The clinic's reads of patient data, all through the records access door (audited)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from upperback.web.records.access import access_patient, audit, is_clinic_staff, may_see

from .models import Appointment, Clinician


def _as_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
    later 404."""
    appointment = (
        Appointment.objects.select_related(
            "patient", "clinician", "location", "appointment_type", "assessment"
        )
        .filter(pk=_as_id(appointment_id))
        .first()
    )
    if (
        appointment is None
        or not may_see(user, appointment.patient)
        or (patient_only and appointment.patient_id != getattr(user, "pk", None))
        or (calendar_only and not keeps_calendar(user, appointment))
    ):
        patient = appointment.patient if appointment is not None else None
        audit(user, purpose=purpose, patient=patient, obj=appointment, allowed=False)
        raise Http404("No such appointment.")
    # The row names the appointment itself, so the log says which one was seen.
    audit(user, purpose=purpose, patient=appointment.patient, obj=appointment, allowed=True)
    return appointment


def access_own_appointments(user: Any, *, purpose: str) -> list[Appointment]:
    patient = access_patient(user, getattr(user, "pk", None), purpose=purpose)
    return list(
        Appointment.objects.filter(patient=patient)
        .select_related("clinician", "location", "appointment_type")
        .order_by("starts_at")
    )


def staff_clinician(user: Any, clinician_id: Any = None) -> Clinician:
    """The clinician whose calendar staff may open: their own, or any for an administrator."""
    if not is_clinic_staff(user):
        raise Http404("No such calendar.")
    chosen = _as_id(clinician_id)
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
