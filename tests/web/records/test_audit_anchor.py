"""The audit log survives a rehash: REPLACE is refused, and the chain's head is anchored in
signed files outside the database, which `upperback audit verify --anchor` checks.

The attacker here can write the database (drops the triggers, rewrites rows and recomputes
every hash) but not the anchor folder nor the secret key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from upperback.cli import main
from upperback.web.records import audit_anchor, audit_guard
from upperback.web.records.audit import GENESIS, Entry, append, row_hash, verify
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db
TABLE = audit_guard.TABLE


def entry(action: str) -> Entry:
    return Entry(
        actor_id=None,
        action=action,
        patient_id=None,
        object_type="",
        object_id="",
        outcome="allowed",
    )


def rows(n: int) -> list[int]:
    return [row.pk for row in append([entry(f"e{i}") for i in range(n)])]


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def drop_guard() -> None:
    for statement in audit_guard.drop_statements(connection.vendor):
        sql(statement)


def rehash_all() -> None:
    """The attacker's cover-up: every hash recomputed, in order, so the chain verifies."""
    prev = GENESIS
    for row in AuditEvent.objects.order_by("pk"):
        # prev_hash is unique: move each row's out of the way first.
        sql(f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s", [f"{row.pk:064x}", row.pk])
    for row in AuditEvent.objects.order_by("pk"):
        row.prev_hash = prev
        new = row_hash(prev, vars(row))
        sql(f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.pk])
        prev = new


def run_verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", "verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_insert_or_replace_is_refused() -> None:
    first, second, _ = rows(3)
    forged = AuditEvent.objects.get(pk=second)
    statement = (
        f"REPLACE INTO {TABLE} (id, action, object_type, object_id, outcome, at, prev_hash, hash)"
        " VALUES (%s, 'forged', '', '', 'allowed', %s, %s, %s)"
        if connection.vendor == "sqlite"
        # PostgreSQL has no REPLACE: its upsert is an UPDATE, which the trigger refuses.
        else f"INSERT INTO {TABLE} (id, action, object_type, object_id, outcome, at, prev_hash,"
        " hash) VALUES (%s, 'forged', '', '', 'allowed', %s, %s, %s)"
        " ON CONFLICT (id) DO UPDATE SET action = EXCLUDED.action"
    )
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql(statement, [second, forged.at, forged.prev_hash, forged.hash])
    assert AuditEvent.objects.get(pk=second).action == "e1"
    assert AuditEvent.objects.filter(pk=first).exists()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_insert_or_replace_on_the_chain_link_is_refused_too() -> None:
    """The other unique column: a row chained to an existing row's predecessor."""
    _, second, _ = rows(3)
    taken = AuditEvent.objects.get(pk=second).prev_hash
    with pytest.raises(IntegrityError, match="REPLACE refused"), transaction.atomic():
        sql(
            f"INSERT OR REPLACE INTO {TABLE} (action, object_type, object_id, outcome, at,"
            " prev_hash, hash) VALUES ('forged', '', '', 'allowed', '2026-01-01', %s, %s)",
            [taken, "e" * 64],
        )
    assert AuditEvent.objects.count() == 3


def test_an_anchor_file_is_signed_owner_only_and_outside_the_data_folder(
    tmp_path: Path, settings: Any
) -> None:
    rows(2)
    path = audit_anchor.write(tmp_path / "anchors")
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "anchors").stat().st_mode & 0o777 == 0o700
    data = json.loads(path.read_text())
    head = AuditEvent.objects.order_by("-pk").first()
    assert head is not None
    assert (data["rows"], data["head_id"], data["head"]) == (2, head.pk, head.hash)
    assert Path(settings.AUDIT_ANCHOR_DIR).parent == Path(settings.DATA_DIR).parent
    assert not Path(settings.AUDIT_ANCHOR_DIR).is_relative_to(Path(settings.DATA_DIR))


def test_a_rehashed_chain_verifies_alone_but_fails_against_the_anchor_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, two, _ = rows(3)
    anchor = audit_anchor.write(tmp_path)
    drop_guard()
    sql(f"UPDATE {TABLE} SET outcome = 'refused' WHERE id = %s", [two])
    rehash_all()
    assert run_verify(capsys)[0] == 0  # the chain alone cannot tell
    code, _, err = run_verify(capsys, "--anchor", str(anchor))
    assert code == 1
    assert "is not in the chain" in err
    # A folder of anchors: the newest one is used.
    assert run_verify(capsys, "--anchor", str(tmp_path))[0] == 1


def test_truncation_is_caught_against_the_anchor_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = rows(5)
    anchor = audit_anchor.write(tmp_path)
    drop_guard()
    sql(f"DELETE FROM {TABLE} WHERE id >= %s", [ids[3]])
    assert run_verify(capsys)[0] == 0  # three rows, chained: "intact" without the anchor
    code, _, err = run_verify(capsys, "--anchor", str(anchor))
    assert code == 1
    assert "truncated: the anchor" in err and "counted 5 rows" in err


def test_an_intact_log_passes_an_older_anchor_and_the_old_hash_form_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows(3)
    anchor = audit_anchor.write(tmp_path)
    rows(2)
    code, out, _ = run_verify(capsys, "--anchor", str(anchor))
    assert (code, out.startswith("5 rows, chain intact")) == (0, True)
    head = json.loads(anchor.read_text())["head"]
    assert run_verify(capsys, "--anchor", head)[0] == 0


def test_an_edited_anchor_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows(3)
    anchor = audit_anchor.write(tmp_path)
    data = json.loads(anchor.read_text())
    data["rows"] = 2  # made to match a log with a row removed
    anchor.write_text(json.dumps(data))
    code, _, err = run_verify(capsys, "--anchor", str(anchor))
    assert code == 2 and "the signature does not match" in err
    code, _, err = run_verify(capsys, "--anchor", str(tmp_path / "missing.json"))
    assert code == 2 and "neither a 64-character hash nor a file" in err


def test_the_cli_writes_an_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows(1)
    assert main(["audit", "anchor", "--folder", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("audit-anchor-*.json")
    assert str(written) in capsys.readouterr().out
    assert verify(anchored=audit_anchor.read(written)).intact


@pytest.mark.django_db(transaction=True)
def test_appends_anchor_the_head_at_intervals(tmp_path: Path, settings: Any) -> None:
    settings.AUDIT_ANCHOR_DIR = tmp_path
    settings.AUDIT_ANCHOR_SECONDS = 3600
    audit_anchor._last_written = 0.0
    rows(2)  # the first commit in this process writes one
    rows(2)  # within the interval: none
    files = list(tmp_path.glob("audit-anchor-*.json"))
    assert len(files) == 1
    assert audit_anchor.read(files[0]).rows == 2
    audit_anchor._last_written -= 3601  # the interval over
    rows(1)
    assert len(list(tmp_path.glob("audit-anchor-*.json"))) == 2
