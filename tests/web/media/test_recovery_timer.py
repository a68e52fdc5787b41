"""Uploads are never left waiting without a task: the upload and its analysis task commit
together, and an analysis worker's timer (not the next upload) recovers abandoned analyses
and uploads that have no task."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from upperback.web.clinic.management.commands import worker as worker_command
from upperback.web.media import actions
from upperback.web.media.models import MediaUpload, Status
from upperback.web.media.tasks import ANALYSE_TASK

from .test_recovery import _dead_pid, _left_running, _queued_photo


def _tasks_for(upload_id: int) -> int:
    rows = DBTaskResult.objects.filter(task_path=ANALYSE_TASK, status="READY")
    return sum(1 for row in rows if row.args_kwargs["args"] == [upload_id])


def _aged(record: MediaUpload, seconds: float) -> None:
    then = timezone.now() - dt.timedelta(seconds=seconds)
    MediaUpload.objects.filter(pk=record.pk).update(created_at=then)


@pytest.mark.django_db
def test_an_upload_and_its_task_commit_together(alice: Any, shared_data: Path) -> None:
    source = (shared_data / "photos/markers_side.jpg").read_bytes()

    class Killed(Exception):
        pass

    with pytest.raises(Killed), transaction.atomic():
        actions.save_upload(
            patient=alice, uploaded=SimpleUploadedFile("p.jpg", source), kind="photo", view="side"
        )
        raise Killed  # the process dies before its transaction commits
    assert not MediaUpload.objects.exists() and not DBTaskResult.objects.exists()
    record = actions.save_upload(
        patient=alice, uploaded=SimpleUploadedFile("p.jpg", source), kind="photo", view="side"
    )
    assert _tasks_for(record.pk) == 1  # committed with it, not after it


@pytest.mark.django_db
def test_an_upload_waiting_without_a_task_gets_one_once_past_the_lease(
    alice: Any, shared_data: Path, settings: Any
) -> None:
    settings.MEDIA_ANALYSIS_LEASE_SECONDS = 60
    orphan = _queued_photo(alice, shared_data)  # saved, its task lost
    assert actions.requeue_orphans() == []  # too young: its task may be on its way
    _aged(orphan, 61)
    assert actions.requeue_orphans() == [orphan.pk]
    assert _tasks_for(orphan.pk) == 1
    assert actions.requeue_orphans() == []  # it has a task now


@pytest.mark.django_db(transaction=True)
def test_the_analysis_worker_recovers_on_a_timer_without_another_upload(
    alice: Any, shared_data: Path, settings: Any
) -> None:
    import socket

    settings.MEDIA_RECOVERY_SECONDS = 0.5
    settings.MEDIA_ANALYSIS_LEASE_SECONDS = 60
    abandoned = _queued_photo(alice, shared_data)
    _left_running(abandoned, worker=f"{socket.gethostname()}:{_dead_pid()}")
    orphan = _queued_photo(alice, shared_data)
    _aged(orphan, 120)
    stop = threading.Event()
    timer = threading.Thread(target=worker_command.recover_uploads_forever, args=(stop,))
    timer.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (
            _tasks_for(orphan.pk) and _tasks_for(abandoned.pk)
        ):
            time.sleep(0.2)
    finally:
        stop.set()
        timer.join(timeout=10)
    abandoned.refresh_from_db()
    assert abandoned.status == Status.QUEUED and _tasks_for(abandoned.pk) == 1
    assert _tasks_for(orphan.pk) == 1


def test_only_a_worker_of_the_analysis_queue_runs_the_timer() -> None:
    assert worker_command.serves("*", "analysis")
    assert worker_command.serves("analysis", "analysis")
    assert not worker_command.serves("urgent,default", "analysis")
