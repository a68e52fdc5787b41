"""Turn the engine's language-free decisions into the contract's texts, in one language.

Every text comes from the knowledge base by id, so a stored assessment can be re-rendered
in another language (`translate`). The engine built every value here itself from validated
data, so the models are made with `model_construct`: re-validating them would only cost time
(the property tests validate the output against the schema instead).
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from pydantic import BaseModel

from upperback.clinical.contract import (
    Consult,
    Evidence,
    ExercisePrescription,
    LikelySource,
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


def build(model: type[M], **values: Any) -> M:
    """model_construct for a model whose every field the engine has just set itself.

    pydantic's model_construct walks the defaults of every field on each call; the engine
    makes about forty of these per assessment, so it sets the instance state directly.
    Only for output models without private attributes or extras (the contract's).
    """
    instance = _new(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def red_flag(flag: FiredFlag, language: Language) -> RedFlag:
    rule = flag.rule
    return build(
        RedFlag,
        id=rule.id,
        level=rule.level,
        because=flag.because,
        source=rule.source,
        explanation=rule.because(language),
    )


def likely_source(scored: ScoredSource) -> LikelySource:
    return build(LikelySource, id=scored.rule.id, score=scored.score, because=scored.because)


def exercise(rule: ExerciseRule, language: Language) -> ExercisePrescription:
    return build(
        ExercisePrescription,
        id=rule.id,
        name=rule.name(language),
        sets=rule.sets,
        repetitions=rule.repetitions,
        hold_seconds=rule.hold_seconds,
        per_day=rule.per_day,
        instructions=[line(language) for line in rule.instructions],
        progression=rule.progression(language),
    )


@functools.cache
def _step_texts(kb: KnowledgeBase, step_id: str, language: Language) -> tuple[str, str, str]:
    step = kb.steps[step_id]
    note = step.evidence.note
    return step.summary(language), step.because(language), note(language) if note else ""


def plan_step(kb: KnowledgeBase, step: StepRule, language: Language) -> PlanStep:
    summary, because, note = _step_texts(kb, step.id, language)
    return build(
        PlanStep,
        step=step.id,
        phase=step.phase,
        delivered_by=step.delivered_by,
        review_after_days=step.review_after_days,
        details=build(
            StepDetails,
            summary=summary,
            exercises=[exercise(kb.exercises[e], language) for e in step.exercises],
        ),
        because=because,
        evidence=build(
            Evidence, grade=step.evidence.grade, source=step.evidence.source, note=note
        ),
    )


def withheld(step: StepRule, rule: ContraindicationRule, language: Language) -> Withheld:
    return build(
        Withheld, step=step.id, because=rule.because(language), rule=rule.id, source=rule.source
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
