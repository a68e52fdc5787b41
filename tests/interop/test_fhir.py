"""The FHIR Bundle from plain data, outside Django: the care state's statuses become the
CarePlan's activities, the diagnosis a Condition, the episode an EpisodeOfCare; bad input is
refused with the field named."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest

from upperback import interop
from upperback.care import (
    Agreed,
    AgreedStep,
    Assessed,
    Choice,
    Chose,
    ConsultNeed,
    Diagnosis,
    HeldStep,
    Overridden,
    PlannedStep,
    Removal,
    derive,
)

AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _events() -> list[Any]:
    """An assessment, an override (triage raised, a step removed), a step declined."""
    steps = (
        PlannedStep(step="relative_rest", review_after_days=7),
        PlannedStep(step="exercise_program", review_after_days=28),
        PlannedStep(step="massage_therapy", phase=2, review_after_days=42),
    )
    return [
        Assessed(
            at=AT,
            assessment_id=7,
            triage="self_care",
            consult=ConsultNeed(),
            steps=steps,
            withheld=(HeldStep(step="anti_inflammatory_medication", because="ulcer"),),
        ),
        Overridden(
            at=AT + dt.timedelta(hours=1),
            assessment_id=7,
            by=3,
            triage="soon",
            consult=ConsultNeed(recommended=True, specialty="physiatrist", within_days=14),
            reason="numb arm",
            note_for_patient="Keep moving.",
            removed=(Removal(step="relative_rest", reason="Keep moving."),),
        ),
        Chose(
            at=AT + dt.timedelta(hours=2),
            assessment_id=7,
            choices=(Choice(step="massage_therapy", choice="rather_not", reason="ticklish"),),
        ),
    ]


def _care() -> Any:
    return derive(_events())


def _record(care: Any, **changes: Any) -> interop.PatientRecord:
    assessment = interop.AssessmentData(
        id=7,
        created_at=AT,
        intake={"age": 34, "sex": "female", "pain": {"intensity_now": 4}},
        answer={
            "plan": [
                {"step": "relative_rest", "phase": 1, "because": "rest a little"},
                {"step": "exercise_program", "phase": 1, "because": "move"},
                {"step": "massage_therapy", "phase": 2, "because": "ease"},
            ],
            "withheld": [{"step": "anti_inflammatory_medication", "because": "ulcer"}],
        },
        triage="self_care",
        current_triage="soon",
        knowledge_base="test",
    )
    values: dict[str, Any] = {
        "patient": interop.PatientData(id=2, email="alice@example.com", phone="+1 310 555 0101"),
        "made_at": AT + dt.timedelta(days=1),
        "language": "en",
        "questionnaire_title": "Intake",
        "questions": (
            interop.QuestionData(path="age", text="Age", widget="integer"),
            interop.QuestionData(
                path="sex", text="Sex", widget="radio", labels={"female": "Female"}
            ),
        ),
        "assessments": (assessment,),
        "care": care,
        "clinicians": {3: "Dr Bob"},
    }
    return interop.PatientRecord(**(values | changes))


def _data(record: interop.PatientRecord) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(interop.as_json(interop.build_bundle(record)))
    return data


def _of(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_each_step_of_the_care_is_an_activity_with_its_status() -> None:
    data = _data(_record(_care()))
    (plan,) = _of(data, "CarePlan")
    details = {a["detail"]["code"]["coding"][0]["code"]: a["detail"] for a in plan["activity"]}
    assert {k: (d["status"], d["extension"][0]["valueCode"]) for k, d in details.items()} == {
        "relative_rest": ("cancelled", "removed"),
        "exercise_program": ("not-started", "proposed"),
        "massage_therapy": ("cancelled", "declined"),
        "anti_inflammatory_medication": ("cancelled", "withheld"),
    }
    assert details["relative_rest"]["statusReason"]["text"] == "Removed by Dr Bob: Keep moving."
    assert details["massage_therapy"]["statusReason"]["text"].endswith(": ticklish")
    assert details["anti_inflammatory_medication"]["doNotPerform"] is True
    assert "doNotPerform" not in details["massage_therapy"]
    (risk,) = _of(data, "RiskAssessment")
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "soon"
    assert _of(data, "Patient")[0]["telecom"][1] == {"system": "phone", "value": "+1 310 555 0101"}


def test_an_agreed_plan_is_in_progress_and_the_diagnosis_a_condition() -> None:
    agreed = Agreed(
        at=AT + dt.timedelta(days=1),
        outcome_id=5,
        by=3,
        diagnosis=Diagnosis(source="postural_strain", certainty="confirmed", basis="both"),
        steps=(
            AgreedStep(step="exercise_program", note="daily"),
            AgreedStep(
                step="anti_inflammatory_medication", withheld_because="ulcer", agreed_because="PPI"
            ),
        ),
        next_review=dt.date(2026, 12, 1),
    )
    data = _data(_record(derive([*_events(), agreed])))
    (condition,) = _of(data, "Condition")
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert condition["recorder"] == {"display": "Dr Bob"}
    (plan,) = _of(data, "CarePlan")
    details = {a["detail"]["code"]["coding"][0]["code"]: a["detail"] for a in plan["activity"]}
    assert details["exercise_program"]["status"] == "in-progress"
    assert details["anti_inflammatory_medication"]["status"] == "in-progress"
    assert details["massage_therapy"]["statusReason"]["text"].startswith("Not in the plan")
    assert plan["note"][0]["text"] == "Next review: 2026-12-01."
    (episode,) = _of(data, "EpisodeOfCare")
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in data["entry"]}
    assert episode["diagnosis"][0]["condition"]["reference"] == urls["Condition"]
    assert plan["addresses"] == [{"reference": urls["Condition"]}]


def test_a_time_without_its_zone_is_refused_by_name() -> None:
    with pytest.raises(interop.InteropError, match="without its time zone"):
        interop.build_bundle(_record(_care(), made_at=dt.datetime(2026, 11, 3, 9, 0)))


def test_an_unknown_widget_names_the_question() -> None:
    bad = (interop.QuestionData(path="age", text="Age", widget="slider"),)
    with pytest.raises(interop.InteropError, match="question 'age': unknown widget 'slider'"):
        interop.build_bundle(_record(_care(), questions=bad))


def test_the_package_imports_no_web_framework() -> None:
    code = "import sys, upperback.interop; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_public_names_exist() -> None:
    assert len(set(interop.__all__)) == len(interop.__all__)
    assert all(hasattr(interop, name) for name in interop.__all__)
