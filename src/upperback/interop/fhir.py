"""A patient's record as a FHIR R4B Bundle (fhir.resources' `R4B` models), from plain data.

Pure: no web framework, no database, no clock, no translation machinery. The web gathers the
record through its audited door into the dataclasses below (texts already in the reader's
language) and calls `build_bundle`; the care now is the episode's `CareState`, never decided
here again.

Why R4B: the electronic records a spine clinic exchanges with speak FHIR R4 (R4B changes none
of the resources used here), while R5 is read by few. The Bundle (type `collection`) holds:

- the Patient;
- the intake Questionnaire (one item per contract field) and one QuestionnaireResponse per
  assessment, answers in the contract's values;
- Observations: pain now (LOINC 72514-3, 0-10 numeric rating) at each assessment and check-in,
  and each Patient-Specific Functional Scale activity score (no LOINC code per activity: a
  local code with the activity's name);
- one RiskAssessment per assessment: its triage (for the assessment the care stands on, the
  care's triage and who set it), the warning signs behind it, and the likely sources in words
  (never as a diagnosis or a probability);
- the clinician's diagnosis as a Condition (once a consultation recorded one);
- one CarePlan per assessment. The one the care stands on is the plan now: each step an
  activity with its one status from the care state (proposed: not-started; agreed: in-progress;
  declined by the patient or removed by the clinician: cancelled, with the reason; withheld
  by the engine: doNotPerform, with its reason; agreed despite a contraindication:
  in-progress, with both reasons). Earlier ones are kept as history, `revoked`;
- the EpisodeOfCare (its period, its diagnosis);
- the Appointments.

Ids inside the Bundle are `urn:uuid:` names derived from the database ids, so two exports of
one record name things the same way. A resource that cannot be made or does not validate is
replaced by an OperationOutcome that names it (and logged); the rest is exported all the same.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from upperback.care import CareState, Status, StepState
from upperback.clinical import kb_name

FHIR_VERSION = "4.3.0"  # R4B
log = logging.getLogger(__name__)
BASE = "https://upperback.example/fhir"
LOINC = "http://loinc.org"
PAIN_NOW_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
TRIAGE_SYSTEM = f"{BASE}/CodeSystem/triage"
STEP_SYSTEM = f"{BASE}/CodeSystem/step"
SOURCE_SYSTEM = f"{BASE}/CodeSystem/source"
STEP_STATUS_URL = f"{BASE}/StructureDefinition/care-step-status"
TRIAGE_URL = f"{BASE}/StructureDefinition/care-triage"
NEEDS_REVIEW_URL = f"{BASE}/StructureDefinition/care-needs-review"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/intake"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
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
    "scale": "integer",
    "decimal": "decimal",
    "radio": "choice",
    "checkboxes": "choice",
    "sign": "choice",
    "yes_no": "boolean",
    "treatments": "string",
    "psfs": "string",
}
REPEATING = frozenset({"checkboxes", "sign", "treatments", "psfs"})
# A care step's status as a CarePlan activity's (R4B's CarePlanActivityStatus has no
# "declined" or "removed": both are work withdrawn before it started, `cancelled`, with the
# reason in `statusReason`; the care record's own status is kept in an extension).
ACTIVITY_STATUS = {
    Status.PROPOSED: "not-started",
    Status.AGREED: "in-progress",
    Status.AGREED_DESPITE: "in-progress",
    Status.DECLINED: "cancelled",
    Status.REMOVED: "cancelled",
    Status.WITHHELD: "cancelled",
}
# The clinician's certainty as a Condition's verification status (condition-ver-status).
VERIFICATION = {"confirmed": "confirmed", "probable": "provisional", "possible": "differential"}
BASIS_WORDS = {
    "examination": "Examination",
    "imaging": "Imaging",
    "both": "Examination and imaging",
}


class InteropError(ValueError):
    """The plain data cannot make a Bundle; the message names the field."""


@dataclass(frozen=True)
class PatientData:
    id: int
    email: str
    first_name: str = ""
    last_name: str = ""
    language: str = "en"
    phone: str = ""


@dataclass(frozen=True)
class QuestionData:
    """One intake question: the contract field it answers, its words, its widget (the form's
    kind: "radio", "checkboxes", ...) and its answers' labels (value -> words)."""

    path: str
    text: str
    widget: str
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AssessmentData:
    """A stored assessment: the intake and the engine's answer as contract JSON."""

    id: int
    created_at: dt.datetime
    intake: Mapping[str, Any]
    answer: Mapping[str, Any]
    triage: str
    current_triage: str
    knowledge_base: str


