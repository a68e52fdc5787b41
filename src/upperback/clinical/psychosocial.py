"""The psychosocial screen: the PHQ-4 scored, its care stratum, and when to ask it again. Pure.

The bands, the stratum each gives, their reasons and sources, and the intervals for asking
again are the knowledge base's (`kb/psychosocial.yaml`); this module only reads them.
"""

from __future__ import annotations

import datetime as dt

from upperback.clinical.contract import Psychosocial, Stratum
from upperback.clinical.fields import Context
from upperback.clinical.kb_schema import Language
from upperback.clinical.knowledge import KnowledgeBase, knowledge_base


def stratum_of(kb: KnowledgeBase, score: int | None) -> Stratum | None:
    """The care stratum of a PHQ-4 total (None when not answered)."""
    if score is None or kb.psychosocial is None:
        return None
    for band in kb.psychosocial.strata:
        if score <= band.max_score:
            return band.stratum
    raise ValueError(f"phq4.score: {score} is above every band")


def result(kb: KnowledgeBase, context: Context, language: Language) -> Psychosocial | None:
    """The screen as the assessment reports it (None when the intake did not answer it)."""
    stratum = context["psychosocial.stratum"]
    if stratum is None or kb.psychosocial is None:
        return None
    band = next(b for b in kb.psychosocial.strata if b.stratum == stratum)
    return Psychosocial(
        instrument="phq4",
        score=context["phq4.score"],
        depression=context["phq4.interest"] + context["phq4.down"],
        anxiety=context["phq4.nervous"] + context["phq4.worrying"],
        stratum=stratum,
        because=band.because(language),
        source=band.source,
    )


def psychosocial_due(
    *, last_asked: dt.date | None, today: dt.date, stratum: str | None = None
) -> bool:
    """Should a check-in ask the PHQ-4 again today? Never asked: yes. Otherwise once the
    knowledge base's interval for the last stratum has passed (the shortest when unknown)."""
    if last_asked is None:
        return True
    screen = knowledge_base().psychosocial
    if screen is None:
        raise ValueError("the knowledge base has no psychosocial screen")
    days: dict[str, int] = {str(k): v for k, v in screen.ask_again_days.items()}
    interval = days.get(stratum or "", min(days.values()))
    return (today - last_asked).days >= interval
