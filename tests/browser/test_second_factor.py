"""A new clinician in a real browser: password, then the emailed set-up link (the password
alone enrols nothing), then enrolment (the secret shown, a code from it typed), ten recovery
codes shown once, then the queue."""

from __future__ import annotations

import base64
import re
from typing import Any

from django.core import mail
from django_otp.oath import totp

from upperback.web.records import actions

PASSWORD = "correct-horse-battery-9"


def test_a_new_clinician_enrols_an_authenticator_at_the_first_login(page: Any) -> None:
    actions.create_clinician(email="dr.new@example.com", password=PASSWORD)
    page.goto("/clinic/queue/")
    page.get_by_label("Email address").fill("dr.new@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    assert page.locator("figure.qr svg").count() == 0  # no secret before the link
    page.get_by_role("button", name="Email me the set-up link").click()
    page.get_by_text("We sent the link").wait_for()
    link = re.search(r"https?://[^/\s]+(/accounts/two-factor/enrol/\S+)", str(mail.outbox[-1].body))
    assert link
    page.goto(link.group(1))
    page.wait_for_url("**/accounts/two-factor/")
    assert page.locator("figure.qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill(f"{totp(base64.b32decode(secret)):06d}")
    page.get_by_role("button", name="Confirm").click()
    codes = page.locator(".recovery-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/clinic/queue/")
    assert page.get_by_role("heading", level=1).count() == 1
