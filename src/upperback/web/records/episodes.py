"""The episode of care, stored: each event is written with the state it leads to, in one
transaction, so every reader finds the state as the events left it.

Writers (the actions of records, choosing and clinic) call `record` inside their own
transaction; readers go through `access.access_episode` (the audited door) or the queue.
The rules themselves are in the pure package `upperback.care`; nothing here decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
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
    event_to_json_text,
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
    return {"state": state_to_json(state), **queue_columns(state)}


def queue_columns(state: CareState) -> dict[str, Any]:
    """The columns the queue sorts and pages on, for `state`."""
    return {
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
    each: the open episodes read in one range query, the events and states written in bulk.

    Written with plain SQL and pydantic's own JSON (the ORM's per-field conversions and the
    JSON decoded, re-encoded twice, were most of a re-triage's writing time)."""
    if not items:
        return
    ids = [patient_id for patient_id, _ in items]
    current = _locked_states(min(ids), max(ids))
    missing = sorted(set(ids) - set(current))
    if missing:  # patients with no episode yet (records older than episodes): made together
        made = CareEpisode.objects.bulk_create(CareEpisode(patient_id=p) for p in missing)
        current |= {e.patient_id: (e.pk, CareState()) for e in made}
    events: list[tuple[int, Event]] = []
    touched: set[int] = set()
    for patient_id, event in items:
        episode_id, state = current[patient_id]
        current[patient_id] = (episode_id, apply(state, event))
        events.append((episode_id, event))
        touched.add(patient_id)
    changed = [current[patient_id] for patient_id in sorted(touched)]
    _insert_events(events)
    _update_rows(changed)
    _sync_many([state for _, state in changed])


def _locked_states(lowest: int, highest: int) -> dict[int, tuple[int, CareState]]:
    """The open episodes of patients `lowest`..`highest` (locked on PostgreSQL until the
    transaction ends): patient id -> (episode id, state)."""
    table = connection.ops.quote_name(CareEpisode._meta.db_table)
    postgres = connection.vendor == "postgresql"
    state = "state::text" if postgres else "state"
    lock = " FOR UPDATE" if postgres else ""  # SQLite: the transaction holds the write lock
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, patient_id, {state} FROM {table} "
            f"WHERE patient_id >= %s AND patient_id <= %s AND closed_at IS NULL{lock}",
            [lowest, highest],
        )
        rows = cursor.fetchall()
    return {
        patient_id: (episode_id, state_from_json(text) if text else CareState())
        for episode_id, patient_id, text in rows
    }


def _insert_events(events: list[tuple[int, Event]]) -> None:
    table = connection.ops.quote_name(CareEvent._meta.db_table)
    jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            episode_id,
            connection.ops.adapt_datetimefield_value(event.at),
            event.kind,
            event_to_json_text(event),
            now,
        )
        for episode_id, event in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (episode_id, at, kind, payload, recorded_at) "
            f"VALUES (%s, %s, %s, %s{jsonb}, %s)",
            rows,
        )


def _update_rows(changed: list[tuple[int, CareState]]) -> None:
    """Write the episodes' columns with one executemany UPDATE (Django's bulk_update builds a
    CASE per column and row: a second a thousand episodes). A state without a waiting time
    keeps the episode's, as `record` does."""
    adapt = connection.ops.adapt_datetimefield_value
    jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
    now = adapt(timezone.now())
    rows = []
    for episode_id, state in changed:
        columns = queue_columns(state)
        rows.append(
            (
                state.model_dump_json(),
                columns["triage"],
                columns["rank"],
                columns["queue_group"],
                columns["needs_review"],
                adapt(columns["reviewed_at"]),
                adapt(columns["waiting_since"]),
                columns["latest_assessment_id"],
                now,
                episode_id,
            )
        )
    table = connection.ops.quote_name(CareEpisode._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET state = %s{jsonb}, triage = %s, rank = %s, queue_group = %s, "
            "needs_review = %s, reviewed_at = %s, waiting_since = COALESCE(%s, waiting_since), "
            "latest_assessment_id = %s, updated_at = %s WHERE id = %s",
            rows,
        )


def _sync_many(states: list[CareState]) -> None:
    """`_sync_assessment` for many states, in one executemany UPDATE (an IN list of
    thousands of ids costs the ORM more than the rows it writes)."""
    rows = [
        (state.triage, rank(state.triage), state.assessment_id, state.triage)
        for state in states
        if state.assessment_id is not None and state.triage is not None
    ]
    table = connection.ops.quote_name(AssessmentRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET current_triage = %s, current_rank = %s "
            "WHERE id = %s AND current_triage <> %s",
            rows,
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
