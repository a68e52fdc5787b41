"""Each running task worker's sign of life, read by `/readyz` and the metrics."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running `manage.py worker` process, touched every few seconds.

    A row whose `beat_at` is older than settings.READY_WORKER_SECONDS belongs to a worker that
    stopped (killed, hung or its machine gone); a worker that stops cleanly deletes its row.
    """

    worker = models.CharField(max_length=120, unique=True, help_text="host:pid")
    queues = models.CharField(max_length=200, help_text="comma-separated; * for every queue")
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker} ({self.queues})"

    @property
    def queue_names(self) -> list[str]:
        return [name for name in self.queues.split(",") if name]
