"""`manage.py worker`: django-tasks' `db_worker`, plus companion threads: one runs again the
tasks a killed worker left running (see clinic.outbox), one writes the worker's heartbeat
(ops.heartbeat), and a worker of the analysis queue recovers abandoned and orphaned uploads
on a timer and keeps warm analysis children (media.tasks). Same options as db_worker, but
`--queue-name` defaults to every queue ("*"); `make run` starts one worker per queue.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from upperback.web import queues
from upperback.web.care.tasks import ensure_scheduled
from upperback.web.clinic.outbox import requeue_abandoned, sweep_forever
from upperback.web.media import actions as media_actions
from upperback.web.media.tasks import close_pool, photo_pool
from upperback.web.ops.heartbeat import beat_forever

logger = logging.getLogger(__name__)


def recover_uploads_forever(stop: threading.Event) -> None:
    """Abandoned analyses and uploads without a task, every MEDIA_RECOVERY_SECONDS: not only
    when the next upload comes."""
    while not stop.wait(max(0.5, float(settings.MEDIA_RECOVERY_SECONDS))):
        try:
            abandoned, orphans = media_actions.recover()
            if abandoned or orphans:
                logger.warning("uploads recovered: %s abandoned, %s orphaned", abandoned, orphans)
        except Exception:
            logger.exception("the upload recovery failed; trying again")
        finally:
            close_old_connections()
    connection.close()


def serves(queue_names: str, queue: str) -> bool:
    names = queue_names.split(",")
    return "*" in names or queue in names


class Command(DbWorkerCommand):
    help = "Run the background tasks; tasks abandoned by a killed worker run again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")

    def handle(self, *args: Any, **options: Any) -> None:
        names = str(options.get("queue_name") or "*")
        requeue_abandoned()
        if not options.get("batch") and serves(names, queues.BULK):
            ensure_scheduled()  # the weekly check-in reminder's daily run (care.tasks)
        stop = threading.Event()
        companions = [threading.Thread(target=sweep_forever, args=(stop,), daemon=True)]
        # Its sign of life for /readyz (ops.heartbeat); the row goes when the worker stops.
        companions.append(threading.Thread(target=beat_forever, args=(names, stop), daemon=True))
        analysis = serves(names, queues.ANALYSIS)
        if analysis and not options.get("batch"):
            photo_pool()  # warm children start now, while the worker waits for a task
            thread = threading.Thread(target=recover_uploads_forever, args=(stop,), daemon=True)
            companions.append(thread)
        for thread in companions:
            thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            close_pool()
            for thread in companions[1:]:
                thread.join(timeout=5)
