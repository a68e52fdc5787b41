"""Turn a stored assessment into what a page shows, in the reader's language.

Texts come from the engine (`translate` re-renders a stored assessment in English or Spanish);
this module only attaches labels, review dates and illustrations. It decides nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import get_language, gettext

from upperback.clinical import Assessment

from . import labels
from .forms import STEPS as WIZARD_STEPS
from .illustrations import exercise_svg
from .intake_mapping import step_of
from .models import AssessmentRecord


def reader_language() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def localized(record: AssessmentRecord, language: str | None = None) -> Assessment:
    """The engine's stored answer re-rendered in the reader's language."""
    from upperback.clinical import translate

    stored = Assessment.model_validate(record.assessment)
    wanted = language or reader_language()
    return stored if stored.language == wanted else translate(stored, wanted)


class SourceList:
    """The page's numbered references, numbered in the order the page first cites them.

    Each reason shows a short readable label and its number; the page ends with the full
    references (the engine's `citation`), so a patient never reads a raw key like "dahm2010".
    """

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def cite(self, key: str) -> dict[str, Any] | None:
        if not key:
            return None
        number = self._numbers.setdefault(key, len(self._numbers) + 1)
        return {"n": number, "key": key, "short": _citation(key, short=True)}

    def listed(self) -> list[dict[str, Any]]:
        return [
            {"n": n, "key": key, "reference": _citation(key)} for key, n in self._numbers.items()
        ]


def _citation(key: str, *, short: bool = False) -> str:
    """The knowledge base's text for `key`; a stored key it no longer holds is shown as is."""
    from upperback.clinical import citation

    try:
        return citation(key, short=short)
    except KeyError:
        return key


def disclaimer_after_lead(disclaimer: str) -> str:
    """The engine's disclaimer without the sentence the page already shows in bold.

    The page leads with "This is not a diagnosis." and the engine's text starts with the same
    sentence: say it once. A disclaimer that starts otherwise is shown whole.
    """
    lead = gettext("This is not a diagnosis.")
    return disclaimer.removeprefix(lead).strip()


def questions(assessment: Assessment) -> list[dict[str, Any]]:
    """The unanswered fields that could change the triage, in plain words, with the wizard
    step that asks each (None when no step asks it)."""
    titles = {name: title for name, title, _form in WIZARD_STEPS}
    out = []
    for field in assessment.questions:
        step = step_of(field)
        out.append(
            {
                "field": field,
                "words": labels.field_words([field]),
                "step": step,
                "step_title": titles.get(step or ""),
            }
        )
    return out


def _step_view(step: Any, start: dt.date, sources: SourceList) -> dict[str, Any]:
    return {
        "step": step,
        "cite": sources.cite(step.evidence.source),
        "label": labels.PLAN_STEPS.get(step.step, step.step),
        "who": labels.SPECIALTIES.get(step.delivered_by, step.delivered_by),
        "grade": labels.GRADES.get(step.evidence.grade, step.evidence.grade),
        "review_on": start + dt.timedelta(days=step.review_after_days),
        "exercises": [
            {"exercise": ex, "svg": exercise_svg(ex.id, ex.name)} for ex in step.details.exercises
        ],
    }


def phases(assessment: Assessment, start: dt.date, sources: SourceList) -> list[dict[str, Any]]:
    numbers = sorted({step.phase for step in assessment.plan})
    return [
        {
            "number": n,
            "steps": [_step_view(s, start, sources) for s in assessment.plan if s.phase == n],
            "review_on": start
            + dt.timedelta(days=max(s.review_after_days for s in assessment.plan if s.phase == n)),
        }
        for n in numbers
    ]


def result_context(record: AssessmentRecord) -> dict[str, Any]:
    assessment = localized(record)
    start = record.created_at.date()
    triage = record.current_triage
    cited = SourceList()  # filled in page order: warning signs, then plan, then left out
    red_flags = [
        {"flag": f, "because": labels.field_words(f.because), "cite": cited.cite(f.source)}
        for f in assessment.red_flags
    ]
    plan = phases(assessment, start, cited)
    withheld = [
        {
            "withheld": held,
            "label": labels.PLAN_STEPS.get(held.step, held.step),
            "cite": cited.cite(held.source),
        }
        for held in assessment.withheld
    ]
    return {
        "record": record,
        "assessment": assessment,
        "triage": triage,
        "triage_title": labels.TRIAGE_TITLE[triage],
        "triage_now": labels.TRIAGE_NOW[triage],
        "engine_triage_title": labels.TRIAGE_TITLE[record.triage],
        "overrides": list(record.overrides.select_related("author")),
        "sources": [
            {
                "source": s,
                "label": labels.SOURCES.get(s.id, s.id),
                "percent": round(s.score * 100),
                "because": labels.field_words(s.because),
            }
            for s in assessment.likely_sources
        ],
        "red_flags": red_flags,
        "phases": plan,
        "withheld": withheld,
        "cited": cited.listed(),
        "disclaimer": disclaimer_after_lead(assessment.disclaimer),
        "questions": questions(assessment),
        "consult_label": labels.SPECIALTIES.get(assessment.consult.specialty or "", ""),
        "removed_steps": _removed(record),
    }


def _removed(record: AssessmentRecord) -> set[str]:
    latest = record.overrides.order_by("-created_at").first()
    return set(latest.removed_steps) if latest else set()
