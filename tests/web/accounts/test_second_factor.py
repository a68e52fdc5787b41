"""The second factor for clinic staff: enrolment (secret, QR code, first code, ten recovery
codes shown once), a code asked at every login, codes single use, patients never asked.
Logins here go through the real login form (force_login passes the second factor)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from upperback.web.records import actions

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
TWO_FACTOR = "/accounts/two-factor/"


def _password_login(user: Any, path: str = "/accounts/login/") -> Client:
    client = Client()
    answer = client.post(path, {"username": user.email, "password": PASSWORD})
    assert answer.status_code == 302, answer.content.decode()[:300]
    return client


def _code(key: bytes) -> str:
    return f"{totp(key):06d}"


def _enrolled(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


@pytest.fixture
def no_code_throttle(settings: Any) -> None:
    """A wrong code makes django-otp wait before the next one (1 s, doubling): off here."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_a_clinician_without_a_device_enrols_and_gets_ten_recovery_codes(
    bob: Any, no_code_throttle: None
) -> None:
    client = _password_login(bob)
    answer = client.get("/clinic/queue/")
    assert answer.status_code == 302
    assert answer["Location"] == f"{TWO_FACTOR}?next=/clinic/queue/"
    page = client.get(answer["Location"]).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    assert secret and "<svg" in page  # the secret typed, or the QR code scanned
    assert client.post(TWO_FACTOR, {"code": "000000"}).status_code == 200  # (wrong: asked again)
    assert client.get("/clinic/queue/").status_code == 302
    key = base64.b32decode(secret.group(1))
    done = client.post(TWO_FACTOR, {"code": _code(key), "next": "/clinic/queue/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(set(codes)) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get("/clinic/queue/").status_code == 200
    assert TOTPDevice.objects.get(user=bob).confirmed
    # Shown once: the page now sends him on and shows neither secret nor codes.
    again = client.get(TWO_FACTOR)
    assert again.status_code == 302 and codes[0] not in again.content.decode()


def test_a_clinician_with_a_device_is_asked_for_a_code_at_every_login(
    bob: Any, no_code_throttle: None
) -> None:
    device = _enrolled(bob)
    client = _password_login(bob)
    page = client.get(f"{TWO_FACTOR}?next=/clinic/queue/")
    assert page.status_code == 200 and 'id="totp-secret"' not in page.content.decode()
    wrong = client.post(TWO_FACTOR, {"code": "123456", "next": "/clinic/queue/"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/clinic/queue/").status_code == 302
    right = client.post(TWO_FACTOR, {"code": _code(device.bin_key), "next": "/clinic/queue/"})
    assert (right.status_code, right["Location"]) == (302, "/clinic/queue/")
    assert client.get("/clinic/queue/").status_code == 200


def test_wrong_codes_slow_down_the_next_try(bob: Any) -> None:
    device = _enrolled(bob)
    client = _password_login(bob)
    assert client.post(TWO_FACTOR, {"code": "000000"}).status_code == 200
    # Even the right code waits out the pause a wrong one started (django-otp's throttle).
    assert client.post(TWO_FACTOR, {"code": _code(device.bin_key)}).status_code == 200
    assert client.get("/clinic/queue/").status_code == 302


def test_a_code_is_refused_the_second_time(bob: Any) -> None:
    device = _enrolled(bob)
    code = _code(device.bin_key)
    first, second = _password_login(bob), _password_login(bob)
    assert first.post(TWO_FACTOR, {"code": code}).status_code == 302
    refused = second.post(TWO_FACTOR, {"code": code})
    assert refused.status_code == 200 and "That code is not right" in refused.content.decode()
    assert second.get("/clinic/queue/").status_code == 302


def test_a_recovery_code_works_once(bob: Any) -> None:
    from upperback.web.accounts.second_factor import new_recovery_codes

    _enrolled(bob)
    codes = new_recovery_codes(user=bob)
    first, second = _password_login(bob), _password_login(bob)
    assert first.post(TWO_FACTOR, {"code": codes[3].upper()}).status_code == 302
    assert first.get("/clinic/queue/").status_code == 200
    assert second.post(TWO_FACTOR, {"code": codes[3]}).status_code == 200
    assert second.get("/clinic/queue/").status_code == 302
    assert StaticToken.objects.count() == 9


def test_new_recovery_codes_replace_the_old_ones(bob: Any) -> None:
    from upperback.web.accounts.second_factor import new_recovery_codes

    old = new_recovery_codes(user=bob)
    new = new_recovery_codes(user=bob)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == set(new) and not stored & set(old)


def test_the_admin_login_leads_to_the_second_factor_too(world_free_admin: Any) -> None:
    client = _password_login(world_free_admin, "/admin/login/")
    answer = client.get("/admin/accounts/user/")
    assert answer.status_code == 302 and answer["Location"].startswith(TWO_FACTOR)


@pytest.fixture
def world_free_admin(db: None) -> Any:
    chief = actions.create_clinician(email="chief@example.com", password=PASSWORD, admin=True)
    chief.is_superuser = True
    chief.save(update_fields=["is_superuser"])
    return chief


def test_the_api_answers_403_to_a_clinician_without_the_second_factor(bob: Any) -> None:
    client = _password_login(bob)
    answer = client.get("/api/v1/assessments")
    assert answer.status_code == 403 and answer.json() == {"detail": "Second factor required."}


def test_patients_are_never_asked(alice: Any) -> None:
    client = _password_login(alice)
    assert client.get("/assessments/").status_code == 200
    assert client.get(TWO_FACTOR).status_code == 404


def test_the_second_factor_does_not_send_anyone_off_site(bob: Any) -> None:
    device = _enrolled(bob)
    client = _password_login(bob)
    answer = client.post(TWO_FACTOR, {"code": _code(device.bin_key), "next": "//evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/clinic/queue/"  # staff: the queue


def test_the_second_factor_page_speaks_spanish(bob: Any) -> None:
    from upperback.web.records import actions

    _enrolled(bob)
    actions.set_language(user=bob, language="es")  # issue 22: the account's language decides
    client = _password_login(bob)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Segundo paso" in page
