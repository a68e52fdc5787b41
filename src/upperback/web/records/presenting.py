"""Turn a stored assessment into what a page shows, in the reader's language.

Texts come from the engine (`translate` re-renders a stored assessment in English or Spanish);
this module only attaches labels, review dates and illustrations. It decides nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

from upperback.clinical import Assessment

from .illustrations import exercise_svg
from .intake_fields import STEPS, field_words, step_of
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


def kb_label(kind: Any, item: str) -> str:
    """The knowledge base's name of a plan step or a likely source, in the reader's language
    (an id it no longer holds is shown as it is)."""
    from upperback.clinical import kb_name

    try:
        return kb_name(kind, item, reader_language())
    except (KeyError, StopIteration):
        return item


def triage_title(level: str) -> str:
    """A triage level's short name in the knowledge base (the badge; "what to do now" follows)."""
    return kb_label("triage_short", level)


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
    titles = dict(STEPS)
    out = []
    for field in assessment.questions:
        step = step_of(field)
        out.append(
            {
                "field": field,
                "words": field_words([field]),
                "step": step,
                "step_title": titles.get(step or ""),
            }
        )
    return out


def _step_view(step: Any, start: dt.date, sources: SourceList) -> dict[str, Any]:
    return {
        "step": step,
        "cite": sources.cite(step.evidence.source),
        "label": kb_label("step", step.step),
        "who": capfirst(kb_label("who", step.delivered_by)),
        "grade": capfirst(kb_label("grade", step.evidence.grade)),
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
        {"flag": f, "because": field_words(f.because), "cite": cited.cite(f.source)}
        for f in assessment.red_flags
    ]
    plan = phases(assessment, start, cited)
    withheld = [
        {
            "withheld": held,
            "label": kb_label("step", held.step),
            "cite": cited.cite(held.source),
        }
        for held in assessment.withheld
    ]
    return {
        "record": record,
        "assessment": assessment,
        "triage": triage,
        "triage_title": triage_title(triage),
        "triage_now": kb_label("triage_now", triage),
        "engine_triage_title": triage_title(record.triage),
        "overrides": list(record.overrides.select_related("author")),
        "sources": [
            {
                "source": s,
                "label": kb_label("source", s.id),
                "percent": round(s.score * 100),
                "because": field_words(s.because),
            }
            for s in assessment.likely_sources
        ],
        "red_flags": red_flags,
        "phases": plan,
        "withheld": withheld,
        "cited": cited.listed(),
        "disclaimer": disclaimer_after_lead(assessment.disclaimer),
        "questions": questions(assessment),
        "consult_label": capfirst(kb_label("who", assessment.consult.specialty or ""))
        if assessment.consult.specialty
        else "",
        "removed_steps": _removed(record),
    }


def _removed(record: AssessmentRecord) -> set[str]:
    latest = record.overrides.order_by("-created_at").first()
    return set(latest.removed_steps) if latest else set()
