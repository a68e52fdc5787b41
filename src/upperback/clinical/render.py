"""Turn the engine's language-free decisions into the contract's texts, in one language.

Every text comes from the knowledge base by id, so a stored assessment can be re-rendered
in another language (`translate`). The engine built every value here itself from validated
data, so the models are made with `model_construct`: re-validating them would only cost time
(the property tests validate the output against the schema instead).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from upperback.clinical.contract import (
    Consult,
    Evidence,
    ExercisePrescription,
    LikelySource,
    PlanChange,
    PlanStep,
    RedFlag,
    StepDetails,
    Withheld,
)
from upperback.clinical.decide import ConsultDecision, FiredFlag, ScoredSource
from upperback.clinical.kb_schema import (
    ContraindicationRule,
    ExerciseRule,
    Language,
    StepRule,
)
from upperback.clinical.knowledge import KnowledgeBase

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__
# BaseModel's own slots, set through their descriptors: cheaper than object.__setattr__.
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def build(model: type[M], **values: Any) -> M:
    """model_construct for a model whose every field the engine has just set itself.

    pydantic's model_construct walks the defaults of every field on each call; the engine
    makes about twenty-six of these per assessment, so it sets the instance state directly.
    Measured (2026-11-29, `RedFlag`, timeit): `build` 31 us, `model_construct` 80 us, full
    validation 45 us on a loaded 2-core VM: model_construct would cost the engine about a
    quarter of its speed and its 5,000 assessments a second. Only for output models without
    private attributes or extras (the contract's); the property tests validate every output.
    """
    return _make(model, values)


def _make(model: type[M], values: dict[str, Any]) -> M:
    """`build` from a dict the caller has just made (and hands over): no keyword repacking."""
    instance = _new(model)
    _set(instance, "__dict__", values)
    _set_fields(instance, set(values))
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance


def red_flag(flag: FiredFlag, language: Language) -> RedFlag:
    rule = flag.rule
    return _make(
        RedFlag,
        {
            "id": rule.id,
            "level": rule.level,
            "because": flag.because,
            "source": rule.source,
            "explanation": rule.because(language),
        },
    )


def likely_source(scored: ScoredSource) -> LikelySource:
    return _make(
        LikelySource, {"id": scored.rule.id, "score": scored.score, "because": scored.because}
    )


def exercise(rule: ExerciseRule, language: Language) -> ExercisePrescription:
    return _exercise(_exercise_values(rule, language))


def _exercise_values(rule: ExerciseRule, language: Language) -> dict[str, Any]:
    """An exercise's fields in one language (a plan step's are kept in its template)."""
    return {
        "id": rule.id,
        "name": rule.name(language),
        "sets": rule.sets,
        "repetitions": rule.repetitions,
        "hold_seconds": rule.hold_seconds,
        "per_day": rule.per_day,
        "instructions": tuple(line(language) for line in rule.instructions),
        "progression": rule.progression(language),
    }


def _exercise(template: dict[str, Any]) -> ExercisePrescription:
    """A fresh prescription from its template: its own dict and its own instruction list."""
    values = template.copy()
    values["instructions"] = list(values["instructions"])
    return _make(ExercisePrescription, values)


@dataclass(frozen=True)
class _StepTemplate:
    """A plan step's texts and fields in one language, worked out once per KB."""

    head: dict[str, Any]  # step, phase, delivered_by, review_after_days
    summary: str
    exercises: tuple[dict[str, Any], ...]
    because: str
    evidence: dict[str, Any]


@functools.cache
def _step_template(kb: KnowledgeBase, step_id: str, language: Language) -> _StepTemplate:
    step = kb.steps[step_id]
    note = step.evidence.note
    return _StepTemplate(
        head={
            "step": step.id,
            "phase": step.phase,
            "delivered_by": step.delivered_by,
            "review_after_days": step.review_after_days,
        },
        summary=step.summary(language),
        exercises=tuple(_exercise_values(kb.exercises[e], language) for e in step.exercises),
        because=step.because(language),
        evidence={
            "grade": step.evidence.grade,
            "source": step.evidence.source,
            "note": note(language) if note else "",
        },
    )


def plan_step(kb: KnowledgeBase, step: StepRule, language: Language) -> PlanStep:
    # Fresh models and containers each time (callers may hold and change them); only the
    # immutable texts and numbers are shared. Keys keep the contract's field order.
    template = _step_template(kb, step.id, language)
    values = template.head.copy()
    values["details"] = _make(
        StepDetails,
        {
            "summary": template.summary,
            "exercises": [_exercise(item) for item in template.exercises],
        },
    )
    values["because"] = template.because
    values["evidence"] = _make(Evidence, template.evidence.copy())
    return _make(PlanStep, values)


def withheld(step: StepRule, rule: ContraindicationRule, language: Language) -> Withheld:
    return _make(
        Withheld,
        {
            "step": step.id,
            "because": rule.because(language),
            "rule": rule.id,
            "source": rule.source,
        },
    )


def consult_text(
    kb: KnowledgeBase, reason: str, within_days: int | None, language: Language
) -> str:
    template = kb.escalation.consult_reasons[reason](language)
    return template.replace("{days}", str(within_days if within_days is not None else ""))


def consult(kb: KnowledgeBase, decision: ConsultDecision, language: Language) -> Consult:
    return build(
        Consult,
        recommended=decision.recommended,
        specialty=decision.specialty,
        within_days=decision.within_days,
        because=consult_text(kb, decision.reason, decision.within_days, language),
        reason=decision.reason,
    )


def plan_change(
    kb: KnowledgeBase,
    step: str,
    choice: str,
    kind: str,
    replaced_by: str | None,
    language: Language,
) -> PlanChange:
    """What one preference did, in the knowledge base's words with the steps' names."""
    text = kb.preference_changes[kind](language).replace("{step}", kb.steps[step].name(language))
    if replaced_by is not None:
        text = text.replace("{alternative}", kb.steps[replaced_by].name(language))
    return build(
        PlanChange,
        step=step,
        choice=choice,
        change=kind,
        replaced_by=replaced_by,
        because=text,
    )
