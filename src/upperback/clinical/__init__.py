"""The clinical engine of Upperback: assess an intake against the knowledge base.

    from upperback.clinical import assess
    assessment = assess({"contract": "1", "age": 34, "sex": "female",
                         "pain": {"intensity_now": 4, "duration_days": 21}})

Everything public is named in `__all__`; the modules behind it are private and may change.
"""

from __future__ import annotations

from upperback.clinical.contract import (
    TRIAGE_ORDER,
    Assessment,
    Intake,
    PriorTreatment,
    PsfsActivity,
    StepId,
)
from upperback.clinical.engine import (
    assess,
    citation,
    exercise_library,
    knowledge_base_version,
    translate,
    with_triage,
)
from upperback.clinical.errors import validation_messages
from upperback.clinical.escalation import Escalation, Progress, escalate
from upperback.clinical.kb_schema import LANGUAGES
from upperback.clinical.knowledge import KnowledgeBaseError
from upperback.clinical.names import kb_name
from upperback.clinical.partial import PartialFlag, PartialScreen, screen_partial

__all__ = [
    "LANGUAGES",
    "TRIAGE_ORDER",
    "Assessment",
    "Escalation",
    "Intake",
    "KnowledgeBaseError",
    "PartialFlag",
    "PartialScreen",
    "PriorTreatment",
    "Progress",
    "PsfsActivity",
    "StepId",
    "assess",
    "citation",
    "escalate",
    "exercise_library",
    "kb_name",
    "knowledge_base_version",
    "screen_partial",
    "translate",
    "validation_messages",
    "with_triage",
]
