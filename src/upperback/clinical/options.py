"""A plan step told as an option to weigh: what it involves, how long, who gives it, the
evidence, the common risks and what happens if she waits, each with its source (1.2).

Plain data from the knowledge base in one language, for the "Your options" page.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from upperback.clinical.contract import DeliveredBy, Grade, StepId
from upperback.clinical.engine import _language
from upperback.clinical.kb_schema import SourcedText
from upperback.clinical.knowledge import knowledge_base


class Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    source: str


class StepOption(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    step: StepId
    name: str
    phase: int
    delivered_by: DeliveredBy
    summary: str
    course: Sourced
    grade: Grade
    evidence_source: str
    evidence_note: str
    risks: Sourced
    if_waiting: Sourced
    exercises: list[str]
    alternatives: list[StepId]
    safety: bool


def _sourced(text: SourcedText, language: str) -> Sourced:
    return Sourced(text=text.es if language == "es" else text.en, source=text.source)


def step_option(step_id: str, language: str = "en") -> StepOption:
    """One step of the knowledge base as an option, in `language` (KeyError if unknown)."""
    lang = _language(language)
    step = knowledge_base().steps[step_id]
    note = step.evidence.note
    return StepOption(
        step=step.id,
        name=step.name(lang),
        phase=step.phase,
        delivered_by=step.delivered_by,
        summary=step.summary(lang),
        course=_sourced(step.course, lang),
        grade=step.evidence.grade,
        evidence_source=step.evidence.source,
        evidence_note=note(lang) if note else "",
        risks=_sourced(step.risks, lang),
        if_waiting=_sourced(step.if_waiting, lang),
        exercises=list(step.exercises),
        alternatives=list(step.alternatives),
        safety=step.safety or step.safety_when is not None,
    )
