"""A patient's record as a FHIR R4B Bundle (fhir.resources' `R4B` models).

Why R4B: the electronic records a spine clinic exchanges with speak FHIR R4 (R4B changes none
of the resources used here), while R5 is read by few. The Bundle (type `collection`) holds:

- the Patient;
- the intake Questionnaire (one item per contract field, built from the wizard's field table)
  and one QuestionnaireResponse per assessment, answers in the contract's values;
- Observations: pain now (LOINC 72514-3, 0-10 numeric rating) at each assessment and check-in,
  and each Patient-Specific Functional Scale activity score (no LOINC code per activity: a
  local code with the activity's name);
- one RiskAssessment per assessment: the engine's triage, the warning signs behind it, and the
  likely sources in words (never as a diagnosis or a probability);
- one CarePlan per assessment: its steps as activities (with their phase and why), and each
  withheld step as an activity marked `doNotPerform` with its reason;
- the Appointments.

Every read goes through the access door (audited). Ids inside the Bundle are `urn:uuid:`
names derived from the database ids, so two exports of one record name things the same way.

A resource that cannot be made or does not validate is replaced by an OperationOutcome that
names it (and the error is logged): the rest of the record is exported all the same.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils import timezone, translation
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from upperback.clinical import kb_name
from upperback.web.accounts.models import Role, User
from upperback.web.clinic.access import access_patient_appointments
from upperback.web.clinic.models import Appointment

from .access import COMMAND_LINE, access_history, access_patient, access_progress
from .intake_fields import QUESTIONS, Question
from .models import AssessmentRecord, ProgressEntry

FHIR_VERSION = "4.3.0"  # R4B
BASE = "https://upperback.example/fhir"
LOINC = "http://loinc.org"
PAIN_NOW_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
TRIAGE_SYSTEM = f"{BASE}/CodeSystem/triage"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/intake"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
APPOINTMENT_STATUS = {
    "booked": "booked",
    "cancelled": "cancelled",
    "rescheduled": "cancelled",  # the new time is an appointment of its own
    "completed": "fulfilled",
    "no_show": "noshow",
}
ITEM_TYPES = {
    "integer": "integer",
    "nrs": "integer",
    "decimal": "decimal",
    "radio": "choice",
    "checkboxes": "choice",
    "sign": "choice",
    "yes_no": "boolean",
    "treatments": "string",
    "psfs": "string",
}


log = logging.getLogger(__name__)


class ExportError(Exception):
    """The export cannot be made (no such patient); the message says why."""


def _urn(kind: str, key: Any) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment, dt.UTC).isoformat()


def _entry(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": full_url, "resource": resource}


def _patient(patient: User, sex: str | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": f"{BASE}/patient", "value": str(patient.pk)}],
        "telecom": [{"system": "email", "value": patient.email}],
        "communication": [
            {
                "language": {
                    "coding": [
                        {"system": "urn:ietf:bcp:47", "code": patient.preferred_language or "en"}
                    ]
                },
                "preferred": True,
            }
        ],
    }
    name: dict[str, Any] = {}
    if patient.last_name:
        name["family"] = patient.last_name
    if patient.first_name:
        name["given"] = [patient.first_name]
    if name:
        resource["name"] = [name]
    if sex in ("female", "male", "other"):
        resource["gender"] = sex
    return resource


def _questions() -> list[Question]:
    """One question per contract field: the full question where a field is also asked among
    the warning signs (whose boxes offer only some of its values)."""
    chosen: dict[str, Question] = {}
    for question in QUESTIONS:
        if question.widget != "sign" or question.path not in chosen:
            chosen[question.path] = question
    return list(chosen.values())


def _value_system(path: str) -> str:
    return f"{BASE}/CodeSystem/intake-{path.replace('.', '-').replace('_', '-')}"


def _questionnaire() -> dict[str, Any]:
    items = []
    for question in _questions():
        item: dict[str, Any] = {
            "linkId": question.path,
            "text": str(question.label or question.words),
            "type": ITEM_TYPES[question.widget],
        }
        if question.widget in ("checkboxes", "sign", "treatments", "psfs"):
            item["repeats"] = True
        if question.labels and item["type"] == "choice":
            item["answerOption"] = [
                {
                    "valueCoding": {
                        "system": _value_system(question.path),
                        "code": code,
                        "display": str(label),
                    }
                }
                for code, label in question.labels.items()
            ]
        items.append(item)
    return {
        "resourceType": "Questionnaire",
        "url": QUESTIONNAIRE_URL,
        "version": "1",
        "name": "UpperbackIntake",
        "title": str(translation.gettext("Upper back pain intake")),
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }


def _at(intake: dict[str, Any], path: str) -> Any:
    value: Any = intake
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _answer(question: Question, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, dict):
        return {"valueString": ", ".join(f"{k}: {v}" for k, v in value.items())}
    label = question.labels.get(value)
    if label is not None:
        return {
            "valueCoding": {
                "system": _value_system(question.path),
                "code": value,
                "display": str(label),
            }
        }
    return {"valueString": str(value)}


def _response(record: AssessmentRecord, patient_url: str) -> dict[str, Any]:
    items = []
    for question in _questions():
        value = _at(record.intake, question.path)
        if value is None or value == []:
            continue
        values = value if isinstance(value, list) else [value]
        items.append(
            {
                "linkId": question.path,
                "text": str(question.label or question.words),
                "answer": [_answer(question, v) for v in values],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": f"{BASE}/intake", "value": str(record.pk)},
        "questionnaire": f"{QUESTIONNAIRE_URL}|1",
        "status": "completed",
        "subject": {"reference": patient_url},
        "authored": _when(record.created_at),
        "item": items,
    }


def _pain_observation(
    patient_url: str, value: int, when: str, *, derived_from: str | None = None
) -> dict[str, Any]:
    code, display = PAIN_NOW_LOINC
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [_survey_category()],
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "subject": {"reference": patient_url},
        "effectiveDateTime": when,
        "valueInteger": value,
    }
    if derived_from:
        resource["derivedFrom"] = [{"reference": derived_from}]
    return resource


def _survey_category() -> dict[str, Any]:
    return {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
                "display": "Survey",
            }
        ]
    }


def _psfs_observation(patient_url: str, activity: str, score: int, when: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [_survey_category()],
        "code": {
            "coding": [{"system": f"{BASE}/CodeSystem/psfs", "code": "psfs-activity"}],
            "text": f"Patient-Specific Functional Scale: {activity}",
        },
        "subject": {"reference": patient_url},
        "effectiveDateTime": when,
        "valueInteger": score,
    }


def _triage_words(triage: str, language: str) -> str:
    return kb_name("triage", triage, language)


def _risk(record: AssessmentRecord, patient_url: str, language: str) -> dict[str, Any]:
    answer = record.assessment
    flags = [flag.get("explanation") or flag["id"] for flag in answer.get("red_flags", [])]
    sources = [kb_name("source", s["id"], language) for s in answer.get("likely_sources", [])]
    rationale = " ".join(flags) if flags else ""
    prediction: dict[str, Any] = {
        "outcome": {"text": _triage_words(record.current_triage, language)},
        "qualitativeRisk": {
            "coding": [
                {
                    "system": TRIAGE_SYSTEM,
                    "code": record.current_triage,
                    "display": _triage_words(record.current_triage, language),
                }
            ]
        },
    }
    if rationale:
        prediction["rationale"] = rationale
    notes = [
        "Triage by the Upperback engine (knowledge base "
        f"{record.knowledge_base}); the engine's own triage was {record.triage}. "
        "Not a diagnosis: a clinician decides."
    ]
    if sources:
        notes.append("Likely sources, most likely first: " + "; ".join(sources) + ".")
    return {
        "resourceType": "RiskAssessment",
        "identifier": [{"system": f"{BASE}/assessment", "value": str(record.pk)}],
        "status": "final",
        "subject": {"reference": patient_url},
        "occurrenceDateTime": _when(record.created_at),
        "method": {"text": f"Upperback engine, knowledge base {record.knowledge_base}"},
        "prediction": [prediction],
        "note": [{"text": text} for text in notes],
    }


def _care_plan(
    record: AssessmentRecord, patient_url: str, latest: bool, language: str
) -> dict[str, Any]:
    answer = record.assessment
    activities: list[dict[str, Any]] = []
    for step in answer.get("plan", []):
        name = kb_name("step", step["step"], language)
        activities.append(
            {
                "detail": {
                    "code": {
                        "coding": [{"system": f"{BASE}/CodeSystem/step", "code": step["step"]}],
                        "text": name,
                    },
                    "status": "not-started",
                    "description": f"Phase {step['phase']}: {step['because']}",
                }
            }
        )
    for withheld in answer.get("withheld", []):
        activities.append(
            {
                "detail": {
                    "code": {
                        "coding": [{"system": f"{BASE}/CodeSystem/step", "code": withheld["step"]}],
                        "text": kb_name("step", withheld["step"], language),
                    },
                    "status": "cancelled",
                    "doNotPerform": True,
                    "reasonCode": [{"text": withheld["because"]}],
                }
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "identifier": [{"system": f"{BASE}/plan", "value": str(record.pk)}],
        "status": "active" if latest else "revoked",
        "intent": "plan",
        "title": "Stepped-care plan for upper back pain",
        "subject": {"reference": patient_url},
        "created": _when(record.created_at),
        "activity": activities,
    }
    return resource


def _appointment(appointment: Appointment, patient_url: str) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "identifier": [{"system": f"{BASE}/appointment", "value": str(appointment.pk)}],
        "status": APPOINTMENT_STATUS.get(appointment.status, "booked"),
        "appointmentType": {"text": appointment.appointment_type.name},
        "start": _when(appointment.starts_at),
        "end": _when(appointment.ends_at),
        "participant": [
            {"actor": {"reference": patient_url}, "status": "accepted"},
            {
                "actor": {
                    "display": f"{appointment.clinician.name}, {appointment.clinician.credentials}"
                },
                "status": "accepted",
            },
            {"actor": {"display": appointment.location.name}, "status": "accepted"},
        ],
    }


def _outcome(url: str, kind: str) -> dict[str, Any]:
    """What stands in the Bundle for a resource that could not be exported."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "exception",
                "diagnostics": f"The {kind} {url} could not be exported.",
            }
        ],
    }


