"""`escalate(assessment, progress, today)`: what the review of a plan decides. Pure.

Rules are data (escalation.yaml): a new warning sign re-triages; pain worse by the threshold,
or function lost, offers a consultation soon; at the review date, no clinically important
improvement (pain down 2 points or 30%, Farrar 2001; PSFS up 2 points, Abbott 2014) moves the
patient up a phase and offers a consultation. Each check-in also decides the week's exercise
dosage (`dosage.weekly_dosage`). Nothing here reads a clock: `today` is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from upperback.clinical.contract import (
    Assessment,
    Consult,
    HistoryItem,
    Intake,
    Medication,
    Specialty,
    Symptom,
)
from upperback.clinical.dosage import DoseChange, weekly_dosage
from upperback.clinical.engine import assess
from upperback.clinical.kb_schema import EscalationKind, EscalationRule, Language
from upperback.clinical.knowledge import KnowledgeBase, knowledge_base
from upperback.clinical.render import consult_text

Action = Literal["continue", "step_up", "consult", "retriage"]


class Reading(BaseModel):
    """One progress reading: pain 0-10 (NRS) and/or the mean PSFS score 0-10."""

    model_config = ConfigDict(extra="forbid", strict=True)

    on: dt.date = Field(strict=False)  # ISO text from JSON is fine for a date
    pain_nrs: int | None = Field(default=None, ge=0, le=10)
    psfs: float | None = Field(default=None, ge=0, le=10)
    # Added in contract 1.2 (optional: earlier readings stay valid).
    pain_worst_week: int | None = Field(default=None, ge=0, le=10)
    loss_of_function: bool | None = None
    sessions: dict[str, int] = Field(
        default_factory=dict, description="exercise id -> sessions done in the week before"
    )


class Progress(BaseModel):
    """Where the patient is in the plan, their readings, and anything new they reported."""

    model_config = ConfigDict(extra="forbid", strict=True)

    phase: int = Field(default=1, ge=1)
    phase_started_on: dt.date = Field(strict=False)
    readings: list[Reading] = Field(default_factory=list)
    new_symptoms: list[Symptom] = Field(default_factory=list)
    new_history: list[HistoryItem] = Field(default_factory=list)
    new_medications: list[Medication] = Field(default_factory=list)
    dosage: dict[str, int] = Field(
        default_factory=dict, description="exercise id -> dosage level now (1 when absent)"
    )


class Escalation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    rules: list[str] = Field(description="the escalation rules that decided")
    reason: str = Field(description="the knowledge-base reason id of `because`")
    because: str
    phase: int = Field(ge=1)
    review_on: dt.date | None
    consult: Consult | None = None
    assessment: Assessment | None = Field(default=None, description="set on re-triage")
    dosage: list[DoseChange] = Field(
        default_factory=list, description="the week's level of each exercise; empty on re-triage"
    )


def _rule(kb: KnowledgeBase, kind: EscalationKind) -> EscalationRule:
    return next(rule for rule in kb.escalation.rules if rule.kind == kind)


def _phase_days(assessment: Assessment, phase: int) -> int:
    days = [step.review_after_days for step in assessment.plan if step.phase == phase]
    return max(days, default=28)


def _series(progress: Progress, today: dt.date, measure: str) -> list[float]:
    readings = sorted((r for r in progress.readings if r.on <= today), key=lambda r: r.on)
    return [value for r in readings if (value := getattr(r, measure)) is not None]


def _improved(kb: KnowledgeBase, progress: Progress, today: dt.date) -> bool | None:
    """True or False by the thresholds; None when no measure has two readings."""
    limits = kb.escalation.thresholds
    pain, psfs = _series(progress, today, "pain_nrs"), _series(progress, today, "psfs")
    if len(pain) < 2 and len(psfs) < 2:
        return None
    if len(pain) >= 2:
        drop = pain[0] - pain[-1]
        if drop >= limits.nrs_points or (
            pain[0] > 0 and 100 * drop / pain[0] >= limits.nrs_percent
        ):
            return True
    return len(psfs) >= 2 and psfs[-1] - psfs[0] >= limits.psfs_points


def _pain_worse(kb: KnowledgeBase, progress: Progress, today: dt.date) -> bool:
    pain = _series(progress, today, "pain_nrs")
    return len(pain) >= 2 and pain[-1] - pain[0] >= kb.escalation.thresholds.worse_nrs_points


def _function_lost(kb: KnowledgeBase, progress: Progress, today: dt.date) -> bool:
    """The latest reading says usual activities are lost (and the first did not), or the PSFS
    fell by its minimal important difference."""
    readings = sorted((r for r in progress.readings if r.on <= today), key=lambda r: r.on)
    if not readings:
        return False
    lost = readings[-1].loss_of_function is True and readings[0].loss_of_function is not True
    psfs = _series(progress, today, "psfs")
    fell = len(psfs) >= 2 and psfs[0] - psfs[-1] >= kb.escalation.thresholds.psfs_points
    return lost or fell


def _week_pain(reading: Reading) -> int | None:
    values = [v for v in (reading.pain_nrs, reading.pain_worst_week) if v is not None]
    return max(values, default=None)


def _with_dosage(
    assessment: Assessment, progress: Progress, today: dt.date, result: Escalation
) -> Escalation:
    """The week's dosage at the phase the decision moves to, from the latest two readings."""
    readings = sorted((r for r in progress.readings if r.on <= today), key=lambda r: r.on)
    latest = readings[-1] if readings else None
    before = readings[-2] if len(readings) >= 2 else None
    dosage = weekly_dosage(
        assessment,
        result.phase,
        progress.dosage,
        week_pain=_week_pain(latest) if latest else None,
        last_week_pain=_week_pain(before) if before else None,
        sessions=latest.sessions if latest else {},
    )
    return result.model_copy(update={"dosage": dosage})


