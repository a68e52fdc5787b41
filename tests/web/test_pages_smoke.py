"""The public pages render, in both languages, with the shared layout."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_render_with_the_language_switch(anonymous: Client, url: str) -> None:
    response = anonymous.get(url)
    assert response.status_code == 200
    assert b'name="language"' in response.content
    assert b"/static/upperback/site.css" in response.content


def test_signup_mails_a_link_that_creates_a_patient_and_logs_her_in(anonymous: Client) -> None:
    from django.core import mail

    from upperback.web.accounts.models import User

    response = anonymous.post("/accounts/signup/", {"email": "new@example.com"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/signup/sent/")
    assert not User.objects.filter(email="new@example.com").exists()  # not before the link
    link = re.search(r"http://testserver(/accounts/signup/confirm/\S+/)", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body
    chosen = {"password1": "a-long-pass-phrase-7", "password2": "a-long-pass-phrase-7"}
    response = anonymous.post(link.group(1), chosen)
    assert (response.status_code, response["Location"]) == (302, "/intake/")
    user = User.objects.get(email="new@example.com")
    assert user.role == "patient"
    assert user.password.startswith("argon2")
    assert anonymous.get("/assessments/").status_code == 200


def test_signup_names_the_field_that_was_wrong(anonymous: Client) -> None:
    response = anonymous.post("/accounts/signup/", {"email": "not-an-email"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"email"}
