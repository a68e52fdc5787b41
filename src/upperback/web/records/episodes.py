"""The episode of care, stored: each event is written with the state it leads to, in one
transaction, so every reader finds the state as the events left it.

Writers (the actions of records, choosing and clinic) call `record` inside their own
transaction; readers go through `access.access_episode` (the audited door) or the queue.
The rules themselves are in the pure package `upperback.care`; nothing here decides.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from upperback.care import (
    Assessed,
    CareState,
    ConsultNeed,
    Event,
    apply,
    assessed_parts,
    derive,
    event_from_json,
    event_to_json,
    rank,
    state_from_json,
    state_to_json,
    with_specialty,
)
from upperback.web.accounts.models import User

from .models import AssessmentRecord, CareEpisode, CareEvent


def consult_need(consult: dict[str, Any]) -> ConsultNeed:
    """The engine's consult (contract JSON) as the care state keeps it."""
    return ConsultNeed(
        recommended=bool(consult.get("recommended")),
        specialty=consult.get("specialty"),
        within_days=consult.get("within_days"),
        because=str(consult.get("because", ""))[:4000],
    )


def assessed(record: AssessmentRecord, *, retriage: bool = False) -> Assessed:
    """The event of a stored assessment: the engine's triage, consult, plan and withheld steps."""
    parts = assessed_parts(record.assessment)
    return Assessed.model_validate(
        {**parts, "at": record.created_at, "assessment_id": record.pk, "retriage": retriage}
    )


def _open_episode(patient_id: int) -> CareEpisode:
    """The patient's open episode, locked for this transaction; made when she has none."""
    found = (
        CareEpisode.objects.select_for_update()
        .filter(patient_id=patient_id, closed_at=None)
        .first()
    )
    if found is None:
        found = CareEpisode.objects.create(patient_id=patient_id)
    return found


def columns_of(state: CareState) -> dict[str, Any]:
    """The episode row's columns for `state` (the queue sorts and pages on them)."""
    return {
        "state": state_to_json(state),
        "triage": state.triage or "",
        "rank": rank(state.triage) if state.triage else 9,
        "queue_group": 0 if state.queue_top else 1,
        "needs_review": state.needs_review,
        "reviewed_at": state.reviewed_at,
        # The queue's "waiting since": a raise waits from the raise, else from the first answer.
        "waiting_since": (state.raised_at if state.needs_review else None)
        or state.opened_at
        or state.last_event_at,
        "latest_assessment_id": state.assessment_id,
    }


def _columns(episode: CareEpisode, state: CareState) -> None:
    for name, value in columns_of(state).items():
        if value is not None or name != "waiting_since":
            setattr(episode, name, value)


def _sync_assessment(state: CareState) -> None:
    """The newest assessment's `current_triage` follows the state (the API and older readers
    of the assessment row see the care as it is now)."""
    if state.assessment_id is None or state.triage is None:
        return
    AssessmentRecord.objects.filter(pk=state.assessment_id).update(
        current_triage=state.triage, current_rank=rank(state.triage)
    )


def replay(episode: CareEpisode) -> CareState:
    """The state derived again from all the episode's stored events."""
    events = [event_from_json(e.payload) for e in episode.events.order_by("at", "pk")]
    return derive(events)


@transaction.atomic
def record(*, patient: User | int, event: Event) -> CareEpisode:
    """Store `event` in the patient's open episode and the state it leads to."""
    patient_id = patient if isinstance(patient, int) else patient.pk
    episode = _open_episode(patient_id)
    CareEvent.objects.create(
        episode=episode, at=event.at, kind=event.kind, payload=event_to_json(event)
    )
    state = state_from_json(episode.state) if episode.state else CareState()
    if state.last_event_at is not None and event.at < state.last_event_at:
        state = replay(episode)  # an event dated before the last one: derive it all again
    else:
        state = apply(state, event)
    _columns(episode, state)
    episode.save()
    _sync_assessment(state)
    return episode


@transaction.atomic
def record_batch(items: Sequence[tuple[int, Event]]) -> None:
    """Many patients' events at once (a batch of `upperback retriage`), as `record` stores
    each: the open episodes read in one range query, the events and states written in bulk."""
    if not items:
        return
    ids = [patient_id for patient_id, _ in items]
    found = {
        e.patient_id: e
        for e in CareEpisode.objects.select_for_update().filter(
            patient_id__gte=min(ids), patient_id__lte=max(ids), closed_at=None
        )
    }
    missing = sorted(set(ids) - set(found))
    if missing:  # patients with no episode yet (records older than episodes): made together
        made = CareEpisode.objects.bulk_create(CareEpisode(patient_id=p) for p in missing)
        found |= {e.patient_id: e for e in made}
    rows, changed, states = [], [], []
    for patient_id, event in items:
        episode = found[patient_id]
        rows.append(
            CareEvent(episode=episode, at=event.at, kind=event.kind, payload=event_to_json(event))
        )
        state = apply(state_of(episode), event)
        _columns(episode, state)
        changed.append(episode)
        states.append(state)
    CareEvent.objects.bulk_create(rows)
    _update_rows(changed)
    _sync_many(states)


def _update_rows(changed: list[CareEpisode]) -> None:
    """Write the episodes' columns with one executemany UPDATE: Django's bulk_update builds a
    CASE per column and row, which cost a second a thousand episodes (most of a re-triage)."""
    names = [*columns_of(CareState()), "updated_at"]
    fields: list[Field[Any, Any]] = [
        field for n in names if isinstance(field := CareEpisode._meta.get_field(n), Field)
    ]
    now = timezone.now()
    quote = connection.ops.quote_name
    jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
    sets = ", ".join(f"{quote(f.column)} = %s{jsonb if f.name == 'state' else ''}" for f in fields)
    rows = []
    for episode in changed:
        episode.updated_at = now
        values = [
            json.dumps(episode.state)
            if f.name == "state"
            else f.get_db_prep_save(getattr(episode, f.attname), connection)
            for f in fields
        ]
        rows.append((*values, episode.pk))
    table = quote(CareEpisode._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)


def _sync_many(states: list[CareState]) -> None:
    """`_sync_assessment` for many states, one UPDATE per triage level."""
    by_triage: dict[str, list[int]] = {}
    for state in states:
        if state.assessment_id is not None and state.triage is not None:
            by_triage.setdefault(state.triage, []).append(state.assessment_id)
    for triage, pks in by_triage.items():
        AssessmentRecord.objects.filter(pk__in=pks).exclude(current_triage=triage).update(
            current_triage=triage, current_rank=rank(triage)
        )


def state_of(episode: CareEpisode | None) -> CareState:
    return state_from_json(episode.state) if episode is not None and episode.state else CareState()


def open_state(patient_id: int) -> CareState:
    """The state of the patient's open episode (an empty state when she has none). For
    writers and the pages' own code after the door; never a reason to skip the door."""
    episode = CareEpisode.objects.filter(patient_id=patient_id, closed_at=None).first()
    return state_of(episode)


def current_triage(record: AssessmentRecord) -> str:
    """The triage the patient's care stands at now (the state's), else the record's."""
    return open_state(record.patient_id).triage or record.current_triage


def consult_for(record: AssessmentRecord, triage: str, specialty: str | None) -> ConsultNeed:
    """The consultation a clinician's triage calls for: the knowledge base's window for the
    level (the engine's `with_triage`), with the clinician's specialty when one is named."""
    from upperback.clinical import Assessment, with_triage

    consult = with_triage(Assessment.model_validate(record.assessment), triage).consult
    return with_specialty(consult_need(consult.model_dump(mode="json")), triage, specialty)
