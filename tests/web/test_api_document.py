"""The OpenAPI document tells the truth: every answer the server gives is listed for its
operation, and what the document allows the server accepts (23.0 is the integer 23)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Each operation's answers, as the server gives them (see the tests below for each error).
EXPECTED = {
    ("post", "/api/v1/assess"): {"200", "400", "422", "429"},
    ("get", "/api/v1/assessments"): {"200", "401"},
    ("post", "/api/v1/assessments"): {"201", "400", "401", "403", "422", "429"},
    ("post", "/api/v1/live-sets"): {"201", "400", "401", "403", "404", "409", "413", "422"},
    ("get", "/api/v1/assessments/{assessment_id}"): {"200", "401", "404", "422"},
    ("get", "/api/v1/intakes"): {"200", "401"},
    ("get", "/api/v1/intakes/{intake_id}"): {"200", "401", "404", "422"},
    ("get", "/api/v1/drafts/{draft_id}"): {"200", "401", "404", "422"},
    # Messages: 403 is also a clinician without the second factor; 404 a thread not hers
    # (or a caller who is not a patient: these are the patient's own threads).
    ("get", "/api/v1/threads"): {"200", "401", "403", "404"},
    ("post", "/api/v1/threads"): {"201", "400", "401", "403", "404", "422"},
    ("get", "/api/v1/threads/{thread_id}"): {"200", "401", "403", "404", "422"},
    ("post", "/api/v1/threads/{thread_id}/messages"): {"201", "400", "401", "403", "404", "422"},
    ("get", "/api/v1/export/fhir"): {"200", "401", "422", "429"},  # (test_rate_limits.py)
}


def _document(client: Client) -> dict[str, Any]:
    return dict(client.get("/api/v1/openapi.json").json())


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_every_operation_lists_each_answer_the_server_gives(anonymous: Client) -> None:
    paths = _document(anonymous)["paths"]
    found = {(m, p): set(op["responses"]) for p, item in paths.items() for m, op in item.items()}
    assert found == EXPECTED


def test_every_error_answer_has_the_error_schema(anonymous: Client) -> None:
    document = _document(anonymous)
    for item in document["paths"].values():
        for operation in item.values():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_record_ids_are_documented_as_positive_64_bit_integers(anonymous: Client) -> None:
    operation = _document(anonymous)["paths"]["/api/v1/assessments/{assessment_id}"]["get"]
    (parameter,) = operation["parameters"]
    assert parameter["schema"]["minimum"] == 1
    assert parameter["schema"]["maximum"] == 2**63 - 1


def test_a_broken_body_is_a_400_and_a_bad_field_a_422(anonymous: Client) -> None:
    broken = anonymous.post("/api/v1/assess", "{", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["errors"]
    bad = _post(anonymous, "/api/v1/assess", {"contract": "1"})
    assert bad.status_code == 422


def test_anonymous_is_a_401_on_every_records_operation(anonymous: Client) -> None:
    for url in ["/api/v1/assessments", "/api/v1/intakes", "/api/v1/drafts/1"]:
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"detail": "Log in first."}


def test_a_post_without_the_csrf_token_is_a_403(alice: Any, desk_worker: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = _post(client, "/api/v1/assessments", desk_worker)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_another_patients_record_is_a_404(carol_client: Client, alice: Any) -> None:
    from upperback.web.records import actions

    draft = actions.start_draft(patient=alice)
    assert carol_client.get(f"/api/v1/drafts/{draft.pk}").status_code == 404


@pytest.mark.parametrize("record_id", ["0", "-1", str(2**63), "abc"])
def test_an_id_outside_the_documented_range_is_a_422_not_a_crash(
    alice_client: Client, record_id: str
) -> None:
    for url in ["assessments", "intakes", "drafts"]:
        response = alice_client.get(f"/api/v1/{url}/{record_id}")
        assert response.status_code == 422, (url, record_id)


def test_an_integer_written_as_23_0_is_the_integer_23(
    anonymous: Client, desk_worker: dict[str, Any]
) -> None:
    whole = copy.deepcopy(desk_worker)
    whole["age"] = float(whole["age"])
    whole["pain"]["intensity_now"] = float(whole["pain"]["intensity_now"])
    assert _post(anonymous, "/api/v1/assess", whole).json() == (
        _post(anonymous, "/api/v1/assess", desk_worker).json()
    )


@pytest.mark.parametrize("age", [23.5, "23", True])
def test_a_fraction_a_string_or_a_boolean_is_still_not_an_integer(
    anonymous: Client, desk_worker: dict[str, Any], age: Any
) -> None:
    response = _post(anonymous, "/api/v1/assess", {**desk_worker, "age": age})
    assert response.status_code == 422
    assert any(line.startswith("age:") for line in response.json()["errors"])
