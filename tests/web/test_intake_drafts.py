"""The draft is a partial intake in the contract's names; the wizard and the progress page ask
the engine (screen_partial, escalate) rather than deciding anything clinical themselves."""

from __future__ import annotations

import copy
import importlib
from typing import Any

import pytest
from django.test import Client
from tests.web.walkthrough import SAFE_STEPS, post_step, start_draft

import upperback.clinical as clinical
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER
from upperback.web.records.draft_answers import answered_steps, initial, reopened, save_step
from upperback.web.records.forms import form_class
from upperback.web.records.intake_fields import QUESTIONS, STEP_NAMES, enumeration
from upperback.web.records.models import AssessmentRecord, IntakeDraft


def test_a_warning_signs_step_with_no_box_ticked_stores_an_empty_list(
    alice_client: Client,
) -> None:
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", {**SAFE_STEPS["safety"], "signs": []})
    answers = IntakeDraft.objects.get(pk=draft_id).answers
    assert answers["symptoms"] == []  # answered: none
    # Steps never sent leave their keys out: "not asked", never "no".
    assert not {"history", "medications", "diagnoses", "neuro", "function", "work"} & set(answers)
    assert set(answers["pain"]) == {"intensity_now", "duration_days"}


def test_a_blank_screening_step_cannot_be_sent(alice_client: Client) -> None:
    """Issue 20, acceptance 3: silence is never "none" on the symptom, history and medicine
    steps; the page says to tick the ones that apply or "none of these"."""
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", SAFE_STEPS["safety"])
    for step, field in (
        ("symptoms", "symptoms"),
        ("history", "history"),
        ("treatments", "medications"),
    ):
        response = post_step(alice_client, draft_id, step, {})
        assert response.status_code == 200, step  # shown again, not saved
        assert "none of these" in " ".join(response.context["form"].errors[field])
        both = {
            field: [response.context["form"].fields[field].choices[0][0]],
            f"{field}_none": "on",
        }
        assert post_step(alice_client, draft_id, step, both).status_code == 200
    draft = IntakeDraft.objects.get(pk=draft_id)
    assert draft.completed_steps == ["safety"]
    assert not {"history", "medications"} & set(draft.answers)


def test_none_of_these_is_stored_as_an_answer_and_shown_as_one(alice_client: Client) -> None:
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", SAFE_STEPS["safety"])
    post_step(alice_client, draft_id, "history", {"history_none": "on"})
    post_step(alice_client, draft_id, "treatments", {"medications_none": "on"})
    answers = IntakeDraft.objects.get(pk=draft_id).answers
    assert (answers["history"], answers["diagnoses"]) == ([], [])
    assert (answers["medications"], answers["prior_treatments"]) == ([], [])
    page = alice_client.get(f"/intake/{draft_id}/history/")
    assert page.context["form"].initial["history_none"] is True  # shown ticked again
    from upperback.web.records.forms import summary

    rows = {
        row[0]: row[1]
        for step in summary(answers, ["safety", "history", "treatments"])
        for row in step["rows"]
    }
    assert rows["Have you had, or do you have, any of these?"] == "None of these"
    assert rows["Which of these do you take now?"] == "None of these"


def test_a_step_saves_only_its_own_values_of_a_field_asked_twice() -> None:
    safety = {"signs": ["symptom:fainting", "trigger:major_trauma"], "age": 40, "sex": "male"}
    answers = save_step({}, "safety", safety, sent=[])
    assert answers["symptoms"] == ["fainting"] and answers["pain"]["trigger"] == "major_trauma"
    later = save_step(answers, "symptoms", {"symptoms": ["nausea"]}, sent=["safety"])
    assert later["symptoms"] == ["fainting", "nausea"]
    # The major injury asked first outranks any other trigger given later.
    pain = save_step(later, "pain", {"trigger": "lifting"}, sent=["safety", "symptoms"])
    assert pain["pain"]["trigger"] == "major_trauma"
    again = save_step(pain, "safety", {"signs": [], "age": 40}, sent=["safety", "pain"])
    assert again["symptoms"] == ["nausea"] and "trigger" not in again["pain"]
    assert initial(later, "symptoms") == {"symptoms": ["nausea"]}


def test_every_question_offers_only_the_contracts_values() -> None:
    for question in QUESTIONS:
        assert set(question.labels) <= set(enumeration(question.path) or question.labels)
        # A follow-up is asked right after the step of the broad answer it qualifies.
        assert question.step in STEP_NAMES or question.after in STEP_NAMES
    # The forms are generated from the table, one field (or row group) per question.
    assert list(form_class("work")().fields) == ["desk_hours_per_day", "overhead_or_heavy"]


def test_a_stored_intake_reopens_as_it_is_with_only_its_answered_steps() -> None:
    answers, done = reopened(DESK_WORKER)
    assert done == answered_steps(DESK_WORKER) == ["safety", "pain", "symptoms", "function", "work"]
    assert "prior_treatments" not in answers and "medications" not in answers
    assert answers["pain"] == DESK_WORKER["pain"] and answers["age"] == 34


