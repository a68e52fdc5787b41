"""The events of records made before episodes existed, rebuilt from the rows of today's shape
(assessments, overrides, preferences, consultation outcomes, check-ins, appointments), for the
migration that moves existing records into episodes. Duck-typed on the rows, so the
migration's historical models and the real ones both work."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from upperback.care import (
    Agreed,
    AgreedStep,
    Booked,
    CheckedIn,
    Choice,
    Chose,
    Diagnosis,
    Ended,
    Event,
    Overridden,
    Removal,
    Reviewed,
)

from . import episodes

ACTIVE_APPOINTMENT = "booked"


def _assessment_events(record: Any) -> list[Event]:
    out: list[Event] = [episodes.assessed(record, retriage=record.retriaged_from_id is not None)]
    overrides = sorted(record.overrides.all(), key=lambda o: o.created_at)
    for override in overrides:
        out.append(
            Overridden(
                at=override.created_at,
                assessment_id=record.pk,
                by=override.author_id,
                triage=override.new_triage,
                consult=episodes.consult_for(record, override.new_triage, None),
                reason=override.reason[:4000],
                note_for_patient=override.plan_note[:4000],
                removed=tuple(
                    Removal(step=s, reason=override.plan_note[:4000])
                    for s in override.removed_steps
                ),
            )
        )
    if record.reviewed_at is not None and not overrides:
        out.append(Reviewed(at=record.reviewed_at, by=None))
    return out


def _choices(preferences: Any) -> Chose:
    changes = {c["step"]: c for c in preferences.assessment.get("changes", [])}
    return Chose(
        at=preferences.updated_at,
        assessment_id=preferences.record_id,
        choices=tuple(
            Choice(
                step=c["step"],
                choice=c["choice"],
                reason=c.get("reason", "")[:4000],
                change=changes.get(c["step"], {}).get("change", ""),
                replaced_by=changes.get(c["step"], {}).get("replaced_by"),
            )
            for c in preferences.choices
        ),
    )


def agreed(outcome: Any) -> Agreed:
    return Agreed(
        at=outcome.created_at,
        outcome_id=outcome.pk,
        by=outcome.author_id,
        diagnosis=Diagnosis(
            source=outcome.source,
            other_cause=outcome.other_cause,
            certainty=outcome.certainty,
            basis=outcome.basis,
        ),
        steps=tuple(
            AgreedStep(
                step=s["step"],
                note=s.get("note", "")[:4000],
                withheld_because=s.get("withheld_because", "")[:4000],
                agreed_because=s.get("agreed_because", "")[:4000],
            )
            for s in outcome.agreed_steps
        ),
        next_review=outcome.next_review,
        note=outcome.note[:4000],
    )


def checked_in(entry: Any) -> CheckedIn:
    return CheckedIn(
        at=entry.created_at,
        entry_id=entry.pk,
        on=entry.recorded_on,
        action=entry.action,
        phase=entry.phase,
        phase_started_on=entry.phase_started_on,
        dose=dict(entry.dosage),
        because=entry.because[:4000],
    )


def _appointment_events(appointment: Any) -> list[Event]:
    booked = Booked(
        at=appointment.created_at,
        appointment_id=appointment.pk,
        starts_at=appointment.starts_at,
        specialty=appointment.clinician.specialty,
    )
    if appointment.status == ACTIVE_APPOINTMENT:
        return [booked]
    ended_at = appointment.status_changed_at or appointment.created_at
    return [booked, Ended(at=ended_at, appointment_id=appointment.pk, status=appointment.status)]


def events_of(
    *,
    assessments: Iterable[Any],
    preferences: Iterable[Any] = (),
    outcomes: Iterable[Any] = (),
    entries: Iterable[Any] = (),
    appointments: Iterable[Any] = (),
) -> list[Event]:
    """One patient's events, oldest first (ties keep the order of the kinds above)."""
    out: list[Event] = []
    for record in assessments:
        out += _assessment_events(record)
    out += [_choices(p) for p in preferences]
    out += [agreed(o) for o in outcomes]
    out += [checked_in(e) for e in entries if e.action]
    for appointment in appointments:
        out += _appointment_events(appointment)
    first = min((e.at for e in out), default=None)
    return sorted(out, key=lambda e: e.at if first is None else max(e.at, first))
