"""The FHIR R4B export: a valid Bundle that survives a JSON round trip, pain with its LOINC
code, and the three doors (the clinician's download, the patient's API, the command line),
each audited and each refusing what it must."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from upperback.cli import main as upperback
from upperback.clinical import Intake
from upperback.web.care.fhir_export import PAIN_NOW_LOINC, export_patient
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db

NSAID_BLOCKED = {
    **DESK_WORKER,
    "medications": ["anticoagulant"],
}


@pytest.fixture
def record_of_alice(alice: Any, bob: Any) -> Any:
    first = actions.record_assessment(patient=alice, intake=Intake.model_validate(DESK_WORKER))
    actions.override_assessment(record=first, author=bob, new_triage="routine", reason="exam")
    latest = actions.record_assessment(patient=alice, intake=Intake.model_validate(NSAID_BLOCKED))
    today = dt.date.today()
    actions.add_progress(
        patient=alice,
        pain_now=5,
        recorded_on=today - dt.timedelta(days=7),
        psfs=[{"activity": "Lifting my child", "score": 4}],
    )
    actions.add_progress(patient=alice, pain_now=3, recorded_on=today)
    return latest


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_and_survives_a_json_round_trip(
    record_of_alice: Any, bob: Any
) -> None:
    bundle = export_patient(bob, record_of_alice.patient_id, language="en", purpose="test")

    text = bundle.model_dump_json()
    again = Bundle.model_validate_json(text)

    assert again.model_dump() == bundle.model_dump()
    data = json.loads(text)
    kinds = {e["resource"]["resourceType"] for e in data["entry"]}
    assert kinds >= {
        "Patient",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "RiskAssessment",
        "CarePlan",
    }
    assert len({e["fullUrl"] for e in data["entry"]}) == len(data["entry"]), "unique ids"


def test_pain_observations_carry_the_loinc_code(record_of_alice: Any, bob: Any) -> None:
    data = json.loads(
        export_patient(
            bob, record_of_alice.patient_id, language="en", purpose="t"
        ).model_dump_json()
    )
    pains = [
        o
        for o in _resources(data, "Observation")
        if any(c.get("system") == "http://loinc.org" for c in o["code"].get("coding", []))
    ]
    # one at each of the two assessments, one at each of the two check-ins
    assert len(pains) == 4
    assert {c["code"] for o in pains for c in o["code"]["coding"]} == {PAIN_NOW_LOINC[0]}
    assert sorted(o["valueInteger"] for o in pains) == sorted(
        [5, 3, *[DESK_WORKER["pain"]["intensity_now"]] * 2]
    )
    psfs = [
        o
        for o in _resources(data, "Observation")
        if "Functional Scale" in o["code"].get("text", "")
    ]
    assert [(o["code"]["text"], o["valueInteger"]) for o in psfs] == [
        ("Patient-Specific Functional Scale: Lifting my child", 4)
    ]


def test_the_plan_withheld_steps_triage_and_answers_are_in_it(
    record_of_alice: Any, bob: Any
) -> None:
    data = json.loads(
        export_patient(
            bob, record_of_alice.patient_id, language="en", purpose="t"
        ).model_dump_json()
    )
    plans = _resources(data, "CarePlan")
    active = [p for p in plans if p["status"] == "active"]
    assert len(active) == 1 and len(plans) == 2
    withheld = [a["detail"] for a in active[0]["activity"] if a["detail"].get("doNotPerform")]
    assert any(d["code"]["coding"][0]["code"] == "anti_inflammatory_medication" for d in withheld)
    assert all(d["reasonCode"][0]["text"] for d in withheld)
    risks = _resources(data, "RiskAssessment")
    codes = sorted(r["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] for r in risks)
    assert "routine" in codes, "the clinician's override is the current triage"
    responses = _resources(data, "QuestionnaireResponse")
    age = [i for i in responses[0]["item"] if i["linkId"] == "age"]
    assert age[0]["answer"] == [{"valueInteger": DESK_WORKER["age"]}]
    questionnaire = _resources(data, "Questionnaire")[0]
    assert {i["linkId"] for i in questionnaire["item"]} >= {
        i["linkId"] for i in responses[0]["item"]
    }


def test_spanish_words_in_a_spanish_export(record_of_alice: Any, bob: Any) -> None:
    data = json.loads(
        export_patient(
            bob, record_of_alice.patient_id, language="es", purpose="t"
        ).model_dump_json()
    )
    questionnaire = _resources(data, "Questionnaire")[0]
    texts = {i["linkId"]: i["text"] for i in questionnaire["item"]}
    assert texts["age"] != "Your age in years"


def test_the_clinician_downloads_it_and_the_view_is_audited(record_of_alice: Any, bob: Any) -> None:
    from tests.web.conftest import _client_for

    client: Client = _client_for(bob)
    response = client.get(f"/clinic/patients/{record_of_alice.patient_id}/fhir.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    Bundle.model_validate_json(response.content)
    assert AuditEvent.objects.filter(
        action="export.fhir", patient_id=record_of_alice.patient_id, actor=bob, outcome="allowed"
    ).exists()


def test_a_patient_gets_her_own_record_from_the_api_and_nobody_elses(
    record_of_alice: Any, alice_client: Client, carol: Any
) -> None:
    own = alice_client.get("/api/v1/export/fhir")
    assert own.status_code == 200
    patient = _resources(own.json(), "Patient")[0]
    assert patient["telecom"][0]["value"] == "alice@example.com"
    # the clinician's download is not hers to use, for herself or another patient
    assert alice_client.get(f"/clinic/patients/{carol.pk}/fhir.json").status_code == 404
    assert (
        alice_client.get(f"/clinic/patients/{record_of_alice.patient_id}/fhir.json").status_code
        == 404
    )
    assert Client().get("/api/v1/export/fhir").status_code == 401
    assert alice_client.get("/api/v1/export/fhir?language=fr").status_code == 422


def test_the_command_writes_the_bundle(
    record_of_alice: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "alice.json"

    code = upperback(["export", "fhir", "--patient", "ALICE@example.com", "--output", str(output)])

    assert code == 0, capsys.readouterr().err
    Bundle.model_validate_json(output.read_text())
    assert AuditEvent.objects.filter(
        action="export.fhir.command", actor=None, patient_id=record_of_alice.patient_id
    ).exists()


def test_the_command_names_an_unknown_patient(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = upperback(
        ["export", "fhir", "--patient", "nobody@example.com", "--output", str(tmp_path / "x.json")]
    )
    assert code == 1
    assert "no patient with the email address 'nobody@example.com'" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