def test_the_data_migration_turns_old_step_answers_into_a_partial_intake() -> None:
    migration = importlib.import_module(
        "upperback.web.records.migrations.0002_drafts_as_partial_intakes"
    )
    old = {
        "safety": {
            "signs": ["character:tearing_or_ripping"],
            "age": 60,
            "sex": "male",
            "intensity_now": "9",
            "duration_days": 0,
        },
        "history": {"history": ["hypertension"], "diagnoses": []},
    }
    assert migration.old_to_partial(old) == {
        "age": 60,
        "sex": "male",
        "pain": {"intensity_now": 9, "duration_days": 0, "character": ["tearing_or_ripping"]},
        "symptoms": [],
        "history": ["hypertension"],
        "diagnoses": [],
    }
    new = {"age": 60, "symptoms": [], "pain": {"intensity_now": 9}}
    assert migration.old_to_partial(new) == new  # already converted: left alone


def test_the_wizards_emergency_stop_asks_the_engine(
    alice_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[dict[str, Any]] = []
    real = clinical.screen_partial

    def spy(answers: Any, **kwargs: Any) -> Any:
        asked.append(dict(answers))
        return real(answers, **kwargs)

    monkeypatch.setattr(clinical, "screen_partial", spy)
    draft_id = start_draft(alice_client)
    response = post_step(alice_client, draft_id, "safety", {"signs": ["symptom:coughing_blood"]})
    assert response["Location"] == f"/intake/{draft_id}/call-911/"
    assert asked == [{"symptoms": ["coughing_blood"]}]  # nothing invented for the blanks


def test_the_wizard_stops_only_when_the_engine_says_so(
    alice_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        clinical, "screen_partial", lambda answers, **kw: clinical.PartialScreen("emergency", [])
    )
    draft_id = start_draft(alice_client)
    response = post_step(alice_client, draft_id, "safety", SAFE_STEPS["safety"])
    assert response["Location"] == f"/intake/{draft_id}/call-911/"


def test_the_progress_retriage_asks_the_engines_escalate(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    real = clinical.escalate

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("intake"))
        return real(*args, **kwargs)

    monkeypatch.setattr(clinical, "escalate", spy)
    actions.record_assessment(patient=alice, intake=clinical.Intake.model_validate(desk_worker))
    alice_client.post("/progress/", {"pain_now": "4", "new_symptoms": ["coughing_blood"]})
    assert calls and calls[-1] is not None  # the intake went to the engine to re-triage
    entry = alice.progress.get()
    assert (entry.action, entry.phase) == ("retriage", 1)


def test_the_phase_the_engine_moves_to_is_stored_and_read_back(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    actions.record_assessment(patient=alice, intake=clinical.Intake.model_validate(desk_worker))
    real = clinical.escalate

    def step_up(*args: Any, **kwargs: Any) -> Any:
        return real(*args, **kwargs).model_copy(update={"action": "step_up", "phase": 2})

    monkeypatch.setattr(clinical, "escalate", step_up)
    alice_client.post("/progress/", {"pain_now": "4"})
    entry = alice.progress.get()
    assert (entry.action, entry.phase) == ("step_up", 2)
    seen: list[Any] = []
    monkeypatch.setattr(clinical, "escalate", lambda a, p, t, **k: seen.append(p) or real(a, p, t))
    alice_client.get("/progress/")
    assert seen[-1]["phase"] == 2 and seen[-1]["phase_started_on"] == entry.recorded_on.isoformat()


def test_an_intake_without_the_warning_sign_answers_never_gets_self_care_or_routine(
    alice: Any, alice_client: Client
) -> None:
    # Every step marked sent, but the answers lack symptoms, history and medications: the
    # engine (screening_complete: false) must not offer self-care or a routine plan.
    answers = {k: v for k, v in copy.deepcopy(DESK_WORKER).items() if k != "contract"}
    for missing in ("symptoms", "history", "medications"):
        answers.pop(missing, None)
    draft = actions.start_draft(patient=alice, answers=answers, completed_steps=STEP_NAMES)
    response = alice_client.post(f"/intake/{draft.pk}/review/")
    record = AssessmentRecord.objects.get(patient=alice)
    assert response.status_code == 302
    assert record.triage not in ("self_care", "routine")


def test_the_phq4_is_asked_on_the_daily_activities_step_and_stored_as_numbers(
    alice_client: Client,
) -> None:
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", SAFE_STEPS["safety"])
    answers = {**SAFE_STEPS["function"], "phq4_interest": "2", "phq4_down": "1"}
    post_step(alice_client, draft_id, "function", answers)
    stored = IntakeDraft.objects.get(pk=draft_id).answers
    assert stored["phq4"] == {"interest": 2, "down": 1}  # the two left blank: not given
