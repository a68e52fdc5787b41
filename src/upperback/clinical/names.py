"""`kb_name(kind, id, language)`: the knowledge base's own name for a plan step, a likely
source or a triage level, so that no other layer keeps a second table of them."""

from __future__ import annotations

from typing import Literal

from upperback.clinical.kb_schema import LANGUAGES, Language
from upperback.clinical.knowledge import knowledge_base

NameKind = Literal["step", "source", "triage"]


def kb_name(kind: NameKind, item: str, language: str = "en") -> str:
    """The name in `language` ("en" or "es"); KeyError for an id the knowledge base lacks."""
    lang: Language = next((known for known in LANGUAGES if known == language), "en")
    kb = knowledge_base()
    if kind == "step":
        return kb.steps[item].name(lang)
    if kind == "source":
        return next(rule.name(lang) for rule in kb.sources if rule.id == item)
    return kb.meta.triage[item](lang)  # type: ignore[index]
