"""The clinical engine of Upperback: assess an intake against the knowledge base.

    from upperback.clinical import assess
    assessment = assess({"contract": "1", "age": 34, "sex": "female",
                         "pain": {"intensity_now": 4, "duration_days": 21}})

Everything public is named in `__all__`; the modules behind it are private and may change.
"""

from __future__ import annotations

from upperback.clinical.contract import TRIAGE_ORDER, Assessment, Intake
from upperback.clinical.engine import (
    assess,
    citation,
    exercise_library,
    knowledge_base_version,
    translate,
)
from upperback.clinical.errors import validation_messages
from upperback.clinical.escalation import Escalation, Progress, escalate
from upperback.clinical.kb_schema import LANGUAGES
from upperback.clinical.knowledge import KnowledgeBaseError

__all__ = [
    "LANGUAGES",
    "TRIAGE_ORDER",
    "Assessment",
    "Escalation",
    "Intake",
    "KnowledgeBaseError",
    "Progress",
    "assess",
    "citation",
    "escalate",
    "exercise_library",
    "knowledge_base_version",
    "translate",
    "validation_messages",
]