def _consult(
    kb: KnowledgeBase, specialty: Specialty | None, days: int, reason: str, language: Language
) -> Consult:
    return Consult(
        recommended=True,
        specialty=specialty,
        within_days=days,
        because=consult_text(kb, reason, days, language),
        reason=reason,
    )


def _result(
    kb: KnowledgeBase, language: Language, action: Action, reason: str, **fields: Any
) -> Escalation:
    return Escalation(
        action=action, reason=reason, because=consult_text(kb, reason, None, language), **fields
    )


def _retriage(
    kb: KnowledgeBase, assessment: Assessment, progress: Progress, intake: Intake
) -> Escalation | None:
    """Re-assess with what is new; None when it changes nothing about the warning signs."""
    merged = intake.model_copy(
        update={
            "symptoms": sorted({*(intake.symptoms or []), *progress.new_symptoms}),
            "history": sorted({*(intake.history or []), *progress.new_history}),
            "medications": sorted({*(intake.medications or []), *progress.new_medications}),
        }
    )
    again = assess(merged, language=assessment.language)
    if {f.id for f in again.red_flags} <= {f.id for f in assessment.red_flags}:
        return None
    rule = _rule(kb, "new_red_flag")
    return Escalation(
        action="retriage",
        rules=[rule.id],
        reason=rule.id,
        because=rule.because(assessment.language),
        phase=1,
        review_on=None,
        consult=again.consult,
        assessment=again,
    )


