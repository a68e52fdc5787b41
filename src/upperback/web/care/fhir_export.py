"""The patient's record as a FHIR R4B Bundle: gathered here through the audited door as plain
data, built by the pure `upperback.interop` (which says what the Bundle holds).

Texts are put into the reader's language here (the intake's questions and answer labels, the
questionnaire's title); the care now is the episode's state, read through `access_episode`.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from fhir.resources.R4B.bundle import Bundle

from upperback import interop
from upperback.interop import FHIR_VERSION, PAIN_NOW_LOINC, as_json
from upperback.web.accounts.models import Role, User
from upperback.web.clinic.access import access_patient_appointments
from upperback.web.clinic.models import Appointment
from upperback.web.records.access import (
    COMMAND_LINE,
    access_episode,
    access_history,
    access_patient,
    access_progress,
)
from upperback.web.records.intake_fields import QUESTIONS, Question
from upperback.web.records.models import AssessmentRecord, ProgressEntry
from upperback.web.records.presenting import clinician_names


class ExportError(Exception):
    """The export cannot be made (no such patient); the message says why."""


def _questions() -> list[Question]:
    """One question per contract field: the full question where a field is also asked among
    the warning signs (whose boxes offer only some of its values)."""
    chosen: dict[str, Question] = {}
    for question in QUESTIONS:
        if question.widget != "sign" or question.path not in chosen:
            chosen[question.path] = question
    return list(chosen.values())


def _question(question: Question) -> interop.QuestionData:
    return interop.QuestionData(
        path=question.path,
        text=str(question.label or question.words),
        widget=question.widget,
        labels={code: str(label) for code, label in question.labels.items()},
    )


def _patient(patient: User) -> interop.PatientData:
    return interop.PatientData(
        id=patient.pk,
        email=patient.email,
        first_name=patient.first_name,
        last_name=patient.last_name,
        language=patient.preferred_language or "en",
        phone=str(getattr(patient, "phone", "") or ""),  # when the accounts app keeps one
    )


def _assessment(record: AssessmentRecord) -> interop.AssessmentData:
    return interop.AssessmentData(
        id=record.pk,
        created_at=record.created_at,
        intake=record.intake,
        answer=record.assessment,
        triage=record.triage,
        current_triage=record.current_triage,
        knowledge_base=record.knowledge_base,
    )


def _check_in(entry: ProgressEntry) -> interop.CheckInData:
    return interop.CheckInData(
        id=entry.pk,
        recorded_on=entry.recorded_on,
        pain_now=entry.pain_now,
        psfs=tuple((str(row["activity"]), int(row["score"])) for row in entry.psfs),
    )


def _appointment(appointment: Appointment) -> interop.AppointmentData:
    return interop.AppointmentData(
        id=appointment.pk,
        status=appointment.status,
        kind=appointment.appointment_type.name,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        clinician=f"{appointment.clinician.name}, {appointment.clinician.credentials}",
        location=appointment.location.name,
    )


def export_patient(user: Any, patient_id: Any, *, language: str, purpose: str) -> Bundle:
    """The patient's record as a Bundle, for `user` (herself, or the clinic's staff)."""
    patient = access_patient(user, patient_id, purpose=purpose)
    records = list(access_history(user, patient.pk, purpose=purpose))
    progress = access_progress(user, patient.pk, purpose=purpose)
    appointments = access_patient_appointments(user, patient.pk, purpose=purpose)
    care = access_episode(user, patient.pk, purpose=purpose)
    deciders = {care.triage_by, care.diagnosed_by, *(s.decided_by for s in care.steps)}
    with translation.override(language):
        record = interop.PatientRecord(
            patient=_patient(patient),
            made_at=timezone.now(),
            language=language,
            questionnaire_title=str(translation.gettext("Upper back pain intake")),
            questions=tuple(_question(q) for q in _questions()),
            assessments=tuple(_assessment(r) for r in records),
            check_ins=tuple(_check_in(e) for e in progress),
            appointments=tuple(_appointment(a) for a in appointments),
            care=care,
            clinicians=clinician_names(deciders),
        )
    return interop.build_bundle(record)


def export_for_clinic(email: str, *, language: str | None = None) -> str:
    """`upperback export fhir`: the clinic's own export from the command line (audited as
    the command line)."""
    patient = User.objects.filter(email__iexact=email.strip(), role=Role.PATIENT).first()
    if patient is None:
        raise ExportError(f"no patient with the email address {email!r}")
    bundle = export_patient(
        COMMAND_LINE,
        patient.pk,
        language=language or patient.preferred_language or "en",
        purpose="export.fhir.command",
    )
    return as_json(bundle)


__all__ = [
    "FHIR_VERSION",
    "PAIN_NOW_LOINC",
    "ExportError",
    "as_json",
    "export_for_clinic",
    "export_patient",
]
