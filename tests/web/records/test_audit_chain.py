"""The audit log is a hash chain the database will not let anyone edit, and `upperback audit
verify` names the first row that was edited, deleted or inserted behind its back.

Tampering here is what an attacker with database access would do: drop the triggers, then
change rows with SQL (on SQLite, and on PostgreSQL in the suite's second pass)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import ProtectedError

from upperback.cli import main
from upperback.web.records import audit_guard
from upperback.web.records.access import access_patient
from upperback.web.records.audit import (
    GENESIS,
    Entry,
    _link_problem,
    append,
    append_one,
    row_hash,
    verify,
)
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db


def entry(action: str = "test.read", actor_id: int | None = None) -> Entry:
    return Entry(
        actor_id=actor_id,
        action=action,
        patient_id=None,
        object_type="",
        object_id="",
        outcome="allowed",
    )


def three_rows() -> list[int]:
    return [row.pk for row in append([entry("one"), entry("two"), entry("three")])]


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def drop_guard() -> None:
    """The attacker's first step (rolled back with the test's transaction)."""
    for statement in audit_guard.drop_statements(connection.vendor):
        sql(statement)


def run_verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", "verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_each_door_access_appends_a_row_chained_to_the_one_before(alice: Any, bob: Any) -> None:
    access_patient(bob, alice.pk, purpose="test.read")
    access_patient(alice, alice.pk, purpose="test.read")
    first, second = AuditEvent.objects.order_by("pk")
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert second.hash == row_hash(second.prev_hash, vars(second))
    assert (second.actor_id, second.patient_id, second.outcome) == (alice.pk, alice.pk, "allowed")


def test_rows_chained_by_the_database_hash_as_python_verifies(alice: Any) -> None:
    """On PostgreSQL the database chains the rows (audit.PG_APPEND) from the content's JSON
    that Python wrote; verify recomputes every hash in Python: words beyond ASCII, quotes,
    ids and many rows in one batch must come out the same."""
    batch = [
        Entry(
            actor_id=alice.pk,
            action=f'lectura.señal “{n}” \\ "x"',
            patient_id=alice.pk,
            object_type="assessment",
            object_id=str(n),
            outcome="allowed" if n % 2 else "refused",
        )
        for n in range(30)
    ]
    rows = append(batch[:1]) + append(batch[1:])
    stored = list(AuditEvent.objects.order_by("pk"))
    assert [r.pk for r in rows] == [r.pk for r in stored]
    assert [r.hash for r in rows] == [r.hash for r in stored]
    assert all(r.hash == row_hash(r.prev_hash, vars(r)) for r in stored)
    assert verify().intact and verify().rows == 30


def test_an_intact_chain_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    three_rows()
    code, out, _ = run_verify(capsys)
    assert code == 0
    assert out.startswith("3 rows, chain intact")


@pytest.mark.parametrize("change", ["UPDATE {t} SET action = 'x'", "DELETE FROM {t}"])
def test_the_database_refuses_to_update_or_delete_audit_rows(change: str) -> None:
    three_rows()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql(change.format(t=audit_guard.TABLE))
    assert AuditEvent.objects.filter(action="one").count() == 1


def test_the_orm_cannot_change_a_row_either() -> None:
    row = append_one(entry())
    row.action = "edited"
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "test.read"


def test_a_row_written_around_the_chain_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(action="sneaked", outcome="allowed")


def test_a_user_named_in_the_log_cannot_be_deleted(alice: Any, bob: Any) -> None:
    access_patient(bob, alice.pk, purpose="test.read")
    with pytest.raises(ProtectedError):
        alice.delete()


def test_an_edited_row_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    _, two, _ = three_rows()
    drop_guard()
    sql(f"UPDATE {audit_guard.TABLE} SET outcome = 'refused' WHERE id = %s", [two])
    code, _, err = run_verify(capsys)
    assert code == 1
    assert f"row {two}: edited" in err


def test_a_deleted_row_is_named_by_the_gap(capsys: pytest.CaptureFixture[str]) -> None:
    one, two, three = three_rows()
    drop_guard()
    sql(f"DELETE FROM {audit_guard.TABLE} WHERE id = %s", [two])
    code, _, err = run_verify(capsys)
    assert code == 1
    assert f"row {three}: not chained to row {one}: a row between them was deleted" in err


def test_an_inserted_row_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    _, two, three = three_rows()
    drop_guard()
    # Make room after row two, then slip in a row with a self-consistent hash. It cannot
    # chain to row two: that link is taken (one successor per row, a unique constraint).
    sql(f"UPDATE {audit_guard.TABLE} SET id = %s WHERE id = %s", [three + 1, three])
    forged = AuditEvent(pk=three, action="forged", outcome="allowed", prev_hash="f" * 64)
    forged.hash = row_hash(forged.prev_hash, vars(forged))
    forged.save(force_insert=True)
    code, _, err = run_verify(capsys)
    assert code == 1
    assert f"row {three}: not chained to row {two}" in err
    assert f"or row {three} was inserted" in err


def test_a_row_chained_to_an_earlier_row_is_named_as_inserted() -> None:
    """Where the attacker also drops the one-successor constraint (PostgreSQL allows it)."""
    recent = OrderedDict([(GENESIS, 0), ("a" * 64, 1), ("b" * 64, 2)])
    third = {"pk": 3, "prev_hash": "a" * 64}
    assert _link_problem(third, 2, recent) == "row 2: inserted (row 3 is chained to row 1)"


def test_a_rewritten_chain_fails_against_an_anchor_recorded_before(
    capsys: pytest.CaptureFixture[str],
) -> None:
    three_rows()
    code, out, _ = run_verify(capsys)
    anchor = out.split("head ")[1].rstrip(")\n")
    drop_guard()
    sql(f"DELETE FROM {audit_guard.TABLE}")  # the whole log gone: an empty chain is "intact"
    assert run_verify(capsys)[0] == 0
    code, _, err = run_verify(capsys, "--anchor", anchor)
    assert code == 1
    assert f"the anchor {anchor} is not in the chain" in err


@pytest.mark.django_db(transaction=True)
def test_appends_from_many_connections_at_once_stay_one_chain() -> None:
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def client(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                append_one(entry(f"thread{n}.{i}"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    verdict = verify()
    assert (verdict.intact, verdict.rows) == (True, 40)
