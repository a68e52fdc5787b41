"""What django-tasks' database worker does not do itself: retry a failed task, and run again
a task whose worker was killed while running it (it stays RUNNING forever otherwise).

Only tasks listed in RERUNNABLE are run again: they must be safe to run twice (the clinic's
emails record their sending and skip a second send). A task counts as abandoned once it has
been running longer than settings.TASK_LEASE_SECONDS, longer than any send may take
(EMAIL_TIMEOUT is shorter).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

RERUNNABLE = (
    "upperback.web.clinic.tasks.send_appointment_email",
    "upperback.web.clinic.tasks.send_reminder",
    "upperback.web.care.tasks.send_weekly_reminders",
    "upperback.web.care.tasks.send_checkin_reminder",
    "upperback.web.messaging.tasks.send_message_notice",
)
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)  # then 2, 4, ... minutes: about four hours in all


def retry_later(task: Any, *args: Any, attempt: int) -> None:
    """Queue the next attempt with an exponential back-off, or log that we gave up."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s%r failed %d times: giving up", task.name, args, attempt)
        return
    run_after = timezone.now() + FIRST_RETRY * 2 ** (attempt - 1)
    task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)


# Task path -> what undoes its claim before a rerun; each app registers its own at start
# (AppConfig.ready), so this outbox imports no app above it.
UNCLAIMS: dict[str, Callable[[Any], None]] = {}


def register_unclaim(task_path: str, unclaim: Callable[[Any], None]) -> None:
    UNCLAIMS[task_path] = unclaim


def _unclaim(task_path: str, args: list[Any]) -> None:
    """A reminder's send claims its row before sending; a worker killed between the claim and
    the send left it claimed and unsent. Its rerun must send, so the claim goes (if the mail
    did leave before the kill, it leaves again, under the same Message-ID: at least once)."""
    from .tasks import unclaim_reminder

    if task_path == "upperback.web.clinic.tasks.send_reminder":
        unclaim_reminder(args[0])
    elif task_path in UNCLAIMS:
        UNCLAIMS[task_path](args[0])


def requeue_abandoned(now: dt.datetime | None = None) -> int:
    """Make tasks that have been RUNNING past their lease READY again (their claims undone);
    how many."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    abandoned = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - lease, task_path__in=RERUNNABLE
    )
    count = 0
    for pk, path, args_kwargs in abandoned.values_list("pk", "task_path", "args_kwargs"):
        with transaction.atomic():  # one short transaction per task
            moved = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, run_after=now
            )
            if moved:
                _unclaim(path, list(args_kwargs.get("args", [])))
                count += moved
    if count:
        logger.warning("%d abandoned task(s) queued to run again", count)
    return count


def sweep_forever(stop: threading.Event) -> None:
    """The worker's companion thread: look for abandoned tasks a few times per lease."""
    interval = max(1.0, settings.TASK_LEASE_SECONDS / 4)
    while not stop.wait(interval):
        try:
            requeue_abandoned()
        except Exception:
            logger.exception("the abandoned-task sweep failed; trying again")
        finally:
            close_old_connections()
    connection.close()
