"""The database's own refusal to change the audit log: triggers, per engine.

SQLite: BEFORE UPDATE and BEFORE DELETE triggers that RAISE(ABORT), and a BEFORE INSERT
trigger that refuses a row colliding with one already there: `INSERT OR REPLACE` (and
`REPLACE INTO`) resolves such a collision by deleting the old row, and SQLite fires no DELETE
trigger for that unless `recursive_triggers` is on in the attacker's own connection, so
without it a row could be swapped for a forged one. PostgreSQL has no REPLACE: its
`INSERT … ON CONFLICT DO UPDATE` fires the UPDATE trigger below. PostgreSQL: one plpgsql
function raising `restrict_violation`, fired BEFORE UPDATE OR DELETE on each row and BEFORE
TRUNCATE. Both surface in Django as IntegrityError. Migration records.0002 creates them; no
application code drops them (the test suite's flush does, see tests/conftest.py).
"""

from __future__ import annotations

TABLE = "records_auditevent"
MESSAGE = "the audit log is append-only"

_SQLITE_CREATE = [
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END",
]
# Migration records.0010 adds this one to databases made before it.
SQLITE_NO_REPLACE = (
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
    f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id OR prev_hash = NEW.prev_hash) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: REPLACE refused'); END"
)
_SQLITE_CREATE.append(SQLITE_NO_REPLACE)
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_replace",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]

_PG_CREATE = [
    f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused', "
    "ERRCODE = 'restrict_violation'; END; $$",
    f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]


def create_statements(vendor: str) -> list[str]:
    return {"sqlite": _SQLITE_CREATE, "postgresql": _PG_CREATE}.get(vendor, [])


def drop_statements(vendor: str) -> list[str]:
    return {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP}.get(vendor, [])