def _add(entries: list[dict[str, Any]], url: str, kind: str, build: Callable[[], Any]) -> None:
    """The resource `build` makes, or an OperationOutcome naming it (logged)."""
    try:
        entries.append(_entry(url, build()))
    except Exception:
        log.exception("The FHIR %s %s could not be made", kind, url)
        entries.append(_entry(_urn("OperationOutcome", url), _outcome(url, kind)))


def _valid(entry: dict[str, Any]) -> bool:
    resource = entry["resource"]
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except Exception:
        log.exception("The FHIR resource %s does not validate", entry["fullUrl"])
        return False
    return True


def _bundle(entries: list[dict[str, Any]]) -> Bundle:
    """The Bundle, validated; a resource that fails validation is replaced by an
    OperationOutcome naming it (validated one by one only when the whole fails)."""
    head = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _when(timezone.now()),
        "meta": {"tag": [{"system": f"{BASE}/fhir-version", "code": FHIR_VERSION}]},
    }
    try:
        return Bundle.model_validate({**head, "entry": entries})
    except Exception:
        log.exception("The FHIR Bundle does not validate whole; looking for the resource")
    kept = [
        e
        if _valid(e)
        else _entry(
            _urn("OperationOutcome", e["fullUrl"]),
            _outcome(e["fullUrl"], e["resource"]["resourceType"]),
        )
        for e in entries
    ]
    return Bundle.model_validate({**head, "entry": kept})


