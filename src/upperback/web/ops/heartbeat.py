"""The task worker's heartbeat: a thread that touches the worker's row every few seconds.

A thread, not the worker's loop, because one task (a video's analysis) may run for minutes;
the analysis itself has its own lease (media.actions.heartbeat). The row goes when the worker
stops cleanly, so `/readyz` turns unready at once; after a kill it turns unready when the
row is older than READY_WORKER_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers gone this long are deleted by the next worker that starts.
FORGET_AFTER = dt.timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def beat(queues: str, started_at: dt.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=worker_name(),
        defaults={"queues": queues[:200], "started_at": started_at, "beat_at": timezone.now()},
    )


def forget() -> None:
    WorkerHeartbeat.objects.filter(worker=worker_name()).delete()


def beat_forever(queues: str, stop: threading.Event) -> None:
    """Beat now and then every WORKER_HEARTBEAT_SECONDS until `stop`; delete the row after."""
    started_at = timezone.now()
    WorkerHeartbeat.objects.filter(beat_at__lt=started_at - FORGET_AFTER).delete()
    interval = max(0.2, float(settings.WORKER_HEARTBEAT_SECONDS))
    try:
        while True:
            try:
                beat(queues, started_at)
            except Exception:
                logger.exception("the worker heartbeat failed; trying again")
            finally:
                close_old_connections()
            if stop.wait(interval):
                break
        forget()
    finally:
        connection.close()
