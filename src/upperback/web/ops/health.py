"""What `/readyz` checks: each check answers (ok, detail); the site is ready when all are ok.

- database: a trivial query answers;
- migrations: none of this release's migrations is waiting to be applied;
- workers: every task queue the site uses (settings.TASK_QUEUES) has a worker whose heartbeat
  is younger than READY_WORKER_SECONDS;
- storage: a small file can be written to the media storage and deleted again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from upperback.web.media import storage

from .models import WorkerHeartbeat

Check = tuple[bool, str]


def database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "answers"


def migrations() -> Check:
    executor = MigrationExecutor(connection)
    waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if waiting:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in waiting[:5])
        return False, f"{len(waiting)} not applied: {names}"
    return True, "all applied"


def live_workers(now: dt.datetime | None = None) -> list[WorkerHeartbeat]:
    now = now or timezone.now()
    fresh_after = now - dt.timedelta(seconds=settings.READY_WORKER_SECONDS)
    return list(WorkerHeartbeat.objects.filter(beat_at__gte=fresh_after))


def workers() -> Check:
    live = live_workers()
    covered = {name for worker in live for name in worker.queue_names}
    missing = [q for q in settings.TASK_QUEUES if q not in covered and "*" not in covered]
    if missing:
        seconds = settings.READY_WORKER_SECONDS
        return False, f"no worker heartbeat within {seconds} s for queue(s): {', '.join(missing)}"
    return True, f"{len(live)} live worker(s)"


def media_storage() -> Check:
    name = storage.media().save(f"readyz/{uuid.uuid4().hex}", ContentFile(b"ok"))
    storage.media().delete(name)
    return True, "writable"


CHECKS: dict[str, Callable[[], Check]] = {
    "database": database,
    "migrations": migrations,
    "workers": workers,
    "storage": media_storage,
}


def readiness() -> dict[str, Check]:
    """Every check's answer; one that raises is not ok, with the error's type and text."""
    answers: dict[str, Check] = {}
    for name, check in CHECKS.items():
        try:
            answers[name] = check()
        except Exception as error:
            answers[name] = (False, f"{type(error).__name__}: {error}"[:300])
    return answers