def _at_review(
    kb: KnowledgeBase, assessment: Assessment, progress: Progress, today: dt.date
) -> Escalation:
    language = assessment.language
    improved = _improved(kb, progress, today)
    if improved is None:
        return _result(
            kb, language, "continue", "no_readings", rules=[], phase=progress.phase, review_on=today
        )
    if improved:
        next_review = today + dt.timedelta(days=_phase_days(assessment, progress.phase))
        return _result(
            kb,
            language,
            "continue",
            "improving",
            rules=[],
            phase=progress.phase,
            review_on=next_review,
        )
    rule = _rule(kb, "no_important_improvement")
    days = kb.escalation.consult_within_days["soon"]
    later = sorted({step.phase for step in assessment.plan if step.phase > progress.phase})
    if not later:
        return _result(
            kb,
            language,
            "consult",
            "last_phase",
            rules=[rule.id],
            phase=progress.phase,
            review_on=None,
            consult=_consult(kb, rule.consult, days, "last_phase", language),
        )
    return _result(
        kb,
        language,
        "step_up",
        "no_improvement",
        rules=[rule.id],
        phase=later[0],
        review_on=today + dt.timedelta(days=_phase_days(assessment, later[0])),
        consult=_consult(
            kb, _specialty_of_phase(assessment, later[0], rule), days, "no_improvement", language
        ),
    )


def _specialty_of_phase(
    assessment: Assessment, phase: int, rule: EscalationRule
) -> Specialty | None:
    for step in assessment.plan:
        if step.phase == phase and step.delivered_by != "self":
            specialty: Specialty = step.delivered_by
            return specialty
    return rule.consult


def escalate(
    assessment: Assessment,
    progress: Progress | Mapping[str, Any],
    today: dt.date,
    *,
    intake: Intake | Mapping[str, Any] | None = None,
) -> Escalation:
    """Decide the next move for a patient on `assessment`'s plan, as of `today`.

    `intake` (the one assessed) is needed only to re-triage newly reported warning signs.
    """
    kb = knowledge_base()
    progress = progress if isinstance(progress, Progress) else Progress.model_validate(progress)
    if progress.new_symptoms or progress.new_history or progress.new_medications:
        if intake is None:
            raise ValueError("new symptoms, history or medicines need the intake to re-triage")
        intake = intake if isinstance(intake, Intake) else Intake.model_validate(intake)
        retriaged = _retriage(kb, assessment, progress, intake)
        if retriaged is not None:
            return retriaged
    if not assessment.plan:
        return Escalation(
            action="consult",
            rules=[],
            reason=assessment.consult.reason,
            because=assessment.consult.because,
            phase=progress.phase,
            review_on=None,
            consult=assessment.consult,
        )
    return _with_dosage(assessment, progress, today, _review(kb, assessment, progress, today))


def _review(
    kb: KnowledgeBase, assessment: Assessment, progress: Progress, today: dt.date
) -> Escalation:
    language = assessment.language
    checks: tuple[
        tuple[EscalationKind, Callable[[KnowledgeBase, Progress, dt.date], bool], str], ...
    ]
    checks = (
        ("pain_worse", _pain_worse, "review"),
        ("function_lost", _function_lost, "function_lost"),
    )
    for kind, worse, reason in checks:
        if worse(kb, progress, today):
            rule = _rule(kb, kind)
            days = kb.escalation.consult_within_days["soon"]
            return Escalation(
                action="consult",
                rules=[rule.id],
                reason=rule.id,
                because=rule.because(language),
                phase=progress.phase,
                review_on=None,
                consult=_consult(kb, rule.consult, days, reason, language),
            )
    review_on = progress.phase_started_on + dt.timedelta(
        days=_phase_days(assessment, progress.phase)
    )
    if today < review_on:
        return _result(
            kb,
            language,
            "continue",
            "keep_going",
            rules=[],
            phase=progress.phase,
            review_on=review_on,
        )
    return _at_review(kb, assessment, progress, today)


def plan_ends_on(assessment: Assessment, phase: int, phase_started_on: dt.date) -> dt.date | None:
    """The day the plan's last phase reaches its review, counting from the start of `phase`
    (the phase the patient is in); None for a plan without steps from that phase on."""
    phases = sorted({step.phase for step in assessment.plan if step.phase >= phase})
    if not phases:
        return None
    days = sum(_phase_days(assessment, each) for each in phases)
    return phase_started_on + dt.timedelta(days=days)
