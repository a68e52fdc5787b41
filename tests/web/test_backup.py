"""`upperback backup` while the app writes, and `upperback restore`: the copy is sound
(`PRAGMA integrity_check` on SQLite), holds every row committed before the backup began, and
its audit chain verifies. On PostgreSQL (the suite's second pass) through pg_dump/pg_restore."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection, connections

from upperback.cli import main
from upperback.web.backup import integrity
from upperback.web.records.audit import Entry, append, append_one, verify
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)  # a writer thread, its own connection


def entry(action: str) -> Entry:
    return Entry(
        actor_id=None,
        action=action,
        patient_id=None,
        object_type="",
        object_id="",
        outcome="allowed",
    )


class Writer(threading.Thread):
    """The app, writing audit rows as fast as it can until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.written = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                append_one(entry(f"writer.{self.written}"))
                self.written += 1
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            connections.close_all()

    def wait_for(self, rows: int) -> None:
        while self.written < rows and self.error is None and self.is_alive():
            self.stop.wait(0.01)


def test_a_backup_taken_while_the_app_writes_restores_whole_and_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append([entry(f"before.{i}") for i in range(50)])
    writer = Writer()
    writer.start()
    writer.wait_for(5)
    before = set(AuditEvent.objects.values_list("pk", flat=True))  # committed before it began
    output = tmp_path / "upperback.backup"
    assert main(["backup", "--output", str(output)]) == 0
    writer.wait_for(writer.written + 5)  # still writing after the backup
    writer.stop.set()
    writer.join(timeout=60)
    assert writer.error is None
    assert "backup written to" in capsys.readouterr().out
    if connection.vendor == "sqlite":
        assert integrity(output) == "ok"
        with closing(sqlite3.connect(output)) as copy:
            copied = {pk for (pk,) in copy.execute("SELECT id FROM records_auditevent")}
        assert before <= copied
    rows_now = AuditEvent.objects.count()
    assert main(["restore", str(output), "--force"]) == 0
    restored = set(AuditEvent.objects.values_list("pk", flat=True))
    assert before <= restored
    assert len(restored) < rows_now  # the rows written after the backup are not in it
    verdict = verify()
    assert verdict.intact and verdict.rows == len(restored)


def test_restore_refuses_to_overwrite_data_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append_one(entry("kept"))
    output = tmp_path / "upperback.backup"
    assert main(["backup", "--output", str(output)]) == 0
    append_one(entry("after"))
    assert main(["restore", str(output)]) == 1
    assert "stop the app, then restore with --force" in capsys.readouterr().err
    assert AuditEvent.objects.filter(action="after").exists()


def test_restore_refuses_a_file_that_is_not_a_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append_one(entry("kept"))
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database" * 100)
    assert main(["restore", str(junk), "--force"]) == 1
    assert "restore refused" in capsys.readouterr().err
    assert AuditEvent.objects.filter(action="kept").exists()
