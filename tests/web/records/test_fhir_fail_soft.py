"""The FHIR export fails soft: a resource that cannot be made, or does not validate, is
replaced by an OperationOutcome naming it (and logged); the rest of the record comes."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from upperback.clinical import Intake
from upperback.interop import fhir as fhir_export
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(alice: Any) -> Any:
    return actions.record_assessment(patient=alice, intake=Intake.model_validate(DESK_WORKER))


def _kinds(bundle: dict[str, Any]) -> list[str]:
    return [e["resource"]["resourceType"] for e in bundle["entry"]]


def _outcomes(bundle: dict[str, Any]) -> list[str]:
    return [
        e["resource"]["issue"][0]["diagnostics"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "OperationOutcome"
    ]


def test_a_resource_that_cannot_be_made_is_named_and_the_rest_exported(
    alice_client: Client, record: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("cannot make it")

    monkeypatch.setattr(fhir_export, "_risk", fail)
    with caplog.at_level(logging.ERROR):
        response = alice_client.get("/api/v1/export/fhir")
    assert response.status_code == 200
    bundle = json.loads(response.content)
    assert "RiskAssessment" not in _kinds(bundle)
    assert "CarePlan" in _kinds(bundle) and "Patient" in _kinds(bundle)
    assert len(_outcomes(bundle)) == 1 and "RiskAssessment" in _outcomes(bundle)[0]
    assert any("RiskAssessment" in r.getMessage() for r in caplog.records)


def test_a_resource_that_does_not_validate_is_named_and_the_rest_exported(
    bob_client: Client, alice: Any, record: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fhir_export._care_plan

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**real(*args, **kwargs), "created": "not a date"}

    monkeypatch.setattr(fhir_export, "_care_plan", broken)
    response = bob_client.get(f"/clinic/patients/{alice.pk}/fhir.json")
    assert response.status_code == 200
    bundle = json.loads(response.content)
    assert "CarePlan" not in _kinds(bundle) and "RiskAssessment" in _kinds(bundle)
    assert any("CarePlan" in said for said in _outcomes(bundle))
