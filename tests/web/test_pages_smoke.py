"""The public pages render, in both languages, with the shared layout."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_render_with_the_language_switch(anonymous: Client, url: str) -> None:
    response = anonymous.get(url)
    assert response.status_code == 200
    assert b'name="language"' in response.content
    assert b"/static/upperback/site.css" in response.content


def test_signup_creates_a_patient_and_logs_her_in(anonymous: Client) -> None:
    response = anonymous.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": "a-long-pass-phrase-7",
            "password2": "a-long-pass-phrase-7",
        },
    )
    assert response.status_code == 302
    from upperback.web.accounts.models import User

    user = User.objects.get(email="new@example.com")
    assert user.role == "patient"
    assert user.password.startswith("argon2")


def test_signup_names_the_field_that_was_wrong(anonymous: Client) -> None:
    response = anonymous.post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"email", "password2"}
