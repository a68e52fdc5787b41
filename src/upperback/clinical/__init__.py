"""The clinical engine of Upperback: assess an intake against the knowledge base.

    from upperback.clinical import assess
    assessment = assess({"contract": "1", "age": 34, "sex": "female",
                         "pain": {"intensity_now": 4, "duration_days": 21}})

Everything public is named in `__all__`; the modules behind it are private and may change.
"""

from __future__ import annotations

from upperback.clinical.bands import important_improvement
from upperback.clinical.contract import (
    FOLLOW_UP_GROUPS,
    TRIAGE_ORDER,
    Assessment,
    Intake,
    Preference,
    PriorTreatment,
    PsfsActivity,
    SourceId,
    StepId,
)
from upperback.clinical.dosage import Dose, DoseChange, current_dosage, reason_text
from upperback.clinical.engine import (
    assess,
    citation,
    exercise_library,
    knowledge_base_version,
    translate,
    with_triage,
)
from upperback.clinical.errors import validation_messages
from upperback.clinical.escalation import Escalation, Progress, escalate, plan_ends_on
from upperback.clinical.kb_schema import LANGUAGES
from upperback.clinical.knowledge import KnowledgeBaseError
from upperback.clinical.names import kb_name
from upperback.clinical.options import StepOption, step_option
from upperback.clinical.partial import PartialFlag, PartialScreen, follow_ups, screen_partial
from upperback.clinical.psychosocial import psychosocial_due

__all__ = [
    "FOLLOW_UP_GROUPS",
    "LANGUAGES",
    "TRIAGE_ORDER",
    "Assessment",
    "Dose",
    "DoseChange",
    "Escalation",
    "Intake",
    "KnowledgeBaseError",
    "PartialFlag",
    "PartialScreen",
    "Preference",
    "PriorTreatment",
    "Progress",
    "PsfsActivity",
    "SourceId",
    "StepId",
    "StepOption",
    "assess",
    "citation",
    "current_dosage",
    "escalate",
    "exercise_library",
    "follow_ups",
    "important_improvement",
    "kb_name",
    "knowledge_base_version",
    "plan_ends_on",
    "psychosocial_due",
    "reason_text",
    "screen_partial",
    "step_option",
    "translate",
    "validation_messages",
    "with_triage",
]
