"""Every page and API answer carries a strict Content-Security-Policy and `no-store`; no
template holds an inline script, an inline event handler or a style attribute (the policy
would block them)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from upperback.clinical.contract import Intake
from upperback.web.headers import CONTENT_SECURITY_POLICY
from upperback.web.records import actions

WEB = Path(__file__).resolve().parents[2] / "src" / "upperback" / "web"
TEMPLATES = sorted(WEB.rglob("templates/**/*.html"))

pytestmark = pytest.mark.django_db


def _directives(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()
    }


def _assert_strict(response: Any) -> None:
    directives = _directives(response)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"].split(", ")


def test_the_policy_names_no_other_site_and_no_inline_code() -> None:
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/api/v1/docs"])
def test_public_pages_are_strict_and_not_stored(anonymous: Client, url: str) -> None:
    response = anonymous.get(url)
    assert response.status_code == 200
    _assert_strict(response)


def test_a_patients_pages_and_api_answers_are_strict_and_not_stored(
    alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    for url in [
        "/",
        f"/assessments/{record.pk}/",
        "/progress/",
        "/api/v1/assessments",
        f"/api/v1/assessments/{record.pk}",
        "/api/v1/intakes",
    ]:
        response = alice_client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)


def test_errors_and_the_stateless_assess_are_not_stored(
    anonymous: Client, desk_worker: dict[str, Any]
) -> None:
    assess = anonymous.post("/api/v1/assess", json.dumps(desk_worker), "application/json")
    assert assess.status_code == 200
    _assert_strict(assess)
    for response in [anonymous.get("/api/v1/assessments"), anonymous.get("/no-such-page/")]:
        assert response.status_code in (401, 404)
        _assert_strict(response)


def test_a_missing_page_does_not_list_the_sites_urls(anonymous: Client) -> None:
    page = anonymous.get("/no-such-page/").content.decode()
    assert "URLconf" not in page
    assert "api/v1/" not in page


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_no_template_holds_inline_script_or_style(template: Path) -> None:
    text = template.read_text()
    for script in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in script, f"inline <script> in {template.name}: {script}"
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", text), template.name
    assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template.name}"
    assert not re.search(r"\sstyle\s*=", text), f"style attribute in {template.name}"
    assert "<style" not in text, f"<style> element in {template.name}"


def test_the_template_scan_finds_the_templates() -> None:
    assert len(TEMPLATES) > 20


def test_a_view_that_says_private_no_store_keeps_it_and_a_max_age_is_replaced() -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from upperback.web.headers import SecurityHeadersMiddleware

    def answer(cache_control: str) -> HttpResponse:
        response = HttpResponse("x")
        response["Cache-Control"] = cache_control
        return response

    request = RequestFactory().get("/")
    kept = SecurityHeadersMiddleware(lambda r: answer("private, no-store"))(request)
    assert kept["Cache-Control"] == "private, no-store"
    replaced = SecurityHeadersMiddleware(lambda r: answer("max-age=3600"))(request)
    assert replaced["Cache-Control"] == "no-store"
