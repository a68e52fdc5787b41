"""The audit log: append-only and tamper-evident.

Every row carries `prev_hash`, the hash of the row before it (GENESIS for the first), and
`hash`, SHA-256 over `prev_hash` and its own content: a chain. `append` is the only writer;
it reads the previous hash and inserts while holding the table's write lock (PostgreSQL: one
statement, a function that takes LOCK TABLE; SQLite: the IMMEDIATE transaction), so two
appends never chain onto the same row. The database refuses UPDATE, DELETE (and, on
PostgreSQL, TRUNCATE) on the table: see `audit_guard` and
docs/adr/0007-audit-chain-and-email-outbox.md.

`verify` walks the chain in id order and names the first row that was edited, deleted or
inserted. An attacker who can drop the triggers can also recompute every hash after the rows
they change; `--anchor` catches that: give it a head hash recorded earlier (outside the
database), or better an anchor file `audit_anchor` wrote (signed, outside the database, at
intervals), and verify fails unless that row still stands, unchanged, in the chain, with as
many rows before it as the anchor counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import audit_anchor
from .audit_anchor import Anchor
from .models import AuditEvent

GENESIS = "0" * 64
# Fields that enter the hash, in this order (the id does not: it is assigned on insert).
CONTENT = ("actor_id", "action", "patient_id", "object_type", "object_id", "outcome", "at")
# How far back an out-of-place previous hash is looked up to name an inserted row.
_RECENT = 10_000


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def _content_tail(content: dict[str, Any]) -> str:
    """The row's content as the end of the hashed JSON array: `c1,...,c7]`. The whole text is
    `["<prev_hash>",` followed by this (a hex hash needs no escaping), which lets PostgreSQL
    chain a row whose content Python wrote (`PG_APPEND`)."""
    payload = [_canonical(content[name]) for name in CONTENT]
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)[1:]


def row_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and the row's content, as canonical JSON."""
    text = f'["{prev_hash}",{_content_tail(content)}'
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# PostgreSQL appends in one statement: the function takes the table's lock, reads the head and
# chains the rows it is given (their content's JSON written by `_content_tail`), so the lock is
# held for microseconds, not across four round trips from a busy web process (issue 21's
# load test: with the lock taken from Python, every page's audit row queued behind the others).
# Migration records.0012 creates it.
PG_APPEND = f"""
CREATE OR REPLACE FUNCTION {AuditEvent._meta.db_table}_append(batch jsonb)
RETURNS TABLE (id bigint, prev_hash varchar, hash varchar) LANGUAGE plpgsql AS $$
DECLARE
    head varchar;
    entry jsonb;
    made varchar;
    new_id bigint;
BEGIN
    LOCK TABLE {AuditEvent._meta.db_table} IN EXCLUSIVE MODE;
    SELECT a.hash INTO head FROM {AuditEvent._meta.db_table} a ORDER BY a.id DESC LIMIT 1;
    head := coalesce(head, '{GENESIS}');
    FOR entry IN SELECT value FROM jsonb_array_elements(batch) LOOP
        made := encode(sha256(convert_to('["' || head || '",' || (entry->>'tail'), 'UTF8')), 'hex');
        INSERT INTO {AuditEvent._meta.db_table}
            (actor_id, action, patient_id, object_type, object_id, outcome, at, prev_hash, hash)
        VALUES (
            (entry->>'actor_id')::bigint, entry->>'action', (entry->>'patient_id')::bigint,
            entry->>'object_type', entry->>'object_id', entry->>'outcome',
            (entry->>'at')::timestamptz, head, made
        )
        RETURNING {AuditEvent._meta.db_table}.id INTO new_id;
        id := new_id;
        prev_hash := head;
        hash := made;
        RETURN NEXT;
        head := made;
    END LOOP;
END;
$$
"""
PG_APPEND_DROP = f"DROP FUNCTION IF EXISTS {AuditEvent._meta.db_table}_append(jsonb)"


@dataclass(frozen=True)
class Entry:
    """One event to log: who, what, about whom, on which object, allowed or refused."""

    actor_id: int | None
    action: str
    patient_id: int | None
    object_type: str
    object_id: str
    outcome: str


def _head() -> str:
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    return last or GENESIS


