"""`manage.py worker`: django-tasks' `db_worker`, plus a companion thread that runs again the
tasks a killed worker left running (see clinic.outbox). Same options as db_worker."""

from __future__ import annotations

import threading
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from upperback.web.clinic.outbox import requeue_abandoned, sweep_forever
from upperback.web.media.tasks import close_pool, photo_pool
from upperback.web.ops.heartbeat import beat_forever
from upperback.web.records.tasks import ensure_scheduled


class Command(DbWorkerCommand):
    help = "Run the background tasks; tasks abandoned by a killed worker run again."

    def handle(self, *args: Any, **options: Any) -> None:
        requeue_abandoned()
        if not options.get("batch"):  # a batch run drains the queue; it schedules nothing
            ensure_scheduled()  # the weekly check-in reminder's daily run (records.tasks)
        stop = threading.Event()
        sweeper = threading.Thread(target=sweep_forever, args=(stop,), daemon=True)
        sweeper.start()
        # Its sign of life for /readyz (ops.heartbeat); the row goes when the worker stops.
        queues = str(options.get("queue_name") or "default")
        beating = threading.Thread(target=beat_forever, args=(queues, stop), daemon=True)
        beating.start()
        if not options.get("batch"):
            photo_pool()  # warm children start now, while the worker waits for a task
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            close_pool()
            beating.join(timeout=5)
