"""Reads of choosing's patient data, through the records door (records.access.open_door).

A record's preferences and outcomes are read after the door has let the reader into the
record itself (and audited it); concordance reads only the clinic's staff, and writes one
audit row for the figures it shows.
"""

from __future__ import annotations

from typing import Any

from upperback.web.records.access import (
    access_assessment,
    audit,
    is_clinic_staff,
    is_herself,
    may_see,
    open_door,
    refuse,
)
from upperback.web.records.models import AssessmentRecord

from .models import ConsultationOutcome, PlanPreferences


def access_choices(
    user: Any, assessment_id: Any, *, purpose: str, herself_only: bool = False
) -> tuple[AssessmentRecord, PlanPreferences | None]:
    """An assessment and her preferences on it (None before she gives any)."""
    record = access_assessment(user, assessment_id, purpose=purpose, herself_only=herself_only)
    return record, PlanPreferences.objects.filter(record=record).first()


def access_outcomes(user: Any, record: AssessmentRecord, *, purpose: str) -> list[Any]:
    """A record's consultation outcomes, newest first, each through the door."""
    ids = ConsultationOutcome.objects.filter(record=record).values_list("pk", flat=True)
    query = ConsultationOutcome.objects.select_related("patient", "author")
    rule = lambda u, o: may_see(u, o.patient)  # noqa: E731
    return [open_door(user, query, pk, purpose=purpose, allowed=rule) for pk in ids]


def access_outcome_for_staff(user: Any, assessment_id: Any, *, purpose: str) -> AssessmentRecord:
    """The record a clinician records an outcome on (staff only)."""
    return access_assessment(user, assessment_id, purpose=purpose, staff_only=True)


def _latest_per_record() -> list[tuple[str, list[str]]]:
    latest: dict[int, tuple[str, list[str]]] = {}
    for outcome in ConsultationOutcome.objects.order_by("-created_at", "-pk"):
        latest.setdefault(outcome.record_id, (outcome.source, list(outcome.engine_sources)))
    return list(latest.values())


def access_concordance(user: Any, *, purpose: str) -> list[tuple[str, list[str]]]:
    """Every recorded diagnosis (the latest per assessment) with the engine's sources then:
    for the clinic's staff only, audited once (the figures name no patient)."""
    if not is_clinic_staff(user):
        raise refuse(user, purpose=purpose, patient=None)
    audit(user, purpose=purpose, patient=None, allowed=True)
    return _latest_per_record()


def concordance_for_command(*, purpose: str) -> list[tuple[str, list[str]]]:
    """The same for `upperback concordance` (an operator at the shell: no user to ask)."""
    audit(None, purpose=purpose, patient=None, allowed=True)
    return _latest_per_record()


__all__ = [
    "access_choices",
    "access_concordance",
    "access_outcome_for_staff",
    "access_outcomes",
    "concordance_for_command",
    "is_herself",
]
