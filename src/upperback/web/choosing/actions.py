"""Every write of choosing: her preferences (the engine turns them into the plan) and the
consultation's outcome. Keyword-only arguments, one transaction each, after the access door."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from django.db import transaction
from django.utils import timezone

from upperback.care import Choice, Chose
from upperback.clinical import Intake, SourceId, StepId, assess
from upperback.web.accounts.models import User
from upperback.web.records import episode_history, episodes
from upperback.web.records.models import AssessmentRecord

from .models import OTHER_CAUSE, Basis, Certainty, ConsultationOutcome, PlanPreferences


@transaction.atomic
def record_preferences(
    *, record: AssessmentRecord, choices: list[dict[str, Any]], language: str = "en"
) -> PlanPreferences:
    """Ask the engine for the plan with her choices; keep both beside the original answer."""
    intake = Intake.model_validate({**record.intake, "preferences": choices})
    assessment = assess(intake, language=language)
    stored = [p.model_dump(mode="json", exclude_none=True) for p in intake.preferences or []]
    found, _ = PlanPreferences.objects.update_or_create(
        record=record,
        defaults={
            "patient": record.patient,
            "choices": stored,
            "assessment": assessment.model_dump(mode="json"),
            "knowledge_base": assessment.knowledge_base,
        },
    )
    changes = {c.step: c for c in assessment.changes}
    episodes.record(
        patient=record.patient_id,
        event=Chose(
            at=timezone.now(),
            assessment_id=record.pk,
            choices=tuple(
                Choice(
                    step=c["step"],
                    choice=c["choice"],
                    reason=c.get("reason", "")[:4000],
                    change=changes[c["step"]].change if c["step"] in changes else "",
                    replaced_by=changes[c["step"]].replaced_by if c["step"] in changes else None,
                )
                for c in stored
            ),
        ),
    )
    return found


def _check_outcome(source: str, other_cause: str, certainty: str, basis: str) -> None:
    if source not in (*get_args(SourceId), OTHER_CAUSE):
        raise ValueError(f"Unknown source {source!r}.")
    if source == OTHER_CAUSE and not other_cause.strip():
        raise ValueError("Name the other cause.")
    if certainty not in Certainty.values or basis not in Basis.values:
        raise ValueError("Say how sure, and on what.")


@transaction.atomic
def record_outcome(
    *,
    record: AssessmentRecord,
    author: User,
    source: str,
    certainty: str,
    basis: str,
    agreed_steps: list[dict[str, str]],
    next_review: dt.date,
    other_cause: str = "",
    note: str = "",
    agreed_on: dt.date | None = None,
    withheld_reason: str = "",
) -> ConsultationOutcome:
    """The clinician's diagnosis and the plan agreed with the patient, with the engine's
    likely sources as they stand, so concordance compares like with like.

    A step the engine withheld for this patient (a contraindication) may still be agreed: the
    decision is the clinician's. It then needs `withheld_reason`, kept on that step beside the
    engine's reason, so the patient and the next clinician see both.
    """
    _check_outcome(source, other_cause, certainty, basis)
    steps = [s for s in agreed_steps if s.get("step") in get_args(StepId)]
    if len(steps) != len(agreed_steps):
        raise ValueError("An agreed step is not one of the clinic's treatments.")
    withheld = {w["step"]: w.get("because", "") for w in record.assessment.get("withheld", [])}
    held = [s["step"] for s in steps if s["step"] in withheld]
    if held and not withheld_reason.strip():
        raise ValueError(
            f"{', '.join(held)} was withheld for this patient: agreeing to it needs a reason."
        )
    outcome = ConsultationOutcome.objects.create(
        record=record,
        patient=record.patient,
        author=author,
        agreed_on=agreed_on or timezone.localdate(),
        source=source,
        other_cause=other_cause.strip() if source == OTHER_CAUSE else "",
        certainty=certainty,
        basis=basis,
        engine_sources=[s["id"] for s in record.assessment.get("likely_sources", [])],
        agreed_steps=[_agreed_step(s, withheld, withheld_reason) for s in steps],
        note=note.strip(),
        next_review=next_review,
    )
    AssessmentRecord.objects.filter(pk=record.pk).update(reviewed_at=timezone.now())
    episodes.record(patient=record.patient_id, event=episode_history.agreed(outcome))
    return outcome


def _agreed_step(step: dict[str, str], withheld: dict[str, str], reason: str) -> dict[str, str]:
    agreed = {"step": step["step"], "note": step.get("note", "").strip()}
    if step["step"] in withheld:
        agreed |= {"withheld_because": withheld[step["step"]], "agreed_because": reason.strip()}
    return agreed