@dataclass(frozen=True)
class CheckInData:
    id: int
    recorded_on: dt.date
    pain_now: int
    psfs: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class AppointmentData:
    id: int
    status: str  # the clinic's code: booked, cancelled, rescheduled, completed, no_show
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    clinician: str
    location: str


@dataclass(frozen=True)
class PatientRecord:
    """Everything the Bundle holds, as the door let it through."""

    patient: PatientData
    made_at: dt.datetime
    language: str
    questionnaire_title: str
    questions: tuple[QuestionData, ...]
    assessments: tuple[AssessmentData, ...] = ()
    check_ins: tuple[CheckInData, ...] = ()
    appointments: tuple[AppointmentData, ...] = ()
    care: CareState = field(default_factory=CareState)
    clinicians: Mapping[int, str] = field(default_factory=dict)  # user id -> name, for "by"


def _urn(kind: str, key: Any) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def _when(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise InteropError(f"a time without its time zone: {moment.isoformat()}")
    return moment.astimezone(dt.UTC).isoformat()


def _entry(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": full_url, "resource": resource}


def _name(kind: Any, item: str, language: str) -> str:
    """The knowledge base's name of an item; an id it no longer holds as it is."""
    try:
        return kb_name(kind, item, language)
    except (KeyError, StopIteration):
        return item


def _patient(patient: PatientData, sex: str | None) -> dict[str, Any]:
    telecom = [{"system": "email", "value": patient.email}]
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": f"{BASE}/patient", "value": str(patient.id)}],
        "telecom": telecom,
        "communication": [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": patient.language or "en"}]
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


def _value_system(path: str) -> str:
    return f"{BASE}/CodeSystem/intake-{path.replace('.', '-').replace('_', '-')}"


def _item_type(question: QuestionData) -> str:
    try:
        return ITEM_TYPES[question.widget]
    except KeyError:
        raise InteropError(
            f"question {question.path!r}: unknown widget {question.widget!r}"
        ) from None


def _questionnaire(title: str, questions: tuple[QuestionData, ...]) -> dict[str, Any]:
    items = []
    for question in questions:
        item: dict[str, Any] = {
            "linkId": question.path,
            "text": question.text,
            "type": _item_type(question),
        }
        if question.widget in REPEATING:
            item["repeats"] = True
        if question.labels and item["type"] == "choice":
            item["answerOption"] = [
                {
                    "valueCoding": {
                        "system": _value_system(question.path),
                        "code": code,
                        "display": label,
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
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }


def _at(intake: Mapping[str, Any], path: str) -> Any:
    value: Any = intake
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _answer(question: QuestionData, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, Mapping):
        return {"valueString": ", ".join(f"{k}: {v}" for k, v in value.items())}
    label = question.labels.get(value) if isinstance(value, str) else None
    if label is not None:
        return {
            "valueCoding": {
                "system": _value_system(question.path),
                "code": value,
                "display": label,
            }
        }
    return {"valueString": str(value)}


def _response(
    record: AssessmentData, questions: tuple[QuestionData, ...], patient_url: str
) -> dict[str, Any]:
    items = []
    for question in questions:
        value = _at(record.intake, question.path)
        if value is None or value == []:
            continue
        values = value if isinstance(value, list) else [value]
        items.append(
            {
                "linkId": question.path,
                "text": question.text,
                "answer": [_answer(question, v) for v in values],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": f"{BASE}/intake", "value": str(record.id)},
        "questionnaire": f"{QUESTIONNAIRE_URL}|1",
        "status": "completed",
        "subject": {"reference": patient_url},
        "authored": _when(record.created_at),
        "item": items,
    }


def _survey_category() -> dict[str, Any]:
    return {
        "coding": [
            {
                "system": f"{TERMINOLOGY}/observation-category",
                "code": "survey",
                "display": "Survey",
            }
        ]
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


def _who(clinicians: Mapping[int, str], user_id: int | None) -> str:
    if user_id is None:
        return "a clinician"
    return clinicians.get(user_id) or f"clinician {user_id}"


def _risk(
    record: AssessmentData,
    patient_url: str,
    language: str,
    care: CareState | None,
    clinicians: Mapping[int, str],
) -> dict[str, Any]:
    """The triage of one assessment; `care` when the care stands on it (its triage now)."""
    answer = record.answer
    triage = care.triage if care is not None and care.triage else record.current_triage
    flags = [flag.get("explanation") or flag["id"] for flag in answer.get("red_flags", [])]
    sources = [_name("source", s["id"], language) for s in answer.get("likely_sources", [])]
    words = _name("triage", triage, language)
    prediction: dict[str, Any] = {
        "outcome": {"text": words},
        "qualitativeRisk": {
            "coding": [{"system": TRIAGE_SYSTEM, "code": triage, "display": words}]
        },
    }
    if flags:
        prediction["rationale"] = " ".join(flags)
    notes = [
        "Triage by the Upperback engine (knowledge base "
        f"{record.knowledge_base}); the engine's own triage was {record.triage}. "
        "Not a diagnosis: a clinician decides."
    ]
    if care is not None and care.triage_by is not None:
        notes.append(f"The triage now was set by {_who(clinicians, care.triage_by)}.")
    if sources:
        notes.append("Likely sources, most likely first: " + "; ".join(sources) + ".")
    return {
        "resourceType": "RiskAssessment",
        "identifier": [{"system": f"{BASE}/assessment", "value": str(record.id)}],
        "status": "final",
        "subject": {"reference": patient_url},
        "occurrenceDateTime": _when(record.created_at),
        "method": {"text": f"Upperback engine, knowledge base {record.knowledge_base}"},
        "prediction": [prediction],
        "note": [{"text": text} for text in notes],
    }


def _step_code(step: str, language: str) -> dict[str, Any]:
    return {
        "coding": [{"system": STEP_SYSTEM, "code": step}],
        "text": _name("step", step, language),
    }


def _history_plan(record: AssessmentData, patient_url: str, language: str) -> dict[str, Any]:
    """An earlier assessment's plan, as the engine made it (history: `revoked`)."""
    activities: list[dict[str, Any]] = []
    for step in record.answer.get("plan", []):
        activities.append(
            {
                "detail": {
                    "code": _step_code(step["step"], language),
                    "status": "not-started",
                    "description": f"Phase {step['phase']}: {step['because']}",
                }
            }
        )
    for withheld in record.answer.get("withheld", []):
        activities.append(
            {
                "detail": {
                    "code": _step_code(withheld["step"], language),
                    "status": "cancelled",
                    "doNotPerform": True,
                    "reasonCode": [{"text": withheld["because"]}],
                }
            }
        )
    return {
        "resourceType": "CarePlan",
        "identifier": [{"system": f"{BASE}/plan", "value": str(record.id)}],
        "status": "revoked",
        "intent": "plan",
        "title": "Stepped-care plan for upper back pain",
        "subject": {"reference": patient_url},
        "created": _when(record.created_at),
        "activity": activities,
    }


def _status_reason(step: StepState, language: str, who: str) -> str:
    if step.status == Status.DECLINED:
        text = "Declined by the patient"
        if step.replaced_by:
            text += f"; replaced by {_name('step', step.replaced_by, language)}"
        return f"{text}: {step.reason}" if step.reason else f"{text}."
    if step.status == Status.REMOVED:
        if step.by_agreement:
            return "Not in the plan agreed with the patient."
        return f"Removed by {who}: {step.reason}" if step.reason else f"Removed by {who}."
    return ""


def _activity(
    step: StepState, engine: Mapping[str, Any] | None, language: str, who: str
) -> dict[str, Any]:
    """One plan step as a CarePlan activity, with its one status (see ACTIVITY_STATUS)."""
    detail: dict[str, Any] = {
        "extension": [{"url": STEP_STATUS_URL, "valueCode": str(step.status)}],
        "code": _step_code(step.step, language),
        "status": ACTIVITY_STATUS[step.status],
    }
    described = [f"Phase {step.phase}: {engine['because']}" if engine else f"Phase {step.phase}"]
    if step.note:
        described.append(f"Agreed: {step.note}")
    detail["description"] = " ".join(described)
    reason = _status_reason(step, language, who)
    if reason:
        detail["statusReason"] = {"text": reason}
    if step.status == Status.WITHHELD:
        detail["doNotPerform"] = True
        detail["reasonCode"] = [{"text": step.reason or "Withheld by the engine."}]
    if step.status == Status.AGREED_DESPITE:
        detail["reasonCode"] = [
            {"text": f"Withheld by the engine: {step.withheld_because}"},
            {"text": f"Agreed by the clinician because: {step.agreed_because}"},
        ]
    return {"detail": detail}


def _care_plan(
    record: AssessmentData,
    care: CareState,
    patient_url: str,
    language: str,
    clinicians: Mapping[int, str],
    condition_url: str | None,
) -> dict[str, Any]:
    """The plan now: every step of the care state with its one status."""
    engine = {s["step"]: s for s in record.answer.get("plan", [])}
    activities = [
        _activity(step, engine.get(step.step), language, _who(clinicians, step.decided_by))
        for step in care.steps
    ]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "identifier": [{"system": f"{BASE}/plan", "value": str(record.id)}],
        "status": "active",
        "intent": "plan",
        "title": "Plan agreed with the patient"
        if care.diagnosis is not None
        else "Stepped-care plan for upper back pain",
        "subject": {"reference": patient_url},
        "created": _when(record.created_at),
        "activity": activities,
    }
    if care.plan_started_on is not None:
        resource["period"] = {"start": care.plan_started_on.isoformat()}
    if care.diagnosis is not None and care.diagnosed_by is not None:
        resource["author"] = {"display": _who(clinicians, care.diagnosed_by)}
    if condition_url is not None:
        resource["addresses"] = [{"reference": condition_url}]
    notes = []
    if care.next_review is not None:
        notes.append(f"Next review: {care.next_review.isoformat()}.")
    if care.outcome_note:
        notes.append(care.outcome_note)
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


def _condition(
    care: CareState, patient_url: str, language: str, clinicians: Mapping[int, str]
) -> dict[str, Any]:
    """The clinician's diagnosis (the care state's)."""
    found = care.diagnosis
    assert found is not None  # the caller checks: a Condition only once there is a diagnosis
    if found.source == "other":
        code: dict[str, Any] = {"text": found.other_cause or "Other cause"}
    else:
        name = _name("source", found.source, language)
        code = {"coding": [{"system": SOURCE_SYSTEM, "code": found.source, "display": name}]}
        code["text"] = name
    if found.certainty not in VERIFICATION:
        raise InteropError(f"diagnosis.certainty: unknown value {found.certainty!r}")
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "clinicalStatus": {
            "coding": [{"system": f"{TERMINOLOGY}/condition-clinical", "code": "active"}]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": f"{TERMINOLOGY}/condition-ver-status",
                    "code": VERIFICATION[found.certainty],
                }
            ],
            "text": found.certainty,
        },
        "category": [
            {
                "coding": [
                    {"system": f"{TERMINOLOGY}/condition-category", "code": "encounter-diagnosis"}
                ]
            }
        ],
        "code": code,
        "subject": {"reference": patient_url},
        "evidence": [
            {
                "code": [
                    {
                        "coding": [
                            {
                                "system": f"{BASE}/CodeSystem/diagnosis-basis",
                                "code": found.basis,
                                "display": BASIS_WORDS.get(found.basis, found.basis),
                            }
                        ]
                    }
                ]
            }
        ],
    }
    if care.outcome_id is not None:
        resource["identifier"] = [{"system": f"{BASE}/outcome", "value": str(care.outcome_id)}]
    if care.diagnosed_at is not None:
        resource["recordedDate"] = _when(care.diagnosed_at)
    if care.diagnosed_by is not None:
        resource["recorder"] = {"display": _who(clinicians, care.diagnosed_by)}
    return resource


def _episode(care: CareState, patient_url: str, condition_url: str | None) -> dict[str, Any]:
    """The episode of care: its triage now (and whether a clinician must look at it) in
    extensions, since EpisodeOfCare has no field for either."""
    extensions: list[dict[str, Any]] = [
        {"url": NEEDS_REVIEW_URL, "valueBoolean": care.needs_review},
    ]
    if care.triage:
        coding = {"system": TRIAGE_SYSTEM, "code": care.triage}
        extensions.insert(0, {"url": TRIAGE_URL, "valueCoding": coding})
    resource: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "extension": extensions,
        "status": "active",
        "type": [{"text": "Upper back pain"}],
        "patient": {"reference": patient_url},
    }
    if care.opened_at is not None:
        resource["period"] = {"start": _when(care.opened_at)}
    if condition_url is not None:
        resource["diagnosis"] = [{"condition": {"reference": condition_url}, "rank": 1}]
    return resource


def _appointment(appointment: AppointmentData, patient_url: str) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "identifier": [{"system": f"{BASE}/appointment", "value": str(appointment.id)}],
        "status": APPOINTMENT_STATUS.get(appointment.status, "booked"),
        "appointmentType": {"text": appointment.kind},
        "start": _when(appointment.starts_at),
        "end": _when(appointment.ends_at),
        "participant": [
            {"actor": {"reference": patient_url}, "status": "accepted"},
            {"actor": {"display": appointment.clinician}, "status": "accepted"},
            {"actor": {"display": appointment.location}, "status": "accepted"},
        ],
    }


def _outcome(url: str, kind: str) -> dict[str, Any]:
    """What stands in the Bundle for a resource that could not be exported."""
    issue = {
        "severity": "error",
        "code": "exception",
        "diagnostics": f"The {kind} {url} could not be exported.",
    }
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def _add(entries: list[dict[str, Any]], url: str, kind: str, build: Callable[[], Any]) -> None:
    """The resource `build` makes, or an OperationOutcome naming it (logged): one resource
    that fails leaves the rest of the record to be exported."""
    try:
        entries.append(_entry(url, build()))
    except InteropError:
        raise  # the caller's data breaks this package's contract: said, naming the field
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


def _bundle(entries: list[dict[str, Any]], made_at: dt.datetime) -> Bundle:
    """The Bundle, validated; a resource that fails validation is replaced by an
    OperationOutcome naming it (validated one by one only when the whole fails)."""
    head = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _when(made_at),
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


def build_bundle(record: PatientRecord) -> Bundle:
    """The Bundle of `record`, validated by fhir.resources. A resource that cannot be made or
    does not validate is an OperationOutcome naming it; the rest is exported all the same."""
    language, care = record.language, record.care
    patient_url = _urn("Patient", record.patient.id)
    newest_first = sorted(record.assessments, key=lambda r: r.created_at, reverse=True)
    sex = newest_first[0].intake.get("sex") if newest_first else None
    entries: list[dict[str, Any]] = []
    _add(entries, patient_url, "Patient", partial(_patient, record.patient, sex))
    questionnaire = partial(_questionnaire, record.questionnaire_title, record.questions)
    _add(entries, _urn("Questionnaire", "intake"), "Questionnaire", questionnaire)
    condition_url = None
    if care.diagnosis is not None:
        condition_url = _urn("Condition", f"outcome/{care.outcome_id}")
        condition = partial(_condition, care, patient_url, language, record.clinicians)
        _add(entries, condition_url, "Condition", condition)
    for assessment in newest_first:
        _add_assessment(entries, record, assessment, patient_url, condition_url)
    for entry in record.check_ins:
        _add_check_in(entries, entry, patient_url)
    if care.triage is not None:
        opened = _when(care.opened_at or record.made_at)
        episode_url = _urn("EpisodeOfCare", f"{record.patient.id}/{opened}")
        episode = partial(_episode, care, patient_url, condition_url)
        _add(entries, episode_url, "EpisodeOfCare", episode)
    for appointment in record.appointments:
        url = _urn("Appointment", appointment.id)
        _add(entries, url, "Appointment", partial(_appointment, appointment, patient_url))
    return _bundle(entries, record.made_at)


def _add_assessment(
    entries: list[dict[str, Any]],
    record: PatientRecord,
    assessment: AssessmentData,
    patient_url: str,
    condition_url: str | None,
) -> None:
    language, care = record.language, record.care
    current = care.assessment_id == assessment.id
    response_url = _urn("QuestionnaireResponse", assessment.id)
    response = partial(_response, assessment, record.questions, patient_url)
    _add(entries, response_url, "QuestionnaireResponse", response)
    pain = _at(assessment.intake, "pain.intensity_now")
    if isinstance(pain, int):
        observation = partial(
            _pain_observation,
            patient_url,
            pain,
            _when(assessment.created_at),
            derived_from=response_url,
        )
        url = _urn("Observation", f"intake-pain/{assessment.id}")
        _add(entries, url, "Observation", observation)
    risk = partial(
        _risk, assessment, patient_url, language, care if current else None, record.clinicians
    )
    _add(entries, _urn("RiskAssessment", assessment.id), "RiskAssessment", risk)
    plan = (
        partial(
            _care_plan, assessment, care, patient_url, language, record.clinicians, condition_url
        )
        if current
        else partial(_history_plan, assessment, patient_url, language)
    )
    _add(entries, _urn("CarePlan", assessment.id), "CarePlan", plan)


def _add_check_in(entries: list[dict[str, Any]], entry: CheckInData, patient_url: str) -> None:
    when = entry.recorded_on.isoformat()
    pain = partial(_pain_observation, patient_url, entry.pain_now, when)
    _add(entries, _urn("Observation", f"pain/{entry.id}"), "Observation", pain)
    for number, (activity, score) in enumerate(entry.psfs):
        psfs = partial(_psfs_observation, patient_url, activity, score, when)
        _add(entries, _urn("Observation", f"psfs/{entry.id}/{number}"), "Observation", psfs)


def as_json(bundle: Bundle) -> str:
    """The Bundle as indented JSON, without the empty fields."""
    return json.dumps(json.loads(bundle.model_dump_json(exclude_none=True)), indent=2)
