"""The second factor for clinic staff: enrolment (secret, QR code, first code, ten recovery
codes shown once), a code asked at every login, codes single use, patients never asked.
Logins here go through the real login form (force_login passes the second factor)."""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from upperback.web.accounts.models import RecoveryCode, recovery_digest
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


def _enrolment_link(user: Any) -> str:
    body = str(mail.outbox[-1].body)
    assert mail.outbox[-1].to == [user.email]
    found = re.search(r"http://testserver(/accounts/two-factor/enrol/\S+)", body)
    assert found, body
    return found.group(1)


def test_a_clinician_without_a_device_enrols_through_the_emailed_link(
    bob: Any, no_code_throttle: None
) -> None:
    client = _password_login(bob)
    answer = client.get("/clinic/queue/")
    assert answer.status_code == 302
    assert answer["Location"] == f"{TWO_FACTOR}?next=/clinic/queue/"
    page = client.get(answer["Location"]).content.decode()
    # The password alone enrols nothing: no secret, no QR code, no device made.
    assert 'id="totp-secret"' not in page and "<svg" not in page
    assert client.post(TWO_FACTOR, {"code": "000000"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=bob).exists()
    sent = client.post(TWO_FACTOR, {"send": "1"})
    assert "We sent the link" in sent.content.decode()
    link = _enrolment_link(bob)
    assert client.get(link)["Location"] == TWO_FACTOR
    page = client.get(TWO_FACTOR).content.decode()
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
    # The link is spent: enrolled, it opens nothing (sent on to the code).
    other = _password_login(bob)
    assert other.get(link)["Location"] == TWO_FACTOR
    assert 'id="totp-secret"' not in other.get(TWO_FACTOR).content.decode()


def test_a_link_works_only_in_its_own_accounts_session(bob: Any, no_code_throttle: None) -> None:
    from upperback.web.accounts.second_factor import enrolment_path

    dan = actions.create_clinician(email="dr.dan@example.com", password=PASSWORD)
    client = _password_login(dan)
    answer = client.get(enrolment_path(bob))  # Bob's link, in Dan's session
    assert "not valid" in answer.content.decode()
    assert 'id="totp-secret"' not in client.get(TWO_FACTOR).content.decode()
    # Opened before logging in, the link waits for the login.
    anonymous = Client()
    assert anonymous.get(enrolment_path(bob))["Location"].startswith("/accounts/login/")


def test_staff_send_a_set_up_link_from_the_admin(bob: Any, world_free_admin: Any) -> None:
    admin = Client()
    admin.force_login(world_free_admin)
    answer = admin.post(
        "/admin/accounts/user/", {"action": "send_enrolment_link", "_selected_action": [bob.pk]}
    )
    assert answer.status_code == 302
    link = _enrolment_link(bob)
    client = _password_login(bob)
    assert client.get(link)["Location"] == TWO_FACTOR
    assert 'id="totp-secret"' in client.get(TWO_FACTOR).content.decode()


def test_recovery_codes_are_stored_hashed(bob: Any) -> None:
    from upperback.web.accounts.models import RecoveryCode
    from upperback.web.accounts.second_factor import new_recovery_codes

    codes = new_recovery_codes(user=bob)
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10
    plain = {c.replace("-", "") for c in codes} | set(codes)
    assert not plain & set(stored)
    assert not StaticToken.objects.exists()


def test_the_admin_shows_no_secret_and_no_recovery_code(bob: Any, world_free_admin: Any) -> None:
    from upperback.web.accounts.models import RecoveryCodes
    from upperback.web.accounts.second_factor import new_recovery_codes, secret_of

    device = _enrolled(bob)
    codes = new_recovery_codes(user=bob)
    admin = Client()
    admin.force_login(world_free_admin)
    secrets = {device.key, secret_of(device)}
    pages = [
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        "/admin/accounts/recoverycodes/",
        f"/admin/accounts/recoverycodes/{RecoveryCodes.objects.get(user=bob).pk}/change/",
    ]
    for page in pages:
        answer = admin.get(page)
        assert answer.status_code == 200, page
        text = answer.content.decode()
        assert not any(s in text for s in secrets), page
        assert not any(c in text for c in codes), page
        assert "qrcode" not in text.lower(), page
    assert admin.get("/admin/otp_static/staticdevice/").status_code == 404
    assert admin.get("/admin/otp_totp/totpdevice/add/").status_code == 403


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


def test_the_right_code_just_after_a_wrong_one_is_accepted(bob: Any) -> None:
    device = _enrolled(bob)
    client = _password_login(bob)
    assert client.post(TWO_FACTOR, {"code": "000000"}).status_code == 200
    assert client.post(TWO_FACTOR, {"code": _code(device.bin_key)}).status_code == 302
    assert client.get("/clinic/queue/").status_code == 200


def test_repeated_wrong_codes_slow_down_the_next_try(bob: Any) -> None:
    from upperback.web.accounts.second_factor import FREE_WRONG_CODES

    device = _enrolled(bob)
    client = _password_login(bob)
    for _ in range(FREE_WRONG_CODES):
        assert client.post(TWO_FACTOR, {"code": "000000"}).status_code == 200
    # Now even the right code waits out the pause.
    assert client.post(TWO_FACTOR, {"code": _code(device.bin_key)}).status_code == 200
    assert client.get("/clinic/queue/").status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=2)
    )
    assert client.post(TWO_FACTOR, {"code": _code(device.bin_key)}).status_code == 302


def test_the_session_key_changes_at_the_second_factor(bob: Any) -> None:
    device = _enrolled(bob)
    client = _password_login(bob)
    before = client.session.session_key
    assert client.post(TWO_FACTOR, {"code": _code(device.bin_key)}).status_code == 302
    assert client.session.session_key != before
    stale = Client()
    stale.cookies["sessionid"] = str(before)
    assert stale.get("/clinic/queue/").status_code == 302  # the old key opens nothing


@pytest.mark.parametrize(("who", "setting"), [("bob", "STAFF"), ("alice", "PATIENT")])
def test_an_idle_session_ends(who: str, setting: str, request: Any, settings: Any) -> None:
    from upperback.web.accounts.idle import LAST_SEEN

    assert settings.STAFF_IDLE_SECONDS == 15 * 60
    assert settings.PATIENT_IDLE_SECONDS == 60 * 60
    user = request.getfixturevalue(who)
    client = Client()
    client.force_login(user)
    page = "/clinic/queue/" if who == "bob" else "/assessments/"
    assert client.get(page).status_code == 200
    limit = getattr(settings, f"{setting}_IDLE_SECONDS")
    session = client.session
    session[LAST_SEEN] = time.time() - limit + 30  # idle, but not long enough
    session.save()
    assert client.get(page).status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - limit - 1
    session.save()
    answer = client.get(page)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert client.get(page).status_code == 302  # logged out, not only redirected
    client.force_login(user)
    session = client.session
    session[LAST_SEEN] = time.time() - limit - 1
    session.save()
    assert client.get("/api/v1/assessments").status_code == 401


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
    assert RecoveryCode.objects.count() == 9


def test_new_recovery_codes_replace_the_old_ones(bob: Any) -> None:
    from upperback.web.accounts.second_factor import new_recovery_codes

    old = new_recovery_codes(user=bob)
    new = new_recovery_codes(user=bob)
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert stored == {recovery_digest(c) for c in new}
    assert not stored & {recovery_digest(c) for c in old}


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
