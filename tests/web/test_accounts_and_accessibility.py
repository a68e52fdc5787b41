"""Accounts (password reset by email, the admin for the clinic's staff) and accessible forms."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from tests.web.walkthrough import SAFE_STEPS, start_draft

from upperback.web.accounts.models import User
from upperback.web.records.forms import STEP_NAMES


def test_password_reset_sends_a_link_by_email(alice: Any, anonymous: Client) -> None:
    response = anonymous.post("/accounts/password-reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["alice@example.com"]


def test_passwords_are_hashed_with_argon2(alice: Any) -> None:
    assert User.objects.get(pk=alice.pk).password.startswith("argon2$")


def test_the_clinic_admin_manages_accounts_in_the_django_admin(db: Any) -> None:
    admin = User.objects.create_superuser(email="admin@clinic.example", password="x-long-pass-1")
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/records/assessmentrecord/").status_code == 200
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "dr.new@clinic.example",
            "role": "clinician",
            "password1": "a-strong-pass-phrase-9",
            "password2": "a-strong-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="dr.new@clinic.example").role == "clinician"


def test_patients_cannot_enter_the_admin(alice_client: Client) -> None:
    response = alice_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


class _Controls(HTMLParser):
    """Collects form controls and the ids that a <label for> names or a label wraps."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if values.get("for"):
                self.labelled.add(str(values["for"]))
        if tag in ("input", "select", "textarea") and values.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append({**values, "_wrapped": "1" if self._label_depth else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1


@pytest.mark.parametrize("step", STEP_NAMES)
def test_every_wizard_control_has_a_label(alice_client: Client, step: str) -> None:
    draft_id = start_draft(alice_client)
    alice_client.post(f"/intake/{draft_id}/safety/", {**SAFE_STEPS["safety"], "go": "next"})
    parser = _Controls()
    parser.feed(alice_client.get(f"/intake/{draft_id}/{step}/").content.decode())
    assert parser.controls
    unlabelled = [
        c for c in parser.controls if c.get("id") not in parser.labelled and not c["_wrapped"]
    ]
    assert unlabelled == []


def test_every_page_sets_the_viewport_for_phones(anonymous: Client) -> None:
    page = anonymous.get("/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


def test_every_aria_reference_points_at_an_element(alice_client: Client) -> None:
    """Help texts and errors are tied to their fields (aria-describedby ids exist)."""
    draft_id = start_draft(alice_client)
    bad = {**SAFE_STEPS["safety"], "age": "7", "duration_days": "-1", "go": "next"}
    html = alice_client.post(f"/intake/{draft_id}/safety/", bad).content.decode()
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    wanted = {
        ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()
    }
    assert {"id_age_error", "id_duration_days_helptext"} <= wanted
    assert wanted <= ids


@pytest.mark.parametrize(
    ("url", "name", "autocomplete"),
    [
        ("/accounts/login/", "username", "username"),
        ("/accounts/signup/", "email", "email"),
    ],
)
def test_email_fields_bring_up_the_phones_email_keyboard(
    anonymous: Client, url: str, name: str, autocomplete: str
) -> None:
    html = anonymous.get(url).content.decode()
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert field is not None, html
    assert 'type="email"' in field.group(0)
    assert f'autocomplete="{autocomplete}"' in field.group(0)


def test_the_email_login_still_logs_a_patient_in(alice: Any, anonymous: Client) -> None:
    response = anonymous.post(
        "/accounts/login/", {"username": alice.email, "password": "correct-horse-battery-9"}
    )
    assert response.status_code == 302
    assert anonymous.get("/assessments/").status_code == 200