def _append_on_postgresql(entries: list[Entry]) -> list[AuditEvent]:
    now = timezone.now()
    rows = [AuditEvent(**vars(entry), at=now) for entry in entries]
    batch = [
        {**vars(entry), "at": now.isoformat(), "tail": _content_tail(vars(row))}
        for entry, row in zip(entries, rows, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, prev_hash, hash FROM {AuditEvent._meta.db_table}_append(%s::jsonb)",
            [json.dumps(batch)],
        )
        chained = cursor.fetchall()
    for row, (pk, prev_hash, hash_) in zip(rows, chained, strict=True):
        row.pk, row.prev_hash, row.hash = pk, prev_hash, hash_
        row._state.adding = False
    transaction.on_commit(audit_anchor.maybe_write)
    return rows


def append(entries: Iterable[Entry]) -> list[AuditEvent]:
    """Chain and insert the entries, in order, in one transaction. The only writer."""
    entries = list(entries)
    if not entries:
        return []
    if connection.vendor == "postgresql":
        return _append_on_postgresql(entries)
    # SQLite: the project's transaction_mode IMMEDIATE takes the database's write lock at BEGIN.
    with transaction.atomic():
        prev = _head()
        rows = []
        for entry in entries:
            row = AuditEvent(**vars(entry), at=timezone.now(), prev_hash=prev)
            row.hash = prev = row_hash(row.prev_hash, vars(row))
            rows.append(row)
        # The head, anchored outside the database now and then (after the commit: the file
        # must never name a row that was rolled back).
        transaction.on_commit(audit_anchor.maybe_write)
        # One INSERT for a page's worth of rows (the queue audits each patient it shows); the
        # ids, which the hash leaves out, come in the order given.
        return AuditEvent.objects.bulk_create(rows)


def append_one(entry: Entry) -> AuditEvent:
    return append([entry])[0]


# --- Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    rows: int
    head: str
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def _rows() -> Iterator[dict[str, Any]]:
    fields = ("pk", "prev_hash", "hash", *CONTENT)
    yield from AuditEvent.objects.order_by("pk").values(*fields).iterator(chunk_size=2000)


def _link_problem(row: dict[str, Any], prev_pk: int | None, recent: OrderedDict[str, int]) -> str:
    """Why row's prev_hash is not the hash of the row before it."""
    pk = row["pk"]
    if row["prev_hash"] in recent:  # chained to an earlier row: the rows after that one are new
        anchor = recent[row["prev_hash"]]  # 0: the start of the log
        inserted = next(k for k in (*recent.values(), pk) if k > anchor)
        after = f"row {anchor}" if anchor else "the start of the log"
        return f"row {inserted}: inserted (row {pk} is chained to {after})"
    before = f"row {prev_pk}" if prev_pk is not None else "the start of the log"
    return (
        f"row {pk}: not chained to {before}: a row between them was deleted,"
        f" or row {pk} was inserted"
    )


def _anchored_problem(anchored: Anchor, count: int, last_pk: int | None) -> str:
    """Why the anchored row was not found where the anchor put it."""
    last = f"row {last_pk}" if last_pk is not None else "no row"
    if (last_pk or 0) < anchored.head_id or count < anchored.rows:
        return (
            f"truncated: the anchor of {anchored.at} counted {anchored.rows} rows up to row"
            f" {anchored.head_id}; the log now ends at {last} after {count} rows"
        )
    return (
        f"the anchored row {anchored.head_id} ({anchored.head}) of {anchored.at} is not in the"
        " chain: rows were removed or rewritten"
    )


def verify(*, anchor: str = "", anchored: Anchor | None = None) -> Verdict:
    """Walk the chain; the first broken link or edited row, or how many rows are intact.
    `anchor`: a head hash that must be in the chain; `anchored`: an anchor file's head, which
    must be in the chain at its row, after as many rows as it counted."""
    if anchored is not None and anchored.head_id == 0:
        anchored = None  # anchored while the log was empty: nothing to find
    prev_hash, prev_pk, count, seen_anchor = GENESIS, None, 0, not anchor
    seen_anchored = anchored is None
    recent: OrderedDict[str, int] = OrderedDict({GENESIS: 0})
    for row in _rows():
        if row["prev_hash"] != prev_hash:
            return Verdict(count, prev_hash, _link_problem(row, prev_pk, recent))
        if row_hash(row["prev_hash"], row) != row["hash"]:
            return Verdict(
                count, prev_hash, f"row {row['pk']}: edited (its content does not match its hash)"
            )
        prev_hash, prev_pk, count = row["hash"], row["pk"], count + 1
        seen_anchor = seen_anchor or row["hash"] == anchor
        if anchored is not None and row["pk"] == anchored.head_id:
            if row["hash"] != anchored.head or count != anchored.rows:
                return Verdict(count, prev_hash, _anchored_problem(anchored, count, row["pk"]))
            seen_anchored = True
        recent[row["hash"]] = row["pk"]
        if len(recent) > _RECENT:
            recent.popitem(last=False)
    if not seen_anchor:
        problem = f"the anchor {anchor} is not in the chain: rows were removed or rewritten"
        return Verdict(count, prev_hash, problem)
    if anchored is not None and not seen_anchored:
        return Verdict(count, prev_hash, _anchored_problem(anchored, count, prev_pk))
    return Verdict(count, prev_hash)
