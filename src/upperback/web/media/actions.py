"""Every write to uploads: save and check a file, queue its analysis, place points."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from upperback.vision import MediaError, Point, VisionError, check_image, check_video, read_cva
from upperback.web.free_text import printable

from . import storage
from .models import Kind, LiveSession, MediaUpload, Status
from .vision_messages import vision_message

SUFFIX = {"jpeg": ".jpg", "png": ".png", "video": ".mp4"}
MAX_ATTEMPTS = 2  # a job whose worker died is run once more, then failed


def _write(upload: Any, destination: Path) -> int:
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with destination.open("wb") as handle:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > settings.UPLOAD_MAX_BYTES:
                raise ValidationError("The file is too large.")
            handle.write(chunk)
    return written


def _check(kind: str, path: Path) -> str:
    """The content type by content, and the size, duration and resolution limits."""
    if kind == Kind.PHOTO:
        return str(check_image(path).image_format)
    check_video(path)
    return "video"


def store_checked(*, patient: Any, uploaded: Any, kind: str) -> tuple[str, str, int]:
    """Write the file within the size limit and check it before any decoding (content type by
    content, pixels, duration), then store it (media storage: the local folder or the object
    store); its stored name, type and size. Also used by the photo attached to a message
    (messaging.actions): one set of checks."""
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError("The file is too large.")
    staging = storage.staging_path(patient.pk, ".part")
    try:
        size = _write(uploaded, staging)
        content_type = _check(kind, staging)
    except (MediaError, ValidationError) as error:
        storage.discard(staging)
        if isinstance(error, ValidationError):
            raise
        # Said in the patient's language now (the request's); the English stays in the log.
        raise ValidationError(vision_message(error.code, error.params)) from None
    suffix = SUFFIX.get(content_type, ".mp4")
    return storage.store(staging, storage.new_name(patient.pk, suffix)), content_type, size


@transaction.atomic
def save_upload(
    *,
    patient: Any,
    uploaded: Any,
    kind: str,
    view: str,
    exercise_id: str = "",
    assessment: Any = None,
    plan_step: str = "",
) -> MediaUpload:
    """Check the file before any decoding, store it (media storage), queue the analysis."""
    stored_name, content_type, size = store_checked(patient=patient, uploaded=uploaded, kind=kind)
    record = MediaUpload.objects.create(
        patient=patient,
        assessment=assessment,
        plan_step=plan_step,
        kind=kind,
        exercise_id=exercise_id,
        view=view,
        stored_name=stored_name,
        original_name=printable(str(uploaded.name))[:200],
        content_type=content_type,
        size_bytes=size,
    )
    # In the upload's own transaction (the task is a row of the same database): the upload and
    # its task commit together, so a process killed in between leaves neither.
    _enqueue(record.pk)
    return record


def _enqueue(upload_id: int) -> None:
    from .tasks import analyse_upload

    analyse_upload.enqueue(upload_id)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@transaction.atomic
def claim(*, upload_id: int) -> MediaUpload | None:
    """Queued -> running, once: of several workers only one gets the job (and its lease)."""
    now = timezone.now()
    claimed = MediaUpload.objects.filter(pk=upload_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        worker=worker_name(),
        started_at=now,
        heartbeat_at=now,
    )
    return MediaUpload.objects.get(pk=upload_id) if claimed else None


def heartbeat(*, upload_id: int) -> None:
    """The worker is alive and still on this job: its lease goes on."""
    MediaUpload.objects.filter(pk=upload_id, status=Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )


def _worker_gone(worker: str) -> bool:
    """True when the worker ran on this host and its process no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _abandoned(upload: MediaUpload, stale_before: Any) -> bool:
    beat = upload.heartbeat_at
    return beat is None or beat < stale_before or _worker_gone(upload.worker)


def recover_abandoned() -> list[int]:
    """Uploads left running by a worker that died (its process gone from this host, or no
    heartbeat for MEDIA_ANALYSIS_LEASE_SECONDS): queued again once, then failed."""
    stale_before = timezone.now() - timedelta(seconds=settings.MEDIA_ANALYSIS_LEASE_SECONDS)
    recovered = []
    for upload in MediaUpload.objects.filter(status=Status.RUNNING):
        if _abandoned(upload, stale_before) and _release(upload):
            recovered.append(upload.pk)
    return recovered


