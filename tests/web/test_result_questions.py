"""Unanswered questions that could change the triage: in plain words on the result page, each
linking back to the wizard step that asks it, and on the clinician's page."""

from __future__ import annotations

import copy
import re
from typing import Any, get_args, get_origin

import pytest
from django.test import Client
from pydantic import BaseModel
from tests.web.walkthrough import post_step

from upperback.clinical.contract import Intake
from upperback.web.records import actions
from upperback.web.records.demo_intakes import BY_TRIAGE, CANCER_HISTORY, DESK_WORKER
from upperback.web.records.draft_answers import answered_steps, reopened
from upperback.web.records.intake_fields import STEP_NAMES, step_of
from upperback.web.records.models import AssessmentRecord


def _record(patient: Any, intake: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=patient, intake=Intake.model_validate(intake))


def _contract_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every answerable field path of the intake ("pain.onset", "function.psfs")."""
    paths = []
    for name, info in model.model_fields.items():
        inner = [a for a in get_args(info.annotation) if isinstance(a, type)] or [info.annotation]
        nested = next((t for t in inner if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if nested is not None and get_origin(info.annotation) is not list:
            paths += _contract_fields(nested, f"{prefix}{name}.")
        elif name != "contract":
            paths.append(f"{prefix}{name}")
    return paths


# Given after the plan, on the "Your options" page (web/choosing), not asked by the wizard.
NOT_ASKED_BY_THE_WIZARD = {"preferences"}


def test_the_wizard_asks_every_field_of_the_contract() -> None:
    fields = [f for f in _contract_fields(Intake) if f not in NOT_ASKED_BY_THE_WIZARD]
    assert "pain.onset" in fields and "function.psfs" in fields
    assert {field: step_of(field) for field in fields if step_of(field) not in STEP_NAMES} == {}


def test_the_patient_sees_the_questions_in_plain_words_with_links_to_the_wizard(
    alice: Any, alice_client: Client
) -> None:
    record = _record(alice, CANCER_HISTORY)
    # The unanswered warning-sign question first (contract 1.1).
    assert record.assessment["questions"] == ["medications", "pain.worse_with", "pain.better_with"]
    html = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    section = html.split('id="questions"', 1)[1].split("</section>", 1)[0]
    assert "Answering these could change our advice" in section
    for step, words in [("pain", "What makes it worse"), ("treatments", "Your medicines")]:
        form = re.search(
            rf'<form method="post" action="/assessments/{record.pk}/answer/{step}/"[^>]*>'
            rf'.*?<button type="submit"[^>]*>([^<]*)</button></form>',
            section,
            re.S,
        )
        assert form is not None and form.group(1) == words, section
    assert "pain.worse_with" not in section  # no contract names for the patient


def test_the_clinician_sees_the_questions_in_words_with_their_fields_for_tools(
    alice: Any, bob_client: Client
) -> None:
    record = _record(alice, CANCER_HISTORY)
    html = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    section = html.split('id="questions"', 1)[1].split("</section>", 1)[0]
    assert "Unanswered questions that could change the triage" in section
    assert "What makes it worse" in section and 'data-field="pain.worse_with"' in section
    assert "<code>" not in section  # the contract's names are for tools, not for reading
    assert "/answer/" not in section  # answering is the patient's to do


def test_no_questions_no_section(alice: Any, alice_client: Client) -> None:
    full = {**copy.deepcopy(DESK_WORKER), "prior_treatments": []}
    record = _record(alice, full)
    assert record.assessment["questions"] == []
    assert 'id="questions"' not in alice_client.get(f"/assessments/{record.pk}/").content.decode()


def test_answering_a_question_reopens_the_answers_and_makes_a_new_assessment(
    alice: Any, alice_client: Client
) -> None:
    record = _record(alice, DESK_WORKER)
    assert record.assessment["questions"] == ["prior_treatments"]
    assert alice_client.get(f"/assessments/{record.pk}/answer/treatments/").status_code == 405
    response = alice_client.post(f"/assessments/{record.pk}/answer/treatments/")
    assert response.status_code == 302
    draft_id = int(response["Location"].strip("/").split("/")[1])
    assert response["Location"] == f"/intake/{draft_id}/treatments/"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Medicines and treatments" in page
    tried = {"treatment_1": "exercise_program", "weeks_1": "3", "response_1": "partial"}
    tried["medications_none"] = "on"  # the medicines: ticks or "none of these" (issue 20)
    # Steps the stored intake never fully answered are asked again, never assumed "none".
    assert post_step(alice_client, draft_id, "treatments", tried)["Location"].endswith("/history/")
    post_step(alice_client, draft_id, "symptoms", {"neuro_progressive": "no"})
    history = {"history_none": "on"}  # "none of these", said explicitly (issue 20)
    assert post_step(alice_client, draft_id, "history", history)["Location"].endswith("/review/")
    done = alice_client.post(f"/intake/{draft_id}/review/")
    again = AssessmentRecord.objects.get(pk=int(done["Location"].strip("/").split("/")[1]))
    assert again.pk != record.pk and again.patient == alice
    assert again.intake["prior_treatments"] == [
        {"treatment": "exercise_program", "weeks": 3, "response": "partial"}
    ]
    assert again.intake["pain"] == record.intake["pain"]  # the earlier answers were kept
    assert again.assessment["questions"] == []


@pytest.mark.parametrize("who", ["carol", "bob"])
def test_only_the_patient_reopens_her_own_answers(
    who: str, alice: Any, carol_client: Client, bob_client: Client
) -> None:
    record = _record(alice, DESK_WORKER)
    client = carol_client if who == "carol" else bob_client
    assert client.post(f"/assessments/{record.pk}/answer/treatments/").status_code == 404


def test_an_unknown_step_is_not_found(alice: Any, alice_client: Client) -> None:
    record = _record(alice, DESK_WORKER)
    assert alice_client.post(f"/assessments/{record.pk}/answer/nowhere/").status_code == 404


@pytest.mark.parametrize("level", list(BY_TRIAGE))
def test_a_fully_answered_intake_survives_the_round_trip_through_the_wizard(level: str) -> None:
    intake = copy.deepcopy(BY_TRIAGE[level])
    intake.setdefault("neuro", {"progressive": False})
    for key in ("history", "diagnoses", "medications", "prior_treatments"):
        intake.setdefault(key, [])
    for key in ("regions", "character", "worse_with", "better_with"):
        intake["pain"].setdefault(key, [])
    intake.setdefault("function", {"loss_of_function": False})
    intake.setdefault("work", {"overhead_or_heavy": False})
    assert answered_steps(intake) == STEP_NAMES
    answers, done = reopened(intake)
    assert done == STEP_NAMES
    assert {"contract": "1", **answers} == intake


def test_a_step_never_answered_is_not_counted_as_done() -> None:
    # No worse_with, no neuro, no medications: those steps must be asked again.
    assert answered_steps(CANCER_HISTORY) == ["safety"]
