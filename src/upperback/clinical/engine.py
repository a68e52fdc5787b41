"""`assess(intake) -> Assessment`: the one entry point of the clinical engine.

The red-flag screen runs first and decides the triage; an emergency stops there (no sources,
no plan: the only advice is the emergency department). Otherwise the likely sources are
scored, the plan is drawn from the treatments they and the intake allow, and
contraindications move steps to `withheld`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from upperback.clinical import decide, preferences, psychosocial, render
from upperback.clinical.contract import Assessment, ExercisePrescription, Intake, PlanStep
from upperback.clinical.fields import context_of
from upperback.clinical.kb_schema import (
    LANGUAGES,
    ContraindicationRule,
    Language,
    StepRule,
)
from upperback.clinical.knowledge import KnowledgeBase, knowledge_base


def _language(language: str) -> Language:
    for known in LANGUAGES:
        if language == known:
            return known
    raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")


def assess(intake: Intake | Mapping[str, Any], *, language: str = "en") -> Assessment:
    """Assess an intake (a model or a plain dict, validated here) in `language`."""
    lang = _language(language)
    if isinstance(intake, Mapping):  # cheaper than asking pydantic's metaclass about Intake
        intake = Intake.model_validate(intake)
    kb = knowledge_base()
    context = context_of(intake)
    context["psychosocial.stratum"] = psychosocial.stratum_of(kb, context["phq4.score"])
    fired = decide.screen(kb, context)
    triage = decide.triage_of(fired)
    context["triage"] = triage
    if triage == "emergency":
        sources: list[decide.ScoredSource] = []
        placed: list[preferences.Placed] = []
        changes: list[preferences.Change] = []
        withheld: list[tuple[StepRule, ContraindicationRule]] = []
    else:
        sources = decide.score_sources(kb, context)
        plan, withheld = decide.plan_steps(kb, context)
        placed, changes = preferences.apply(kb, context, plan, intake.preferences)
    consult = decide.consult_for(kb, triage, fired, [item.rule for item in placed], sources)
    return render.build(
        Assessment,
        contract="1",
        knowledge_base=kb.version,
        triage=triage,
        red_flags=[render.red_flag(flag, lang) for flag in fired],
        likely_sources=[render.likely_source(source) for source in sources],
        plan=[_placed_step(kb, item, lang) for item in placed],
        consult=render.consult(kb, consult, lang),
        withheld=[render.withheld(step, rule, lang) for step, rule in withheld],
        questions=decide.questions(kb, context, triage, fired),
        screening_complete=decide.screening_complete(context),
        changes=[render.plan_change(kb, *change, lang) for change in changes],
        psychosocial=psychosocial.result(kb, context, lang),
        language=lang,
        disclaimer=kb.meta.disclaimer(lang),
    )


def _placed_step(kb: KnowledgeBase, item: preferences.Placed, language: Language) -> PlanStep:
    step = render.plan_step(kb, item.rule, language)
    if item.phase != item.rule.phase:  # an alternative takes the phase of the declined step
        step.__dict__["phase"] = item.phase
    return step


def translate(assessment: Assessment, language: str) -> Assessment:
    """Re-render a stored assessment's texts in `language` from the ids it holds."""
    lang = _language(language)
    kb = knowledge_base()
    flags = {rule.id: rule for rule in kb.red_flags}
    contraindications = {rule.id: rule for rule in kb.contraindications}
    red_flags = [
        flag.model_copy(update={"explanation": flags[flag.id].because(lang)})
        if flag.id in flags
        else flag
        for flag in assessment.red_flags
    ]
    plan = [
        render.plan_step(kb, kb.steps[step.step], lang).model_copy(
            update={"phase": step.phase, "review_after_days": step.review_after_days}
        )
        for step in assessment.plan
    ]
    withheld = [
        render.withheld(kb.steps[item.step], contraindications[item.rule], lang)
        if item.rule in contraindications
        else item
        for item in assessment.withheld
    ]
    changes = [
        render.plan_change(kb, c.step, c.choice, c.change, c.replaced_by, lang)
        for c in assessment.changes
    ]
    screen = assessment.psychosocial
    if screen is not None and kb.psychosocial is not None:
        band = next(b for b in kb.psychosocial.strata if b.stratum == screen.stratum)
        screen = screen.model_copy(update={"because": band.because(lang)})
    consult = assessment.consult
    if consult.reason in kb.escalation.consult_reasons:
        text = render.consult_text(kb, consult.reason, consult.within_days, lang)
        consult = consult.model_copy(update={"because": text})
    return assessment.model_copy(
        update={
            "red_flags": red_flags,
            "plan": plan,
            "withheld": withheld,
            "changes": changes,
            "consult": consult,
            "psychosocial": screen,
            "language": lang,
            "disclaimer": kb.meta.disclaimer(lang),
        }
    )


# The consultation a clinician's triage calls for, worded by the knowledge base's reasons.
_REASON_AT = {"urgent": "red_flag_today", "soon": "red_flag", "routine": "review"}


def with_triage(assessment: Assessment, triage: str) -> Assessment:
    """The assessment as a clinician's triage leaves it: the triage and the consultation follow
    `triage` (the window from the knowledge base; the specialty the engine named, else the
    leading likely source's, else primary care); the plan and the reasons stay the engine's.
    The same triage returns the assessment unchanged."""
    if triage == assessment.triage:
        return assessment
    kb = knowledge_base()
    days = kb.escalation.consult_within_days[triage]  # type: ignore[index]
    if triage == "emergency":
        decision = decide.ConsultDecision(True, "emergency_department", days, "emergency")
    elif triage == "self_care":
        decision = decide.ConsultDecision(False, None, None, "self_care")
    else:
        decision = decide.ConsultDecision(
            True, _specialty(kb, assessment), days, _REASON_AT[triage]
        )
    consult = render.consult(kb, decision, _language(assessment.language))
    return assessment.model_copy(update={"triage": triage, "consult": consult})


def _specialty(kb: Any, assessment: Assessment) -> Any:
    named = assessment.consult.specialty
    if assessment.consult.recommended and named not in (None, "emergency_department"):
        return named
    specialties = {rule.id: rule.specialty for rule in kb.sources}
    leading = [specialties[s.id] for s in assessment.likely_sources if s.id in specialties]
    return leading[0] if leading else "primary_care"


def exercise_library(language: str = "en") -> list[ExercisePrescription]:
    """Every exercise of the knowledge base, rendered in `language`, in KB order."""
    lang = _language(language)
    return [render.exercise(rule, lang) for rule in knowledge_base().exercises.values()]


def knowledge_base_version() -> str:
    return knowledge_base().version


def citation(key: str, *, short: bool = False) -> str:
    """The full reference behind a `source` key, or its short label (KeyError if unknown)."""
    found = knowledge_base().citations[key]
    return found.short if short else found.reference