@transaction.atomic
def _release(upload: MediaUpload) -> bool:
    """Running -> queued (and a new task) or failed, unless someone else moved it first."""
    again = upload.attempts < MAX_ATTEMPTS
    changed = MediaUpload.objects.filter(
        pk=upload.pk, status=Status.RUNNING, heartbeat_at=upload.heartbeat_at
    ).update(status=Status.QUEUED if again else Status.RUNNING, worker="", progress=0)
    if not changed:
        return False
    if again:
        _enqueue(upload.pk)
    else:
        fail(upload=upload, error=VisionError("analysis_interrupted"))
    return True


def _uploads_with_a_task() -> set[int]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .tasks import ANALYSE_TASK

    waiting = DBTaskResult.objects.filter(
        task_path=ANALYSE_TASK, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    return {int(row["args"][0]) for row in waiting.values_list("args_kwargs", flat=True)}


def requeue_orphans() -> list[int]:
    """Uploads waiting for analysis with no task to run it (queued before uploads and their
    tasks committed together, or a task deleted): a task each. Those younger than a lease are
    left alone: their task may be on its way."""
    settled_before = timezone.now() - timedelta(seconds=settings.MEDIA_ANALYSIS_LEASE_SECONDS)
    waiting = MediaUpload.objects.filter(status=Status.QUEUED, created_at__lt=settled_before)
    ids = set(waiting.values_list("pk", flat=True))
    orphans = sorted(ids - _uploads_with_a_task()) if ids else []
    for upload_id in orphans:
        _enqueue(upload_id)
    return orphans


def recover() -> tuple[list[int], list[int]]:
    """The worker's timer (manage.py worker): abandoned analyses, then orphaned uploads."""
    return recover_abandoned(), requeue_orphans()


@transaction.atomic
def report_progress(*, upload_id: int, percent: int) -> None:
    MediaUpload.objects.filter(pk=upload_id).update(progress=max(0, min(100, percent)))


@transaction.atomic
def finish(*, upload: MediaUpload, result: dict[str, Any], pictures: dict[str, str]) -> None:
    upload.status, upload.result, upload.pictures = Status.DONE, result, pictures
    upload.error, upload.analysed_at, upload.progress = "", timezone.now(), 100
    upload.error_code, upload.error_params = "", {}
    fields = ["status", "result", "pictures", "error", "error_code", "error_params"]
    upload.save(update_fields=[*fields, "analysed_at", "progress"])


@transaction.atomic
def fail(*, upload: MediaUpload, error: VisionError) -> None:
    """Keep the code and parameters (shown in the reader's language) and the English text."""
    upload.status, upload.analysed_at = Status.FAILED, timezone.now()
    upload.error, upload.error_code, upload.error_params = str(error), error.code, error.params
    upload.save(update_fields=["status", "error", "error_code", "error_params", "analysed_at"])


@transaction.atomic
def place_points(
    *, upload: MediaUpload, tragus: tuple[float, float], c7: tuple[float, float]
) -> None:
    """The clinician's tragus and C7: the exact craniovertebral angle, against published norms."""
    measure = read_cva(Point(*tragus), Point(*c7))
    # Locked and re-read: the worker may write the result meanwhile; neither loses the other's.
    locked = MediaUpload.objects.select_for_update().get(pk=upload.pk)
    locked.points = {"tragus": list(tragus), "c7": list(c7)}
    result = dict(locked.result)
    result.setdefault("measures", {})["craniovertebral_angle"] = measure.to_json()
    locked.result = result
    locked.save(update_fields=["points", "result"])
    upload.points, upload.result = locked.points, locked.result


@transaction.atomic
def record_live_set(
    *,
    patient: Any,
    key: str,
    exercise_id: str,
    view: str,
    tracking_version: str,
    experimental: bool,
    reps_browser: int,
    reps_server: int,
    details: dict[str, Any],
    assessment: Any = None,
) -> LiveSession:
    """Add one finished set to the patient's live session (made on its first set)."""
    session, _ = LiveSession.objects.select_for_update().get_or_create(
        patient=patient,
        key=key,
        defaults={
            "assessment": assessment,
            "exercise_id": exercise_id,
            "view": view,
            "tracking_version": tracking_version,
            "experimental": experimental,
        },
    )
    if session.exercise_id != exercise_id:
        raise ValidationError("This session coaches another exercise.")
    session.sets += 1
    session.reps_browser += reps_browser
    session.reps_server += reps_server
    session.disagreement = session.disagreement or reps_browser != reps_server
    session.per_set = [
        *session.per_set,
        {"set": session.sets, "reps_browser": reps_browser, "reps_server": reps_server, **details},
    ]
    session.save()
    return session
