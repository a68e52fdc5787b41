"""`/healthz`, `/readyz` and `/metrics` in-process: what each check reports, and why it fails."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from upperback.web.ops import health, heartbeat
from upperback.web.ops.models import WorkerHeartbeat


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _beat(ago_s: float, queues: str = "*", name: str = "host:1") -> None:
    when = timezone.now() - dt.timedelta(seconds=ago_s)
    WorkerHeartbeat.objects.create(worker=name, queues=queues, started_at=when, beat_at=when)


def test_healthz_answers_without_the_database(client: Client) -> None:
    # No django_db mark: pytest-django fails any database access in this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_worker_heartbeat(client: Client) -> None:
    _beat(ago_s=1)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert {name for name, check in checks.items() if check["ok"]} == {
        "database",
        "migrations",
        "workers",
        "storage",
    }


@pytest.mark.django_db
def test_readyz_is_unready_when_the_last_heartbeat_is_too_old(
    client: Client, settings: Any
) -> None:
    settings.READY_WORKER_SECONDS = 30
    _beat(ago_s=31)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unready"
    assert "urgent, analysis, bulk" in response.json()["checks"]["workers"]["detail"]


@pytest.mark.django_db
def test_readyz_wants_a_worker_on_every_queue(client: Client, settings: Any) -> None:
    settings.TASK_QUEUES = ["default", "bulk"]
    _beat(ago_s=1, queues="default")
    assert client.get("/readyz").json()["checks"]["workers"]["detail"].endswith("bulk")
    _beat(ago_s=1, queues="*", name="host:2")
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_unready_when_the_media_folder_cannot_be_written(
    client: Client, media_root: Path
) -> None:
    _beat(ago_s=1)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    media_root.write_text("a file where the folder should be")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


@pytest.mark.django_db
def test_readyz_names_migrations_not_applied(client: Client) -> None:
    _beat(ago_s=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(health.CHECKS, "migrations", lambda: (False, "1 not applied: ops.0002_x"))
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["migrations"] == {
        "ok": False,
        "detail": "1 not applied: ops.0002_x",
    }


@pytest.mark.django_db
def test_the_migrations_check_names_a_migration_not_applied() -> None:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    assert health.migrations() == (True, "all applied")
    MigrationRecorder(connection).record_unapplied("ops", "0001_initial")  # rolled back after
    ok, detail = health.migrations()
    assert not ok and "ops.0001_initial" in detail


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_and_removes_its_row_when_stopped(settings: Any) -> None:
    settings.WORKER_HEARTBEAT_SECONDS = 1
    stop = threading.Event()
    thread = threading.Thread(target=heartbeat.beat_forever, args=("default,bulk", stop))
    thread.start()
    try:
        deadline = timezone.now() + dt.timedelta(seconds=5)
        while not WorkerHeartbeat.objects.exists() and timezone.now() < deadline:
            stop.wait(0.05)
        row = WorkerHeartbeat.objects.get()
        assert row.worker == heartbeat.worker_name()
        assert row.queue_names == ["default", "bulk"]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not WorkerHeartbeat.objects.exists()


def test_the_probes_are_not_redirected_to_https(settings: Any) -> None:
    import re

    assert all(
        any(re.search(pattern, path) for pattern in settings.SECURE_REDIRECT_EXEMPT)
        for path in ("healthz", "readyz", "metrics")
    )
