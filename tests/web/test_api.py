"""The JSON API: every endpoint in the OpenAPI document is exercised here."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from upperback.clinical.contract import Intake
from upperback.web.records import actions

TESTED_OPERATIONS = {
    ("post", "/api/v1/assess"),
    ("get", "/api/v1/assessments"),
    ("post", "/api/v1/assessments"),
    ("get", "/api/v1/assessments/{assessment_id}"),
    ("get", "/api/v1/intakes"),
    ("get", "/api/v1/intakes/{intake_id}"),
    ("get", "/api/v1/drafts/{draft_id}"),
    ("post", "/api/v1/live-sets"),  # tests/web/media/test_live.py
    ("get", "/api/v1/export/fhir"),  # tests/web/records/test_fhir_export.py
    # tests/web/messaging/test_authorization.py
    ("get", "/api/v1/threads"),
    ("post", "/api/v1/threads"),
    ("get", "/api/v1/threads/{thread_id}"),
    ("post", "/api/v1/threads/{thread_id}/messages"),
}


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_openapi_document_is_served_and_valid(anonymous: Client) -> None:
    from openapi_spec_validator import validate

    document = anonymous.get("/api/v1/openapi.json").json()
    validate(document)
    assert document["info"]["title"] == "Upperback API"


def test_every_endpoint_in_the_openapi_document_has_a_test(anonymous: Client) -> None:
    document = anonymous.get("/api/v1/openapi.json").json()
    operations = {(m, p) for p, item in document["paths"].items() for m in item}
    assert operations == TESTED_OPERATIONS


def test_the_api_docs_page_needs_no_cdn(anonymous: Client) -> None:
    page = anonymous.get("/api/v1/docs").content.decode()
    assert "cdn." not in page
    assert "swagger-ui-bundle.js" in page


def test_assess_is_stateless_and_needs_no_account(
    anonymous: Client, desk_worker: dict[str, Any]
) -> None:
    from upperback.web.records.models import AssessmentRecord

    response = _post(anonymous, "/api/v1/assess", desk_worker)
    assert response.status_code == 200
    body = response.json()
    assert body["triage"] == "self_care"
    assert body["plan"]
    assert AssessmentRecord.objects.count() == 0


def test_assess_answers_in_spanish_when_asked(
    anonymous: Client, desk_worker: dict[str, Any]
) -> None:
    english = _post(anonymous, "/api/v1/assess", desk_worker).json()
    spanish = _post(anonymous, "/api/v1/assess?language=es", desk_worker).json()
    assert spanish["language"] == "es"
    assert spanish["plan"][0]["because"] != english["plan"][0]["because"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda i: i["pain"].update(intensity_now=11), "pain.intensity_now"),
        (lambda i: i.pop("age"), "age"),
        (lambda i: i.update(symptoms=["hiccups"]), "symptoms[0]"),
        (lambda i: i.update(contract="2"), "contract"),
        (lambda i: i["pain"].update(intensity_now="4"), "pain.intensity_now"),
    ],
)
def test_bad_input_gets_a_422_naming_the_field(
    anonymous: Client, change: Any, field: str, desk_worker: dict[str, Any]
) -> None:
    intake = copy.deepcopy(desk_worker)
    change(intake)
    response = _post(anonymous, "/api/v1/assess", intake)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(line.startswith(field + ":") for line in errors), errors


def test_malformed_json_is_refused_clearly(anonymous: Client) -> None:
    response = anonymous.post("/api/v1/assess", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "JSON" in json.dumps(response.json())


def test_a_patient_stores_an_assessment_and_reads_it_back(
    alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    created = _post(alice_client, "/api/v1/assessments", desk_worker)
    assert created.status_code == 201
    record_id = created.json()["id"]
    listing = alice_client.get("/api/v1/assessments").json()
    assert [row["id"] for row in listing] == [record_id]
    one = alice_client.get(f"/api/v1/assessments/{record_id}").json()
    assert one["assessment"]["triage"] == one["triage"] == "self_care"
    intakes = alice_client.get("/api/v1/intakes").json()
    assert intakes[0]["intake"]["age"] == desk_worker["age"]
    intake = alice_client.get(f"/api/v1/intakes/{record_id}").json()
    assert intake["intake"]["pain"]["intensity_now"] == 4


def test_storing_a_bad_intake_names_the_field_and_stores_nothing(
    alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    intake = copy.deepcopy(desk_worker)
    intake["pain"]["duration_days"] = -1
    response = _post(alice_client, "/api/v1/assessments", intake)
    assert response.status_code == 422
    assert any(e.startswith("pain.duration_days:") for e in response.json()["errors"])
    assert alice_client.get("/api/v1/assessments").json() == []


def test_a_patient_reads_her_own_draft(alice: Any, alice_client: Client) -> None:
    draft = actions.start_draft(patient=alice)
    sent = {"signs": [], "age": 34, "sex": "female", "intensity_now": "4", "duration_days": 21}
    actions.save_draft_step(draft=draft, step="safety", answers=sent)
    body = alice_client.get(f"/api/v1/drafts/{draft.pk}").json()
    assert body["completed_steps"] == ["safety"]
    # The answers so far as a partial intake, in the contract's names: nothing else asked yet.
    assert body["answers"] == {
        "age": 34,
        "sex": "female",
        "pain": {"intensity_now": 4, "duration_days": 21},
        "symptoms": [],
    }


def test_stored_assessments_keep_the_engine_answer(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    body = alice_client.get(f"/api/v1/assessments/{record.pk}").json()
    assert body["assessment"] == record.assessment


def test_assess_without_the_warning_sign_answers_is_never_self_care(
    anonymous: Client, desk_worker: dict[str, Any]
) -> None:
    unfinished = {k: v for k, v in desk_worker.items() if k not in ("symptoms", "history")}
    body = _post(anonymous, "/api/v1/assess", unfinished).json()
    assert body["screening_complete"] is False
    assert body["triage"] not in ("routine", "self_care")
    assert body["questions"][:2] == ["symptoms", "history"]
    assert "screening_incomplete" in [flag["id"] for flag in body["red_flags"]]


def test_a_draft_lists_the_engines_follow_up_questions(alice: Any, alice_client: Client) -> None:
    draft = actions.start_draft(patient=alice)
    sent = {"signs": ["symptom:chest_pain_or_pressure"], "age": 26, "sex": "male"}
    sent |= {"intensity_now": "3", "duration_days": 20}
    actions.save_draft_step(draft=draft, step="safety", answers=sent)
    body = alice_client.get(f"/api/v1/drafts/{draft.pk}").json()
    assert body["follow_ups"] == [
        "chest_pain.exertional",
        "chest_pain.reproducible",
        "chest_pain.days",
        "chest_pain.accompanied",
    ]
