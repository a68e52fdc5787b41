"""Prometheus metrics: request latency measured in each web process, the rest read from the
database at each scrape (so they agree across every web process and machine).

gunicorn runs several worker processes: with PROMETHEUS_MULTIPROC_DIR set (serve.py sets it
to <data folder>/metrics and empties it at start; a deployment sets it per machine) each
process writes its histogram to files there and `/metrics` adds them all up
(prometheus_client's multiprocess mode). Without it, the process's own registry is read.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from upperback.web.media.models import MediaUpload, Status

from . import health

REQUEST_SECONDS = Histogram(
    "upperback_http_request_duration_seconds",
    "Time to answer a request, by route (the URL pattern, never the path), method and status.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ANALYSIS_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
# The tasks whose job is to send one email (the outbox's rows wait as these tasks).
EMAIL_TASKS = (
    "upperback.web.clinic.tasks.send_appointment_email",
    "upperback.web.clinic.tasks.send_reminder",
    "upperback.web.care.tasks.send_checkin_reminder",
    "upperback.web.messaging.tasks.send_message_notice",
)
WAITING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered ("camera/<int:upload_id>/"): bounded, and no record ids."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.route or match.view_name or "unnamed")


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        labels = (route_of(request), request.method or "", str(response.status_code))
        REQUEST_SECONDS.labels(*labels).observe(time.perf_counter() - started)
        return response


def _waiting_since(due: Any, now: dt.datetime) -> dict[str, dt.datetime]:
    """Per queue, when its longest-waiting due task became due (queued, or its run_after)."""
    unscheduled = due.filter(run_after=get_date_max()).values("queue_name")
    scheduled = due.exclude(run_after=get_date_max()).values("queue_name")
    since: dict[str, dt.datetime] = {}
    for rows, field in ((unscheduled, "enqueued_at"), (scheduled, "run_after")):
        for row in rows.annotate(first=Min(field)):
            queue, first = row["queue_name"], min(row["first"], now)
            since[queue] = min(since.get(queue, first), first)
    return since


def _queues(now: dt.datetime) -> Iterator[Metric]:
    depth = GaugeMetricFamily(
        "upperback_task_queue_depth", "Tasks due and waiting for a worker.", labels=["queue"]
    )
    oldest = GaugeMetricFamily(
        "upperback_task_queue_oldest_seconds",
        "How long the longest-waiting due task has waited since it was due.",
        labels=["queue"],
    )
    running = GaugeMetricFamily(
        "upperback_tasks_running", "Tasks a worker is running.", labels=["queue"]
    )
    due = DBTaskResult.objects.ready()
    since = _waiting_since(due, now)
    for row in due.values("queue_name").annotate(n=Count("id")):
        queue = row["queue_name"]
        depth.add_metric([queue], row["n"])
        oldest.add_metric([queue], (now - since.get(queue, now)).total_seconds())
    runs = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values("queue_name")
    for row in runs.annotate(n=Count("id")):
        running.add_metric([row["queue_name"]], row["n"])
    yield from (depth, oldest, running)


def _emails() -> Iterator[Metric]:
    pending = DBTaskResult.objects.filter(task_path__in=EMAIL_TASKS, status__in=WAITING)
    yield GaugeMetricFamily(
        "upperback_emails_pending", "Emails queued or being sent.", value=pending.count()
    )


def _analyses() -> Iterator[Metric]:
    by_status = GaugeMetricFamily(
        "upperback_uploads", "Camera uploads by analysis status.", labels=["status"]
    )
    for row in MediaUpload.objects.values("status").annotate(n=Count("id")):
        by_status.add_metric([row["status"]], row["n"])
    yield by_status
    failed = MediaUpload.objects.filter(status=Status.FAILED).count()
    yield CounterMetricFamily(
        "upperback_analysis_failures", "Analyses that failed, ever.", value=failed
    )
    yield _durations()


def _durations() -> Metric:
    """Finished analyses' wall time (claim to result), as a cumulative histogram."""
    took = ExpressionWrapper(F("analysed_at") - F("started_at"), output_field=DurationField())
    finished = MediaUpload.objects.filter(
        status__in=[Status.DONE, Status.FAILED], started_at__isnull=False, analysed_at__isnull=False
    ).annotate(took=took)
    under = {
        f"le{i}": Count("id", filter=Q(took__lte=dt.timedelta(seconds=bound)))
        for i, bound in enumerate(ANALYSIS_BUCKETS)
    }
    got = finished.aggregate(total=Count("id"), seconds=Sum("took"), **under)
    buckets = [(str(bound), got[f"le{i}"]) for i, bound in enumerate(ANALYSIS_BUCKETS)]
    seconds = got["seconds"].total_seconds() if got["seconds"] is not None else 0.0
    return HistogramMetricFamily(
        "upperback_analysis_duration_seconds",
        "Camera analyses' wall time from a worker's claim to the result.",
        buckets=[*buckets, ("+Inf", got["total"])],
        sum_value=seconds,
    )


def _workers(now: dt.datetime) -> Iterator[Metric]:
    live = health.live_workers(now)
    yield GaugeMetricFamily(
        "upperback_workers_live", "Task workers with a recent heartbeat.", value=len(live)
    )


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from _queues(now)
        yield from _emails()
        yield from _analyses()
        yield from _workers(now)


class _ProcessCollector(Collector):
    """This process's own registry (request latency), when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ProcessCollector())
    registry.register(DatabaseCollector())
    return generate_latest(registry)
