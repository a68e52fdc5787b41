"""Issue 10: no upload stays "running" after its worker died. A job whose worker is gone (its
process no longer on this host, or silent past the lease) is queued again once, then failed
with a message; the next worker start or the next job claim does it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.conftest import child_environment

from upperback.web.media import actions, tasks
from upperback.web.media.models import MediaUpload, Status

from .test_uploads import _post, run_worker

REPO = Path(__file__).resolve().parents[3]


def _queued_photo(alice: Any, shared_data: Path) -> MediaUpload:
    source = shared_data / "photos/markers_side.jpg"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(actions, "_enqueue", lambda upload_id: None)
        return actions.save_upload(
            patient=alice,
            uploaded=SimpleUploadedFile("photo.jpg", source.read_bytes()),
            kind="photo",
            view="side",
        )


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _left_running(record: MediaUpload, *, worker: str, beat_ago_s: float = 0) -> None:
    """As a worker that claimed the job and then died would leave it."""
    assert actions.claim(upload_id=record.pk)
    MediaUpload.objects.filter(pk=record.pk).update(
        worker=worker, heartbeat_at=timezone.now() - timedelta(seconds=beat_ago_s)
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_process_is_gone_is_redone_at_the_next_worker_start(
    alice: Any, shared_data: Path
) -> None:
    record = _queued_photo(alice, shared_data)
    _left_running(record, worker=f"{socket.gethostname()}:{_dead_pid()}")
    call_command("recover_uploads", verbosity=0)  # what serve.py runs before a worker starts
    record.refresh_from_db()
    assert record.status == Status.QUEUED and record.attempts == 1
    run_worker()  # the recovery queued a new task
    record.refresh_from_db()
    assert record.status == Status.DONE and record.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_silent_worker_elsewhere_loses_its_job_at_the_next_claim_and_twice_fails_it(
    alice: Any, alice_client: Client, shared_data: Path, settings: Any
) -> None:
    settings.MEDIA_ANALYSIS_SECONDS = 0.2  # the jobs run here fail fast; only the lease matters
    stuck = _queued_photo(alice, shared_data)
    _left_running(stuck, worker="another-host:4242", beat_ago_s=120)
    MediaUpload.objects.filter(pk=stuck.pk).update(attempts=2)  # it was already redone once
    other = _queued_photo(alice, shared_data)
    tasks.analyse_upload.call(other.pk)  # the next claim recovers first
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED and stuck.error_code == "analysis_interrupted"
    page = alice_client.get(reverse("media:detail", args=[stuck.pk])).content.decode()
    assert "interrupted twice" in page


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_keeps_its_job(alice: Any, shared_data: Path) -> None:
    mine = _queued_photo(alice, shared_data)
    _left_running(mine, worker=actions.worker_name())  # this process: alive
    elsewhere = _queued_photo(alice, shared_data)
    _left_running(elsewhere, worker="another-host:4242", beat_ago_s=5)  # within the lease
    assert actions.recover_abandoned() == []
    assert set(MediaUpload.objects.values_list("status", flat=True)) == {Status.RUNNING}


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # a zombie has stopped: only its exit status is left


def _wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _test_database_url() -> str:
    """The test database, for a worker in another process (SQLite file or PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = quote(db["HOST"] or "localhost", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_analysis_leaves_no_job_running(
    alice_client: Client, shared_data: Path, media_root: Path
) -> None:
    video = shared_data / "videos/sample_front_raise.mp4"
    _post(alice_client, video, kind="video", view="front", exercise="front_raise")
    record = MediaUpload.objects.get()
    env = {
        **child_environment(),
        "DATABASE_URL": _test_database_url(),
        "UPPERBACK_DATA_DIR": str(media_root.parent),
    }
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--queue-name",
        "*",
    ]
    worker = subprocess.Popen([*command, "--interval", "0.1"], cwd=REPO, env=env)
    try:

        def mid_analysis() -> bool:
            record.refresh_from_db()
            return record.status == Status.RUNNING and record.progress > 0

        assert _wait_for(mid_analysis, 300), "the worker never started the analysis"
        analysis = _children(worker.pid)
        assert analysis, "the analysis runs in a child process"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    record.refresh_from_db()
    assert record.status == Status.RUNNING  # what a dead worker leaves behind
    assert _wait_for(lambda: all(_gone(pid) for pid in analysis), 10)  # no orphan runs on
    call_command("recover_uploads", verbosity=0)  # the next worker start
    run_worker()
    record.refresh_from_db()
    assert record.status == Status.DONE and record.attempts == 2
    assert record.result["repetitions"] >= 1
    assert alice_client.get(reverse("media:detail", args=[record.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_worker_renews_its_lease_while_the_child_works(
    alice: Any, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "HEARTBEAT_EVERY_S", 0.0)
    record = _queued_photo(alice, shared_data)
    assert tasks.analyse_upload.call(record.pk) == "done"
    record.refresh_from_db()
    assert record.started_at is not None and record.heartbeat_at is not None
    assert record.heartbeat_at > record.started_at
    assert record.worker == actions.worker_name() and record.attempts == 1
