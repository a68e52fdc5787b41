"""The weekly exercise dosage: which level of sets and repetitions each exercise is at. Pure.

Levels are data (exercises.yaml `dosage.levels`, level 1 the prescription); the rule is data
(escalation.yaml `dosage` and the rules of kind `dosage_progress` and `dosage_flare`): a week
with little pain and most planned sessions done moves an exercise up one level, a flare moves
every exercise back one. `escalate` calls `weekly_dosage` with the week's readings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from upperback.clinical.contract import Assessment, ExercisePrescription
from upperback.clinical.kb_schema import DoseLevel, EscalationKind, Language
from upperback.clinical.knowledge import KnowledgeBase, knowledge_base

Change = Literal["up", "down", "same"]
DAYS_A_WEEK = 7


class Dose(BaseModel):
    """An exercise at a dosage level: what to do, and how many sessions a week are planned."""

    model_config = ConfigDict(extra="forbid")

    exercise: str
    name: str
    level: int = Field(ge=1)
    top_level: int = Field(ge=1, description="the exercise's highest level")
    sets: int
    repetitions: int
    hold_seconds: int = 0
    planned_per_week: int = Field(ge=1, description="sessions a week: per day times 7")


class DoseChange(Dose):
    """The week's decision for one exercise: the level it moves to, and why."""

    change: Change
    rule: str = Field(default="", description="the escalation rule that moved it, if any")
    reason: str = Field(default="", description="the knowledge-base reason id of `because`")
    because: str


def plan_exercises(assessment: Assessment, phase: int) -> list[ExercisePrescription]:
    """The exercises of the plan's steps up to `phase`, each once, in plan order."""
    seen: dict[str, ExercisePrescription] = {}
    for step in assessment.plan:
        if step.phase <= phase:
            for exercise in step.details.exercises:
                seen.setdefault(exercise.id, exercise)
    return list(seen.values())


def _levels(kb: KnowledgeBase, exercise: ExercisePrescription) -> list[DoseLevel]:
    rule = kb.exercises.get(exercise.id)
    if rule is None:  # an exercise the current knowledge base no longer has: its prescription
        return [
            DoseLevel(
                sets=exercise.sets,
                repetitions=exercise.repetitions,
                hold_seconds=exercise.hold_seconds,
            )
        ]
    return rule.levels()


def _dose(kb: KnowledgeBase, exercise: ExercisePrescription, level: int) -> Dose:
    levels = _levels(kb, exercise)
    level = min(max(level, 1), len(levels))
    at = levels[level - 1]
    return Dose(
        exercise=exercise.id,
        name=exercise.name,
        level=level,
        top_level=len(levels),
        sets=at.sets,
        repetitions=at.repetitions,
        hold_seconds=at.hold_seconds,
        planned_per_week=exercise.per_day * DAYS_A_WEEK,
    )


def current_dosage(
    assessment: Assessment, phase: int, levels: Mapping[str, int] | None = None
) -> list[Dose]:
    """Each exercise of the plan up to `phase` at its level (level 1 where none is given)."""
    kb = knowledge_base()
    levels = levels or {}
    return [_dose(kb, ex, levels.get(ex.id, 1)) for ex in plan_exercises(assessment, phase)]


def _rule_id(kb: KnowledgeBase, kind: EscalationKind) -> str:
    return next(rule.id for rule in kb.escalation.rules if rule.kind == kind)


def _because(kb: KnowledgeBase, rule_or_reason: str, language: Language) -> str:
    for rule in kb.escalation.rules:
        if rule.id == rule_or_reason:
            return rule.because(language)
    return kb.escalation.consult_reasons[rule_or_reason](language)


def reason_text(reason: str, language: str) -> str | None:
    """A stored decision's reason id (an escalation rule's id or a reason of escalation.yaml)
    in plain words in `language`, to show it in the reader's language; None for an id this
    knowledge base does not have, or whose words need a number of days."""
    kb = knowledge_base()
    wanted: Language = "es" if language == "es" else "en"
    known = {rule.id for rule in kb.escalation.rules} | set(kb.escalation.consult_reasons)
    if reason not in known:
        return None
    text = _because(kb, reason, wanted)
    return None if "{days}" in text else text


def _decide(
    kb: KnowledgeBase, dose: Dose, flare: bool, easy_week: bool, done: int
) -> tuple[Change, str, str]:
    """(change, rule id, reason id) for one exercise."""
    limits = kb.escalation.dosage
    if flare:
        rule = _rule_id(kb, "dosage_flare")
        return ("down", rule, rule) if dose.level > 1 else ("same", rule, rule)
    if easy_week and 100 * done >= limits.min_sessions_percent * dose.planned_per_week:
        rule = _rule_id(kb, "dosage_progress")
        return ("up", rule, rule) if dose.level < dose.top_level else ("same", "", "dosage_top")
    return "same", "", "dosage_same"


def weekly_dosage(
    assessment: Assessment,
    phase: int,
    levels: Mapping[str, int],
    *,
    week_pain: int | None,
    last_week_pain: int | None,
    sessions: Mapping[str, int],
) -> list[DoseChange]:
    """The week's dosage decision for every exercise of the plan up to `phase`.

    `week_pain`: this week's pain (the worse of now and worst this week); `last_week_pain`
    the same a week before (None at the first check-in); `sessions`: sessions done this week
    by exercise id."""
    kb = knowledge_base()
    limits = kb.escalation.dosage
    flare = (
        week_pain is not None
        and last_week_pain is not None
        and week_pain - last_week_pain >= limits.flare_nrs_points
    )
    easy_week = week_pain is not None and week_pain <= limits.max_pain
    changes = []
    for dose in current_dosage(assessment, phase, levels):
        change, rule, reason = _decide(kb, dose, flare, easy_week, sessions.get(dose.exercise, 0))
        step = {"up": 1, "down": -1, "same": 0}[change]
        moved = _dose(kb, _prescription(assessment, dose.exercise), dose.level + step)
        changes.append(
            DoseChange(
                **moved.model_dump(),
                change=change,
                rule=rule,
                reason=reason,
                because=_because(kb, reason, assessment.language),
            )
        )
    return changes


def _prescription(assessment: Assessment, exercise_id: str) -> ExercisePrescription:
    return next(
        ex for step in assessment.plan for ex in step.details.exercises if ex.id == exercise_id
    )
