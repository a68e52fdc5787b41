"""Acceptance 1 of issue 20: for every emergency of the validation set, the wizard walked step
by step shows the call-911 page at the first step whose answers already suffice.

"Suffice" is judged by the engine's full `assess`, independently of `screen_partial`: the
answers sent so far suffice when the case itself is an emergency and so is the same prefix
completed with the most ordinary answers to everything not yet asked (a gradual, mechanical
strain, nothing else ticked). A wizard that stops later than that is late; one that stops
earlier would be calling an emergency that ordinary later answers rule out.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client
from tests.web.walkthrough import as_posts, post_step, start_draft

from upperback.clinical import assess, follow_ups
from upperback.clinical.validation import load_cases
from upperback.web.records.draft_answers import initial, initial_of, save_follow_ups, save_step
from upperback.web.records.forms import follow_up_questions
from upperback.web.records.intake_fields import FOLLOW_UP, QUESTIONS, STEP_NAMES
from upperback.web.records.models import IntakeDraft

FOLLOW_UP_PATHS = [q.path for q in QUESTIONS if q.step == FOLLOW_UP]
EMERGENCIES = [case for case in load_cases() if case.kind == "emergency"]

# The most ordinary answer to each question not yet asked.
ORDINARY: dict[str, Any] = {
    "pain": {
        "regions": ["between_shoulder_blades"],
        "onset": "gradual",
        "trigger": "overuse_or_strain",
        "character": ["aching"],
        "pattern": "mechanical",
        "worse_with": ["sitting_long"],
        "better_with": ["movement"],
        "night_pain": "none",
        "morning_stiffness_minutes": 0,
    },
    "symptoms": [],
    "neuro": {"progressive": False},
    "history": [],
    "medications": [],
    "diagnoses": [],
    "prior_treatments": [],
    "function": {"loss_of_function": False},
    "work": {"desk_hours_per_day": 4.0, "overhead_or_heavy": False},
}


def _follow_up_posts(intake: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The case's answers to the follow-ups asked (blank where the case has none)."""
    return initial_of(intake, follow_up_questions(paths))


def _prefixes(intake: dict[str, Any]) -> list[dict[str, Any]]:
    """The draft's answers after each step and the follow-ups it calls for, as the wizard
    saves them."""
    answers: dict[str, Any] = {}
    out = []
    for index, step in enumerate(STEP_NAMES):
        answers = save_step(answers, step, initial(intake, step), sent=STEP_NAMES[:index])
        asked = follow_ups(answers)
        if asked:
            questions = follow_up_questions(asked)
            answers = save_follow_ups(answers, questions, initial_of(intake, questions))
        out.append(answers)
    return out


def _ordinary_completion(prefix: dict[str, Any]) -> dict[str, Any]:
    full = {"contract": "1", **copy.deepcopy(prefix)}
    for key, value in ORDINARY.items():
        if isinstance(value, dict):
            full[key] = {**value, **full.get(key, {})}
        else:
            full.setdefault(key, value)
    if "trigger" in prefix.get("pain", {}):  # a major injury ticked among the warning signs
        full["pain"]["trigger"] = prefix["pain"]["trigger"]
    if "character" in prefix.get("pain", {}):
        full["pain"]["character"] = sorted({"aching", *prefix["pain"]["character"]})
    return full


def first_sufficient_step(intake: dict[str, Any]) -> str | None:
    """The first step after which the answers make an emergency whatever comes next."""
    for step, prefix in zip(STEP_NAMES, _prefixes(intake), strict=True):
        if assess(_ordinary_completion(prefix)).triage == "emergency":
            return step
    return None  # only the whole intake makes it one: the stop comes at the final review


@pytest.mark.parametrize("case", EMERGENCIES, ids=[case.id for case in EMERGENCIES])
def test_the_call_911_page_comes_at_the_first_step_whose_answers_suffice(
    alice_client: Client, case: Any
) -> None:
    intake = case.intake.model_dump(exclude_none=True)
    assert assess(intake).triage == "emergency"
    expected = first_sufficient_step(intake)
    posts = as_posts(intake)
    draft_id = start_draft(alice_client)
    stopped_at = None
    for step in STEP_NAMES:
        response = post_step(alice_client, draft_id, step, posts[step])
        assert response.status_code == 302, (
            step,
            response.context and response.context["form"].errors,
        )
        while response["Location"] == f"/intake/{draft_id}/follow_up/":
            pending = alice_client.get(response["Location"]).context["form"].fields
            asked = [q.path for q in follow_up_questions(FOLLOW_UP_PATHS) if q.name in pending]
            answers = {k: str(v) for k, v in _follow_up_posts(intake, asked).items()}
            response = post_step(alice_client, draft_id, "follow_up", answers)
        if response["Location"] == f"/intake/{draft_id}/call-911/":
            stopped_at = step
            break
    if stopped_at is None:
        response = alice_client.post(f"/intake/{draft_id}/review/")
        assert response["Location"] == f"/intake/{draft_id}/call-911/"
    assert stopped_at == expected, f"stopped at {stopped_at}, the answers sufficed at {expected}"


