"""Check-ins ask the PHQ-4 again at the engine's interval (issue 20): its answers make a new
assessment, and the stratum it gives shapes the plan the care record holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.episodes import open_state
from upperback.web.records.models import AssessmentRecord

pytestmark = pytest.mark.django_db

HIGH = {"phq4_interest": "3", "phq4_down": "3", "phq4_nervous": "3", "phq4_worrying": "3"}


def _assess(patient: Any, intake: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=patient, intake=Intake.model_validate(intake))


def test_a_check_in_asks_the_phq4_and_its_stratum_shapes_the_plan(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    first = _assess(alice, desk_worker)
    assert first.assessment.get("psychosocial") is None, "the intake did not answer it"
    page = alice_client.get("/progress/").content.decode()
    assert "Feeling down, depressed or hopeless" in page

    response = alice_client.post("/progress/", {"pain_now": "4", **HIGH})
    assert response.status_code == 302
    newest = AssessmentRecord.objects.filter(patient=alice).order_by("-created_at").first()
    assert newest is not None and newest.pk != first.pk
    assert newest.intake["phq4"] == {"interest": 3, "down": 3, "nervous": 3, "worrying": 3}
    assert newest.assessment["psychosocial"]["stratum"] == "high"
    state = open_state(alice.pk)
    assert state.assessment_id == newest.pk
    assert {"physiotherapy_led_care"} <= {s.step for s in state.active_steps}

    # Answered today: not asked again at the next check-in.
    assert (
        "Feeling down, depressed or hopeless" not in alice_client.get("/progress/").content.decode()
    )


def test_the_phq4_is_asked_again_once_its_interval_has_passed(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    answered = {**desk_worker, "phq4": {"interest": 0, "down": 0, "nervous": 1, "worrying": 0}}
    record = _assess(alice, answered)
    assert record.assessment["psychosocial"]["stratum"] == "low"
    assert "Feeling down" not in alice_client.get("/progress/").content.decode()
    AssessmentRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(days=60)
    )
    assert "Feeling down" in alice_client.get("/progress/").content.decode()


def test_declining_the_phq4_keeps_the_check_in_and_makes_no_assessment(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    _assess(alice, desk_worker)
    response = alice_client.post("/progress/", {"pain_now": "3", "phq4_down": "2"})
    assert response.status_code == 302
    assert AssessmentRecord.objects.filter(patient=alice).count() == 1
    assert alice.progress.count() == 1
