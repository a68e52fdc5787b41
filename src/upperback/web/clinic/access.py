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


def access_appointment(user: Any, appointment_id: Any, *, purpose: str) -> Appointment:
    """The appointment if its patient is one `user` may see (else Http404, audited)."""
    appointment = (
        Appointment.objects.select_related("patient", "clinician", "location", "appointment_type",
                                           "assessment")
        .filter(pk=_as_id(appointment_id)).first()
    )
    if appointment is None or not may_see(user, appointment.patient):
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
