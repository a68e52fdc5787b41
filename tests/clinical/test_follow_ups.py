"""Follow-up questions (issue 20): asked from the knowledge base when a broad answer is given,
optional in the contract, and never able to make an answer less safe by being left out."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from tests.clinical.strategies import follow_ups, intakes, with_follow_ups
from tests.clinical.vignettes import desk_strain

from upperback.clinical import Intake, assess
from upperback.clinical.contract import FOLLOW_UP_GROUPS, TRIAGE_ORDER
from upperback.clinical.knowledge import knowledge_base

settings.register_profile("ci", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "contract" / "examples"


def _rank(triage: str) -> int:
    return TRIAGE_ORDER.index(triage)  # type: ignore[arg-type]


@given(intakes(), follow_ups())
def test_without_the_follow_ups_no_answer_is_lower(
    intake: dict[str, Any], answers: dict[str, Any]
) -> None:
    without = assess(intake)
    with_them = assess(with_follow_ups(intake, answers))
    assert _rank(without.triage) <= _rank(with_them.triage), (without.triage, with_them.triage)
    # Leaving them out withholds at least as much.
    assert {w.step for w in with_them.withheld} <= {w.step for w in without.withheld} | {
        s.step for s in with_them.plan
    }


def test_every_intake_valid_before_the_follow_ups_stays_valid() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        intake = json.loads(path.read_text())["intake"]
        assert Intake.model_validate(intake).chest_pain is None


def test_young_chest_wall_pain_is_not_an_emergency_when_the_follow_ups_say_so() -> None:
    # The 26-year-old: 20 days of chest pain that pressing on the chest wall reproduces.
    intake = desk_strain(age=26, symptoms=["chest_pain_or_pressure"], pain_duration_days=20)
    assert assess(intake).triage == "emergency"  # without the follow-ups: today's answer
    wall = {"exertional": False, "reproducible": True, "days": 20, "accompanied": False}
    for days in (20, 365):
        answer = assess(
            {
                **intake,
                "pain": {**intake["pain"], "duration_days": days},
                "chest_pain": {**wall, "days": days},
            }
        )
        assert answer.triage in ("routine", "self_care"), answer.triage
    # Any one answer pointing to the heart keeps it an emergency.
    for change in (
        {"exertional": True},
        {"reproducible": False},
        {"accompanied": True},
        {"days": 2},
    ):
        assert assess({**intake, "chest_pain": {**wall, **change}}).triage == "emergency"
    assert assess({**intake, "age": 45, "chest_pain": wall}).triage == "emergency"
    risky = {**intake, "history": ["hypertension"], "chest_pain": wall}
    assert assess(risky).triage == "emergency"


def test_nausea_reasons_name_the_organ_systems_not_only_the_heart() -> None:
    intake = desk_strain(age=45, symptoms=["nausea"], pain_duration_days=2)
    flags = assess(intake).red_flags
    texts = " ".join(flag.explanation for flag in flags)
    assert "heart" in texts and "abdomen" in texts and "gallbladder" in texts
    meals = assess({**intake, "nausea": {"with_meals": True, "with_exertion": False}})
    assert meals.triage == "urgent"
    assert [f.id for f in meals.red_flags if f.level == "urgent"] == ["nausea_abdominal_organ"]


def test_an_improving_strain_that_stops_work_is_not_made_routine() -> None:
    strain = desk_strain(pain_duration_days=5, function={"loss_of_function": True})
    assert assess(strain).triage == "routine"  # unqualified: as before
    better = {**strain, "function": {"loss_of_function": True, "getting_better": True}}
    assert assess(better).triage == "self_care"


def test_an_improving_patient_weeks_after_a_spinal_procedure_is_not_urgent() -> None:
    intake = desk_strain(history=["recent_spinal_procedure"], age=60)
    assert assess(intake).triage == "urgent"
    healed = {**intake, "procedure": {"weeks_ago": 10, "wound_problem": False, "improving": True}}
    assert assess(healed).triage == "routine"
    wound = {**intake, "procedure": {"weeks_ago": 10, "wound_problem": True, "improving": True}}
    assert assess(wound).triage == "urgent"


def test_questions_return_the_follow_ups_of_the_broad_answers_given() -> None:
    heart = assess(desk_strain(history=["heart_disease"]))
    assert heart.questions[:2] == ["heart.coronary", "heart.like_before"]
    pregnant = assess(desk_strain(history=["pregnant"], sex="female"))
    assert "pregnancy.weeks" in pregnant.questions
    answered = assess(desk_strain(history=["pregnant"], pregnancy={"weeks": 12}))
    assert "pregnancy.weeks" not in answered.questions
    # An emergency the follow-ups cannot change asks nothing; one they could, asks them.
    assert assess(desk_strain(symptoms=["chest_pain_or_pressure"], age=60)).questions == []
    young = assess(desk_strain(symptoms=["chest_pain_or_pressure"], age=26))
    assert young.questions == [
        "chest_pain.exertional",
        "chest_pain.reproducible",
        "chest_pain.days",
        "chest_pain.accompanied",
    ]


def test_every_follow_up_field_is_asked_by_the_knowledge_base() -> None:
    asked = {path for rule in knowledge_base().follow_ups for path in rule.ask}
    for group in FOLLOW_UP_GROUPS:
        fields = Intake.model_fields[group].annotation.__args__[0].model_fields  # type: ignore[union-attr]
        assert {f"{group}.{name}" for name in fields} <= asked, group
    assert "function.getting_better" in asked
