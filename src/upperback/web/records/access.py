"""The one door to patient data: check the permission, write the audit row, return the object.

Every read or write of a patient's records passes here (views and the API never query patient
data themselves). A refusal is an Http404, never a 403: a patient probing another's ids learns
nothing, not even that the id exists. Refusals are audited too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from upperback.web.accounts.models import Role, User

from .audit import Entry, append, append_one
from .models import AssessmentRecord, IntakeDraft, Outcome


def _actor(user: Any) -> User | None:
    return user if getattr(user, "is_authenticated", False) else None


def _entry(user: Any, *, purpose: str, patient: User | None, obj: Any, allowed: bool) -> Entry:
    actor = _actor(user)
    return Entry(
        actor_id=actor.pk if actor is not None else None,
        action=purpose,
        patient_id=patient.pk if patient is not None else None,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        outcome=Outcome.ALLOWED if allowed else Outcome.REFUSED,
    )


def audit(user: Any, *, purpose: str, patient: User | None, obj: Any = None, allowed: bool) -> None:
    append_one(_entry(user, purpose=purpose, patient=patient, obj=obj, allowed=allowed))


def is_clinic_staff(user: Any) -> bool:
    """Clinicians and the clinic's administrators see the clinic's patients."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in (Role.CLINICIAN, Role.ADMIN)
    )


def may_see(user: Any, patient: User) -> bool:
    """One condition a line: nobody anonymous; the patient herself; the clinic's staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.pk == patient.pk:
        return True
    return is_clinic_staff(user) and patient.role == Role.PATIENT


def _refuse(user: Any, *, purpose: str, patient: User | None, obj: Any = None) -> Http404:
    audit(user, purpose=purpose, patient=patient, obj=obj, allowed=False)
    return Http404("No such record.")


def _as_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def access_patient(user: Any, patient_id: Any, *, purpose: str) -> User:
    patient = User.objects.filter(pk=_as_id(patient_id)).first()
    if patient is None or not may_see(user, patient):
        raise _refuse(user, purpose=purpose, patient=patient, obj=patient)
    audit(user, purpose=purpose, patient=patient, obj=patient, allowed=True)
    return patient


def access_assessment(user: Any, assessment_id: Any, *, purpose: str) -> AssessmentRecord:
    record = (
        AssessmentRecord.objects.select_related("patient").filter(pk=_as_id(assessment_id)).first()
    )
    if record is None or not may_see(user, record.patient):
        patient = record.patient if record is not None else None
        raise _refuse(user, purpose=purpose, patient=patient, obj=record)
    audit(user, purpose=purpose, patient=record.patient, obj=record, allowed=True)
    return record


def access_draft(user: Any, draft_id: Any, *, purpose: str) -> IntakeDraft:
    """Drafts are the patient's own working notes: only she may open them."""
    draft = IntakeDraft.objects.select_related("patient").filter(pk=_as_id(draft_id)).first()
    if draft is None or getattr(user, "pk", None) != draft.patient_id:
        patient = draft.patient if draft is not None else None
        raise _refuse(user, purpose=purpose, patient=patient, obj=draft)
    audit(user, purpose=purpose, patient=draft.patient, obj=draft, allowed=True)
    return draft


def access_open_draft(user: Any, *, purpose: str) -> IntakeDraft | None:
    """The patient's own unfinished draft, if any (to resume it)."""
    patient = access_patient(user, getattr(user, "pk", None), purpose=purpose)
    return next((d for d in patient.intake_drafts.all() if d.is_open), None)


def access_history(user: Any, patient_id: Any, *, purpose: str) -> QuerySet[AssessmentRecord]:
    """A patient's assessments, newest first."""
    patient = access_patient(user, patient_id, purpose=purpose)
    return AssessmentRecord.objects.filter(patient=patient).order_by("-created_at")


def access_queue(user: Any, *, purpose: str) -> list[AssessmentRecord]:
    """Each patient's latest assessment, by triage level (highest first), then waiting time."""
    if not is_clinic_staff(user):
        raise _refuse(user, purpose=purpose, patient=None)
    audit(user, purpose=purpose, patient=None, allowed=True)
    latest: dict[int, AssessmentRecord] = {}
    records = AssessmentRecord.objects.select_related("patient").filter(patient__role=Role.PATIENT)
    for record in records.order_by("-created_at"):
        latest.setdefault(record.patient_id, record)
    # The queue shows each patient's name and triage: one audit row per record shown, so
    # "who saw this patient, when" is answered by the log, as for any other view.
    append(
        _entry(user, purpose=purpose, patient=r.patient, obj=r, allowed=True)
        for r in latest.values()
    )
    return sorted(latest.values(), key=lambda r: (r.current_rank, r.created_at))
