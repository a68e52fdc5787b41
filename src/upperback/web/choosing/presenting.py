"""What the choosing pages show, in the reader's language: the options side by side, the plan
with her preferences and why it changed, the plan agreed with her clinician. Decides nothing."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst

from upperback.clinical import Assessment, exercise_library, step_option, translate
from upperback.web.records.illustrations import exercise_svg
from upperback.web.records.presenting import SourceList, kb_label, localized, reader_language

from .forms import CHOICES
from .models import OTHER_CAUSE, Basis, Certainty, ConsultationOutcome, PlanPreferences


def with_preferences(preferences: PlanPreferences | None) -> Assessment | None:
    """The engine's plan with her preferences, in the reader's language."""
    if preferences is None:
        return None
    stored = Assessment.model_validate(preferences.assessment)
    wanted = reader_language()
    return stored if stored.language == wanted else translate(stored, wanted)


def _shown_phases(assessment: Assessment) -> list[int]:
    """The current phase (the first of the plan) and the next one."""
    return sorted({step.phase for step in assessment.plan})[:2]


def _option(step_id: str, sources: SourceList) -> dict[str, Any]:
    option = step_option(step_id, reader_language())
    names = {e.id: e.name for e in exercise_library(reader_language())}
    exercises = [{"name": names[e], "svg": exercise_svg(e, names[e])} for e in option.exercises]
    return {
        "option": option,
        "who": capfirst(kb_label("who", option.delivered_by)),
        "grade": capfirst(kb_label("grade", option.grade)),
        "evidence_cite": sources.cite(option.evidence_source),
        "course_cite": sources.cite(option.course.source),
        "risks_cite": sources.cite(option.risks.source),
        "waiting_cite": sources.cite(option.if_waiting.source),
        "exercises": exercises,
    }


def options(record_assessment: Assessment, sources: SourceList) -> list[dict[str, Any]]:
    """The current and next phases of the engine's plan, each with its options."""
    shown = _shown_phases(record_assessment)
    return [
        {
            "number": n,
            "options": [_option(s.step, sources) for s in record_assessment.plan if s.phase == n],
        }
        for n in shown
    ]


def plan_rows(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        {"step": s.step, "label": kb_label("step", s.step), "phase": s.phase}
        for s in assessment.plan
    ]


def choice_rows(preferences: PlanPreferences | None) -> list[dict[str, Any]]:
    """Her choices in words, for the clinician."""
    words = dict(CHOICES)
    return [
        {
            "step": item["step"],
            "label": kb_label("step", item["step"]),
            "choice": item["choice"],
            "words": str(words[item["choice"]]),
            "reason": item.get("reason", ""),
        }
        for item in (preferences.choices if preferences else [])
    ]


def outcome_view(outcome: ConsultationOutcome) -> dict[str, Any]:
    diagnosis = (
        outcome.other_cause if outcome.source == OTHER_CAUSE else kb_label("source", outcome.source)
    )
    # The rule's reason in the reader's language (the stored text is in the language of
    # whoever recorded the outcome); the stored text for a step the rules no longer leave out.
    reasons = {w.step: w.because for w in localized(outcome.record).withheld}
    return {
        "outcome": outcome,
        "diagnosis": diagnosis,
        "certainty": Certainty(outcome.certainty).label,
        "basis": Basis(outcome.basis).label,
        "steps": [
            {
                "label": kb_label("step", s["step"]),
                "note": s.get("note", ""),
                "withheld_because": reasons.get(s["step"], s.get("withheld_because", ""))
                if s.get("withheld_because")
                else "",
                "agreed_because": s.get("agreed_because", ""),
            }
            for s in outcome.agreed_steps
        ],
    }


__all__ = ["localized", "options", "outcome_view", "plan_rows", "with_preferences"]
