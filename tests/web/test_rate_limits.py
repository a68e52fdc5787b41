"""Rate limits on the costly endpoints, per account and per source, with a 429 that names the
limit (the API's error shape for the API, a page otherwise) and Retry-After."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from upperback.web.accounts.models import RateCounter

pytestmark = pytest.mark.django_db
HOME, OTHER = "192.0.2.7", "198.51.100.20"


def _client(user: Any, source: str = HOME) -> Client:
    client = Client(REMOTE_ADDR=source)
    client.force_login(user)
    return client


def _assess(client: Client, intake: dict[str, Any]) -> Any:
    return client.post("/api/v1/assessments", json.dumps(intake), content_type="application/json")


def test_storing_assessments_is_limited_per_account(
    alice: Any, carol: Any, desk_worker: dict[str, Any], settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "assessments": (3, 100)}
    client = _client(alice)
    assert [_assess(client, desk_worker).status_code for _ in range(3)] == [201] * 3
    refused = _assess(client, desk_worker)
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"detail"}
    assert "at most 3 assessments stored per account every 1 hour(s)" in body["detail"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    # Another account from the same place is not held up by Alice's count.
    assert _assess(_client(carol), desk_worker).status_code == 201
    # The window over, Alice may store again.
    RateCounter.objects.update(window_started=timezone.now() - dt.timedelta(hours=2))
    assert _assess(client, desk_worker).status_code == 201


def test_storing_assessments_is_limited_per_source(
    alice: Any, carol: Any, desk_worker: dict[str, Any], settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "assessments": (100, 3)}
    alice_here, carol_here = _client(alice), _client(carol)
    assert _assess(alice_here, desk_worker).status_code == 201
    assert _assess(carol_here, desk_worker).status_code == 201
    assert _assess(alice_here, desk_worker).status_code == 201
    refused = _assess(carol_here, desk_worker)
    assert refused.status_code == 429 and "per network address" in refused.json()["detail"]
    assert _assess(_client(carol, OTHER), desk_worker).status_code == 201


def test_uploads_are_limited_and_the_page_says_why(alice: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "uploads": (2, 100)}
    client = _client(alice)
    for _ in range(5):
        assert client.get("/camera/upload/").status_code == 200  # the form is not counted
    for _ in range(2):
        assert client.post("/camera/upload/", {"kind": "photo"}).status_code == 200
    refused = client.post("/camera/upload/", {"kind": "photo"})
    assert refused.status_code == 429
    assert "at most 2 uploads per account" in refused.content.decode()
    assert refused["Retry-After"]


def test_exports_are_limited(
    alice: Any, bob: Any, desk_worker: dict[str, Any], settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "exports": (1, 100)}
    client = _client(alice)
    assert client.get("/api/v1/export/fhir").status_code == 200
    refused = client.get("/api/v1/export/fhir")
    assert refused.status_code == 429
    assert "at most 1 exports and reports per account" in refused.json()["detail"]
    assert client.get("/progress/report.pdf").status_code == 429
    clinic = _client(bob, OTHER)
    assert clinic.get(f"/clinic/patients/{alice.pk}/fhir.json").status_code == 200
    assert clinic.get(f"/clinic/patients/{alice.pk}/fhir.json").status_code == 429


def test_the_anonymous_assessment_is_limited_per_source(
    anonymous: Client, desk_worker: dict[str, Any], settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "checks": (0, 2)}

    def check(source: str) -> Any:
        return Client(REMOTE_ADDR=source).post(
            "/api/v1/assess", json.dumps(desk_worker), content_type="application/json"
        )

    assert [check(HOME).status_code for _ in range(2)] == [200, 200]
    refused = check(HOME)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert (
        "at most 2 assessments without an account per network address" in refused.json()["detail"]
    )
    assert check(OTHER).status_code == 200  # another address is not held up
