"""`/healthz`, `/readyz` and `/metrics`: for load balancers, supervisors and Prometheus.

None of them shows health data or needs a login. `/metrics` (queue names, counts and
timings, no record) answers requests from loopback, or with the bearer token
UPPERBACK_METRICS_TOKEN when that is set (from anywhere).
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from . import health, metrics


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: nothing else is checked (a liveness probe must not fail on the
    database, or a database outage would restart every web process)."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, else 503; each check's answer either way."""
    answers = health.readiness()
    ready = all(ok for ok, _ in answers.values())
    body = {
        "status": "ready" if ready else "unready",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in answers.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