def test_sudden_severe_pain_that_peaked_earlier_stops_at_the_pain_step(
    alice_client: Client,
) -> None:
    """The issue's case: worst 9 this week, 5 now, sudden, sharp, constant, 58."""
    intake = {
        "contract": "1",
        "age": 58,
        "sex": "male",
        "pain": {
            "regions": ["between_shoulder_blades"],
            "intensity_now": 5,
            "intensity_worst_week": 9,
            "duration_days": 1,
            "onset": "sudden",
            "trigger": "none_known",
            "character": ["sharp"],
            "pattern": "constant",
        },
        **{k: v for k, v in ORDINARY.items() if k != "pain"},
    }
    assert assess(intake).triage == "emergency"
    posts = as_posts(intake)
    draft_id = start_draft(alice_client)
    assert post_step(alice_client, draft_id, "safety", posts["safety"])["Location"].endswith(
        "/pain/"
    )
    response = post_step(alice_client, draft_id, "pain", posts["pain"])
    assert response["Location"] == f"/intake/{draft_id}/call-911/"


def test_the_follow_ups_come_right_after_the_broad_answer_and_can_lift_the_emergency(
    alice_client: Client,
) -> None:
    """Chest pain at 26: the wizard asks the engine's follow-ups next; chest-wall answers let
    the intake go on, and the check-and-send page shows them."""
    intake = {
        "contract": "1",
        "age": 26,
        "sex": "male",
        "pain": {"intensity_now": 4, "duration_days": 20},
        "symptoms": ["chest_pain_or_pressure"],
    }
    posts = as_posts(intake)
    draft_id = start_draft(alice_client)
    response = post_step(alice_client, draft_id, "safety", posts["safety"])
    assert response["Location"] == f"/intake/{draft_id}/follow_up/"
    page = alice_client.get(response["Location"])
    assert set(page.context["form"].fields) == {
        "chest_exertional",
        "chest_reproducible",
        "chest_days",
        "chest_accompanied",
    }
    wall = {
        "chest_exertional": "no",
        "chest_reproducible": "yes",
        "chest_days": "20",
        "chest_accompanied": "no",
    }
    response = post_step(alice_client, draft_id, "follow_up", wall)
    assert response["Location"] == f"/intake/{draft_id}/pain/"
    answers = IntakeDraft.objects.get(pk=draft_id).answers
    assert answers["chest_pain"] == {
        "exertional": False,
        "reproducible": True,
        "days": 20,
        "accompanied": False,
    }


def test_follow_ups_left_blank_count_as_not_given_and_keep_the_emergency(
    alice_client: Client,
) -> None:
    posts = as_posts(
        {
            "contract": "1",
            "age": 26,
            "sex": "male",
            "pain": {"intensity_now": 4, "duration_days": 20},
            "symptoms": ["chest_pain_or_pressure"],
        }
    )
    draft_id = start_draft(alice_client)
    post_step(alice_client, draft_id, "safety", posts["safety"])
    response = post_step(alice_client, draft_id, "follow_up", {})
    assert response["Location"] == f"/intake/{draft_id}/call-911/"


def test_chest_pain_alone_stops_at_once_from_40_and_asks_the_age_first(
    alice_client: Client,
) -> None:
    draft_id = start_draft(alice_client)
    blank = post_step(
        alice_client, draft_id, "safety", {"signs": ["symptom:chest_pain_or_pressure"]}
    )
    assert blank.status_code == 200  # the age decides whether the follow-ups can matter
    assert "age" in blank.context["form"].errors
    aged = {"signs": ["symptom:chest_pain_or_pressure"], "age": "45"}
    response = post_step(alice_client, draft_id, "safety", aged)
    assert response["Location"] == f"/intake/{draft_id}/call-911/"
