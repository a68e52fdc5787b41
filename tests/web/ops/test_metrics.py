"""`/metrics`: request latency by route, queues, emails pending, analyses; loopback or token."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from upperback.web.care.tasks import send_weekly_reminders
from upperback.web.clinic.tasks import send_appointment_email
from upperback.web.media.models import MediaUpload, Status


def _value(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name + (f"{{{labels}}}" if labels else "")) + r" ([0-9.e+-]+|NaN)$"
    found = re.search(pattern, text, re.MULTILINE)
    assert found, f"{name}{{{labels}}} not in:\n{text}"
    return float(found.group(1))


def _scrape(client: Client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_request_latency_is_counted_by_route_not_by_path(client: Client) -> None:
    client.get("/healthz")
    client.get("/camera/12345/")  # a route with an id: the pattern is the label
    text = _scrape(client)
    assert (
        _value(
            text,
            "upperback_http_request_duration_seconds_count",
            'method="GET",route="healthz",status="200"',
        )
        >= 1
    )
    assert 'route="camera/<int:upload_id>/"' in text
    assert "12345" not in text


@pytest.mark.django_db
def test_queue_depth_and_oldest_age_and_emails_pending(client: Client) -> None:
    send_weekly_reminders.enqueue()
    send_appointment_email.enqueue(1, "confirmation")
    later = send_weekly_reminders.using(run_after=timezone.now() + dt.timedelta(days=1))
    later.enqueue()  # not due: not in the depth
    text = _scrape(client)
    assert _value(text, "upperback_task_queue_depth", 'queue="bulk"') == 1
    assert _value(text, "upperback_task_queue_depth", 'queue="urgent"') == 1
    assert _value(text, "upperback_task_queue_oldest_seconds", 'queue="urgent"') >= 0
    assert _value(text, "upperback_emails_pending") == 1


@pytest.mark.django_db
def test_the_oldest_age_counts_from_when_the_task_became_due(client: Client) -> None:
    from django_tasks_db.models import DBTaskResult

    send_weekly_reminders.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(seconds=120))
    assert _value(_scrape(client), "upperback_task_queue_oldest_seconds", 'queue="bulk"') >= 119


@pytest.mark.django_db
def test_analysis_durations_and_failures(client: Client, alice: Any, tmp_path: Path) -> None:
    now = timezone.now()
    for seconds, status in ((0.8, Status.DONE), (3.0, Status.DONE), (400.0, Status.FAILED)):
        MediaUpload.objects.create(
            patient=alice,
            kind="photo",
            view="side",
            stored_name="x.jpg",
            original_name="x.jpg",
            content_type="jpeg",
            size_bytes=1,
            status=status,
            started_at=now - dt.timedelta(seconds=seconds),
            analysed_at=now,
        )
    text = _scrape(client)
    histogram = "upperback_analysis_duration_seconds"
    assert _value(text, f"{histogram}_bucket", 'le="1.0"') == 1
    assert _value(text, f"{histogram}_bucket", 'le="5.0"') == 2
    assert _value(text, f"{histogram}_bucket", 'le="+Inf"') == 3
    assert _value(text, f"{histogram}_sum") == pytest.approx(403.8, abs=0.01)
    assert _value(text, "upperback_analysis_failures_total") == 1
    assert _value(text, "upperback_uploads", 'status="done"') == 2


@pytest.mark.django_db
def test_metrics_refuse_other_addresses_and_want_the_token_when_set(
    client: Client, settings: Any
) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 403
    answer = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret"
    )
    assert answer.status_code == 200


def test_multiprocess_mode_adds_up_every_process(tmp_path: Path) -> None:
    """What gunicorn's worker processes write, one scrape reads (PROMETHEUS_MULTIPROC_DIR)."""
    import os
    import subprocess
    import sys

    script = (
        "from prometheus_client import Histogram\n"
        "h = Histogram('upperback_http_request_duration_seconds', 'x', ['route'])\n"
        "h.labels('healthz').observe(0.01)\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", script], env=env, check=True)
    reader = (
        "from prometheus_client import CollectorRegistry, generate_latest\n"
        "from prometheus_client.multiprocess import MultiProcessCollector\n"
        "r = CollectorRegistry(); MultiProcessCollector(r)\n"
        "print(generate_latest(r).decode())\n"
    )
    text = subprocess.run(
        [sys.executable, "-c", reader], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert _value(text, "upperback_http_request_duration_seconds_count", 'route="healthz"') == 2
