"""Background analysis of an upload, run by `manage.py db_worker` (django-tasks).

The analysis runs in a child process with memory and wall-time limits
(upperback.vision.isolated; a photo in a warm child started ahead, upperback.vision.pool):
a bad file, a crash, an out-of-memory or a time-out fails its own upload with a message
the patient can read, and the worker goes on to the next. Any other exception fails the
upload too: nothing is left "running". Uploads a dead worker left running are recovered
first, at every claim (actions.recover_abandoned).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django_tasks import task

from upperback.vision import Limits, VisionError, WarmPool, run_isolated
from upperback.web import queues

from . import actions, storage
from .analysis import photo_job, video_job
from .analysis_texts import picture_labels
from .models import Kind, MediaUpload

ANALYSE_TASK = "upperback.web.media.tasks.analyse_upload"
PROGRESS_STEP = 10  # percent: one small UPDATE per tenth of the video
HEARTBEAT_EVERY_S = 10.0

logger = logging.getLogger(__name__)


def _progress_writer(upload_id: int) -> Callable[[int, int], None]:
    last = [0]

    def write(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent - last[0] >= PROGRESS_STEP:
            last[0] = percent
            actions.report_progress(upload_id=upload_id, percent=percent)

    return write


def _heartbeat_writer(upload_id: int) -> Callable[[], None]:
    last = [time.monotonic()]

    def beat() -> None:
        if time.monotonic() - last[0] >= HEARTBEAT_EVERY_S:
            last[0] = time.monotonic()
            actions.heartbeat(upload_id=upload_id)

    return beat


def limits() -> Limits:
    return Limits(
        memory_bytes=settings.MEDIA_ANALYSIS_MEMORY_MB * 1024 * 1024,
        seconds=float(settings.MEDIA_ANALYSIS_SECONDS),
    )


def _analyse(upload: MediaUpload) -> dict[str, Any]:
    """The analysis' result and its pictures' stored names."""
    with storage.workspace(upload.pk, upload.stored_name) as (local, folder):
        answer = _run(upload, str(local), str(folder))
        pictures = storage.keep_pictures(upload.pk, answer["pictures"])
    return {"result": answer["result"], "pictures": pictures}


_pool: list[WarmPool] = []  # this worker process's warm photo children (at most one pool)
_pool_lock = threading.Lock()


def photo_pool() -> WarmPool | None:
    """The worker's warm pool for photos (settings.MEDIA_ANALYSIS_POOL), started on first
    use or by `manage.py worker`; a new one when the limits changed."""
    if not settings.MEDIA_ANALYSIS_POOL:
        return None
    with _pool_lock:
        if _pool and _pool[0].limits != limits():
            _pool.pop().close()
        if not _pool:
            atexit.register(close_pool)  # its children stopped before the interpreter ends
            _pool.append(
                WarmPool(
                    limits(),
                    setup="upperback.vision.photo:warm_up",
                    max_jobs=settings.MEDIA_ANALYSIS_POOL_MAX_JOBS,
                )
            )
        return _pool[0]


def close_pool() -> None:
    with _pool_lock:
        while _pool:
            _pool.pop().close()


def _run(upload: MediaUpload, path: str, out: str) -> dict[str, Any]:
    beat = _heartbeat_writer(upload.pk)
    if upload.kind == Kind.PHOTO:
        kwargs = {
            "path": path,
            "view": upload.view,
            "points": upload.points,
            "out": out,
            "labels": picture_labels(),
        }
        pool = photo_pool()
        if pool is not None:
            warm: dict[str, Any] = pool.run(photo_job, kwargs, heartbeat=beat)
            return warm
        answer: dict[str, Any] = run_isolated(photo_job, kwargs, limits(), heartbeat=beat)
        return answer
    kwargs = {"path": path, "exercise_id": upload.exercise_id, "view": upload.view, "out": out}
    progress = _progress_writer(upload.pk)
    answer = run_isolated(video_job, kwargs, limits(), progress=progress, heartbeat=beat)
    return answer


@task(queue_name=queues.ANALYSIS)
def analyse_upload(upload_id: int) -> str:
    actions.recover_abandoned()
    upload = actions.claim(upload_id=upload_id)
    if upload is None:
        return "already taken"
    try:
        answer = _analyse(upload)
        actions.finish(upload=upload, result=answer["result"], pictures=answer["pictures"])
    except VisionError as error:
        actions.fail(upload=upload, error=error)
        return "failed"
    except Exception:
        logger.exception("analysis of upload %s failed", upload_id)
        actions.fail(upload=upload, error=VisionError("analysis_failed"))
        return "failed"
    return "done"
