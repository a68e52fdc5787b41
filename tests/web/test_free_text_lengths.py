"""Every free-text field has a length limit in its form, the API schema and its model (a
database check), and a patient's one-line words refuse control characters: a 1 MB override
reason is refused with an error beside the field, never stored (once, it made the
consultation PDF work for 900 s)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import DataError, IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from upperback.clinical import Intake
from upperback.web.choosing.models import ConsultationOutcome, PlanPreferences
from upperback.web.clinic.models import Appointment
from upperback.web.free_text import NOTE_CHARS, REASON_CHARS
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord, Override, ProgressEntry

pytestmark = pytest.mark.django_db
MEGABYTE = "x" * 1_000_000


@pytest.fixture
def record(alice: Any, desk_worker: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))


def _errors(response: Any) -> str:
    form = response.context["form"]
    return " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())


@pytest.mark.parametrize("field,limit", [("reason", REASON_CHARS), ("plan_note", NOTE_CHARS)])
def test_a_megabyte_override_text_is_refused_beside_its_field(
    bob_client: Client, record: AssessmentRecord, field: str, limit: int
) -> None:
    data = {"new_triage": "routine", "reason": "seen in clinic", field: MEGABYTE}
    response = bob_client.post(reverse("records:review", args=[record.pk]), data)
    assert response.status_code == 200
    assert f"{field}: Keep it under {limit} characters (it has 1000000)." in _errors(response)
    assert not Override.objects.exists()


def test_the_override_action_refuses_a_reason_over_the_limit(
    bob: Any, record: AssessmentRecord
) -> None:
    with pytest.raises(ValueError, match="reason: keep it under 2000 characters"):
        actions.override_assessment(
            record=record, author=bob, new_triage="routine", reason=MEGABYTE
        )


def test_the_database_refuses_what_skips_the_form_and_the_action(
    bob: Any, alice: Any, record: AssessmentRecord
) -> None:
    too_long = "x" * (REASON_CHARS + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Override.objects.create(
            record=record, author=bob, reason=too_long, old_triage="routine", new_triage="soon"
        )
    # PostgreSQL's varchar(200) refuses it first (a DataError); SQLite's check does.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        ProgressEntry.objects.create(patient=alice, pain_now=3, note="x" * 201)


def test_the_models_declare_the_limits_the_admin_reads() -> None:
    limits = {
        (Override, "reason"): REASON_CHARS,
        (Override, "plan_note"): NOTE_CHARS,
        (ConsultationOutcome, "note"): NOTE_CHARS,
        (ConsultationOutcome, "other_cause"): 200,
        (Appointment, "note"): 1000,
        (Appointment, "cancellation_reason"): 500,
    }
    for (model, name), limit in limits.items():
        assert model._meta.get_field(name).max_length == limit, (model, name)


def test_the_outcome_note_and_doses_are_bounded(
    bob_client: Client, record: AssessmentRecord
) -> None:
    today = dt.date.today()
    data = {
        "source": "postural_strain",
        "certainty": "probable",
        "basis": "examination",
        "steps": ["exercise_program"],
        "doses": MEGABYTE,
        "note": MEGABYTE,
        "agreed_on": today.isoformat(),
        "next_review": (today + dt.timedelta(days=30)).isoformat(),
    }
    response = bob_client.post(reverse("choosing:outcome", args=[record.pk]), data)
    assert response.status_code == 200
    errors = _errors(response)
    assert "doses: Keep it under 4000 characters" in errors
    assert "note: Keep it under 2000 characters" in errors
    assert not ConsultationOutcome.objects.exists()


@pytest.mark.parametrize("reason", ["x" * 201, "tab\there", "a\x00b"])
def test_a_preference_reason_is_one_bounded_line(
    alice_client: Client, record: AssessmentRecord, reason: str
) -> None:
    response = alice_client.post(
        reverse("choosing:options", args=[record.pk]),
        {"choice_exercise_program": "rather_not", "reason_exercise_program": reason},
    )
    assert response.status_code == 200
    assert "reason_exercise_program" in _errors(response)
    assert not PlanPreferences.objects.exists()


@pytest.mark.parametrize(
    "activity,said",
    [
        ("a\x00b", "must be one line of text, without control characters (such as NUL)"),
        ("tab\there", "must be one line of text, without control characters (such as NUL)"),
        ("x" * 81, "must have at most 80 characters"),
        ("\ud800", "is not valid JSON"),
    ],
)
def test_the_api_refuses_an_activity_that_is_not_one_bounded_line(
    alice_client: Client, desk_worker: dict[str, Any], activity: str, said: str
) -> None:
    desk_worker["function"] = {"psfs": [{"activity": activity, "score": 4}]}
    response = alice_client.post(
        "/api/v1/assessments", json.dumps(desk_worker), content_type="application/json"
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(said in line for line in errors), errors
    if "\ud800" not in activity:
        assert errors == [f"function.psfs[0].activity: {said}"]
    assert not AssessmentRecord.objects.exists()


def test_the_api_schema_names_the_limits() -> None:
    schema = Intake.model_json_schema()
    activity = schema["$defs"]["PsfsActivity"]["properties"]["activity"]
    assert activity["maxLength"] == 80 and activity["pattern"]
    reason = schema["$defs"]["Preference"]["properties"]["reason"]["anyOf"][0]
    assert reason["maxLength"] == 200 and reason["pattern"]


def test_the_wizard_refuses_an_activity_with_a_control_character() -> None:
    from upperback.web.records.forms import form_class

    form = form_class("function")(data={"activity_1": "tab\there", "score_1": "5"})
    assert not form.is_valid()
    assert "activity_1" in form.errors
