"""`kb_name(kind, id, language)`: the knowledge base's own name for a plan step, a likely
source, an exercise, a triage level (its sentence, short name or what to do now), who gives
care or an evidence grade, so that no other layer keeps a second table of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from upperback.clinical.kb_schema import LANGUAGES, Language, Text
from upperback.clinical.knowledge import knowledge_base

NameKind = Literal[
    "step", "source", "exercise", "triage", "triage_short", "triage_now", "who", "grade"
]


def kb_name(kind: NameKind, item: str, language: str = "en") -> str:
    """The name in `language` ("en" or "es"); KeyError for an id the knowledge base lacks."""
    lang: Language = next((known for known in LANGUAGES if known == language), "en")
    kb = knowledge_base()
    if kind == "step":
        return kb.steps[item].name(lang)
    if kind == "exercise":
        return kb.exercises[item].name(lang)
    if kind == "source":
        return next(rule.name(lang) for rule in kb.sources if rule.id == item)
    labels = kb.labels
    tables: dict[str, Mapping[Any, Text]] = {
        "triage_short": labels.triage,
        "triage_now": labels.triage_now,
        "who": labels.who,
        "grade": labels.grade,
        "triage": kb.meta.triage,
    }
    return tables[kind][item](lang)