def build_bundle(
    patient: User,
    records: list[AssessmentRecord],
    progress: list[ProgressEntry],
    appointments: list[Appointment],
    *,
    language: str,
) -> Bundle:
    """The Bundle from what the door let through, validated by fhir.resources."""
    patient_url = _urn("Patient", patient.pk)
    newest_first = sorted(records, key=lambda r: r.created_at, reverse=True)
    sex = newest_first[0].intake.get("sex") if newest_first else None
    entries: list[dict[str, Any]] = []
    _add(entries, patient_url, "Patient", partial(_patient, patient, sex))
    with translation.override(language):
        _add(entries, _urn("Questionnaire", "intake"), "Questionnaire", _questionnaire)
        for index, record in enumerate(newest_first):
            _add_assessment(entries, record, patient_url, latest=index == 0, language=language)
        for entry in progress:
            _add_check_in(entries, entry, patient_url)
        for appointment in appointments:
            url = _urn("Appointment", appointment.pk)
            _add(entries, url, "Appointment", partial(_appointment, appointment, patient_url))
    return _bundle(entries)


def _add_assessment(
    entries: list[dict[str, Any]],
    record: AssessmentRecord,
    patient_url: str,
    *,
    latest: bool,
    language: str,
) -> None:
    response_url = _urn("QuestionnaireResponse", record.pk)
    _add(entries, response_url, "QuestionnaireResponse", partial(_response, record, patient_url))
    pain = _at(record.intake, "pain.intensity_now")
    if isinstance(pain, int):
        _add(
            entries,
            _urn("Observation", f"intake-pain/{record.pk}"),
            "Observation",
            partial(
                _pain_observation,
                patient_url,
                pain,
                _when(record.created_at),
                derived_from=response_url,
            ),
        )
    risk = partial(_risk, record, patient_url, language)
    _add(entries, _urn("RiskAssessment", record.pk), "RiskAssessment", risk)
    plan = partial(_care_plan, record, patient_url, latest=latest, language=language)
    _add(entries, _urn("CarePlan", record.pk), "CarePlan", plan)


def _add_check_in(entries: list[dict[str, Any]], entry: ProgressEntry, patient_url: str) -> None:
    when = entry.recorded_on.isoformat()
    _add(
        entries,
        _urn("Observation", f"pain/{entry.pk}"),
        "Observation",
        partial(_pain_observation, patient_url, entry.pain_now, when),
    )
    for number, row in enumerate(entry.psfs):
        _add(
            entries,
            _urn("Observation", f"psfs/{entry.pk}/{number}"),
            "Observation",
            partial(_psfs_observation, patient_url, row["activity"], row["score"], when),
        )


def export_patient(user: Any, patient_id: Any, *, language: str, purpose: str) -> Bundle:
    """The patient's record as a Bundle, for `user` (herself, or the clinic's staff)."""
    patient = access_patient(user, patient_id, purpose=purpose)
    records = list(access_history(user, patient.pk, purpose=purpose))
    progress = access_progress(user, patient.pk, purpose=purpose)
    appointments = access_patient_appointments(user, patient.pk, purpose=purpose)
    return build_bundle(patient, records, progress, appointments, language=language)


def as_json(bundle: Bundle) -> str:
    return json.dumps(json.loads(bundle.model_dump_json(exclude_none=True)), indent=2)


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


__all__ = ["FHIR_VERSION", "ExportError", "as_json", "export_for_clinic", "export_patient"]
