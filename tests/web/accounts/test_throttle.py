"""The login throttle strangers cannot use: counted per address and source, per source, per
address, per known device; locks that grow; a reset and the admin clear them; every lock and
unlock audited. (The parallel, multi-process and restart cases are in
test_throttle_processes.py.)"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from upperback.web.accounts import throttle
from upperback.web.accounts.models import LoginThrottle
from upperback.web.accounts.throttle import LOGIN_FAILURES_ALLOWED, LOGIN_LOCK_SECONDS
from upperback.web.records import actions
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery-9"
LOCKED = "Too many wrong passwords for this address"
STRANGER, CLINIC, HOME = "203.0.113.9", "198.51.100.20", "192.0.2.7"


@pytest.fixture(autouse=True)
def _quick_hasher(settings: Any) -> None:
    """Hundreds of password checks here: a fast hasher (the throttle counts, not hashes)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _from(source: str) -> Client:
    return Client(REMOTE_ADDR=source)


def _log_in(client: Client, email: str, password: str, path: str = "/accounts/login/") -> Any:
    return client.post(path, {"username": email, "password": password})


def _fail(email: str, times: int, source: str = STRANGER, path: str = "/accounts/login/") -> None:
    client = _from(source)
    for _ in range(times):
        assert LOCKED not in _log_in(client, email, "guess", path).content.decode()


def _locked(client: Client, email: str, path: str = "/accounts/login/") -> bool:
    return LOCKED in _log_in(client, email, RIGHT, path).content.decode()


def _audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_ten_wrong_passwords_from_a_stranger_do_not_stop_the_clinician_elsewhere(
    bob: Any, path: str
) -> None:
    _fail(bob.email, LOGIN_FAILURES_ALLOWED, path=path)
    assert _locked(_from(STRANGER), bob.email, path)  # the stranger's place is locked
    clinic = _from(CLINIC)
    answer = _log_in(clinic, bob.email, RIGHT, path)
    assert answer.status_code == 302
    # ... and on to the second factor, as after any password.
    assert clinic.get("/clinic/queue/")["Location"].startswith("/accounts/two-factor/")
    assert _audited("login.locked") == 1


def test_ten_wrong_passwords_from_a_stranger_do_not_stop_the_patient_elsewhere(
    alice: Any,
) -> None:
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)
    assert _locked(_from(STRANGER), alice.email)
    assert _log_in(_from(HOME), alice.email, RIGHT).status_code == 302


def test_a_known_device_logs_in_even_from_a_locked_place(alice: Any) -> None:
    phone = _from(STRANGER)  # her phone, on the same café network as the guesser
    assert _log_in(phone, alice.email, RIGHT).status_code == 302
    phone.post("/accounts/logout/")
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)
    assert _locked(_from(STRANGER), alice.email)
    assert _log_in(phone, alice.email, RIGHT).status_code == 302
    # The cookie is for her address only: it does not lift another address's lock.
    _fail("carol@example.com", LOGIN_FAILURES_ALLOWED)
    assert LOCKED in _log_in(phone, "carol@example.com", RIGHT).content.decode()


def test_a_forged_device_cookie_counts_for_nothing(alice: Any) -> None:
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)
    client = _from(STRANGER)
    client.cookies["upperback_device"] = "forged:value"
    assert _locked(client, alice.email)


def test_a_source_trying_many_addresses_is_stopped(alice: Any) -> None:
    client = _from(STRANGER)
    for n in range(throttle.SOURCE_FAILURES_ALLOWED):
        _log_in(client, f"someone{n}@example.com", "guess")
    assert _locked(client, alice.email)  # a new address, from the spraying source
    assert _log_in(_from(HOME), alice.email, RIGHT).status_code == 302


def test_an_address_tried_from_many_sources_locks_strangers_but_not_known_devices(
    alice: Any,
) -> None:
    laptop = _from(HOME)
    assert _log_in(laptop, alice.email, RIGHT).status_code == 302
    laptop.post("/accounts/logout/")
    sources = throttle.ADDRESS_FAILURES_ALLOWED // LOGIN_FAILURES_ALLOWED
    for n in range(sources):
        _fail(alice.email, LOGIN_FAILURES_ALLOWED, source=f"10.0.{n}.1")
    assert _locked(_from("10.9.9.9"), alice.email)  # a new place: the address is locked
    assert _log_in(laptop, alice.email, RIGHT).status_code == 302


def test_locks_grow_longer_and_end(alice: Any) -> None:
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)
    first = LoginThrottle.objects.get(kind="pair")
    assert first.locked_until is not None
    assert abs((first.locked_until - timezone.now()).total_seconds() - LOGIN_LOCK_SECONDS) < 60
    LoginThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)  # over: checked again, ten more
    second = LoginThrottle.objects.get(kind="pair")
    assert second.locked_until is not None
    assert (second.locked_until - timezone.now()).total_seconds() > 1.9 * LOGIN_LOCK_SECONDS
    assert throttle.lock_seconds(30) == throttle.LOGIN_LOCK_MAX_SECONDS
    LoginThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert _log_in(_from(STRANGER), alice.email, RIGHT).status_code == 302


def test_a_right_password_starts_its_own_count_afresh(alice: Any) -> None:
    _fail(alice.email, LOGIN_FAILURES_ALLOWED - 1)
    assert _log_in(_from(STRANGER), alice.email, RIGHT).status_code == 302
    assert not LoginThrottle.objects.filter(kind="pair").exists()
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)
    assert _locked(_from(STRANGER), alice.email)


def test_the_address_is_counted_whatever_its_case(alice: Any) -> None:
    _fail(alice.email.upper(), LOGIN_FAILURES_ALLOWED)
    assert _locked(_from(STRANGER), alice.email)


def test_the_admin_login_counts_with_the_apps(bob: Any) -> None:
    _fail(bob.email, LOGIN_FAILURES_ALLOWED // 2)
    _fail(bob.email, LOGIN_FAILURES_ALLOWED - LOGIN_FAILURES_ALLOWED // 2, path="/admin/login/")
    assert _locked(_from(STRANGER), bob.email, "/admin/login/")
    assert _locked(_from(STRANGER), bob.email)


def _reset_password(email: str, new: str) -> None:
    client = _from(STRANGER)
    client.post("/accounts/password-reset/", {"email": email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    form = client.get(link.group(1))
    assert form.status_code == 302
    done = client.post(form["Location"], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302, done.content.decode()[:500]


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_password_reset_clears_every_lock_on_the_address(who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    for source in (STRANGER, CLINIC):
        _fail(user.email, LOGIN_FAILURES_ALLOWED, source=source)
    assert _locked(_from(STRANGER), user.email)
    _reset_password(user.email, "fresh-river-stones-31")
    assert not LoginThrottle.objects.filter(address=throttle.address_key(user.email)).exists()
    answer = _log_in(_from(STRANGER), user.email, "fresh-river-stones-31")
    assert answer.status_code == 302
    row = AuditEvent.objects.get(action="login.unlocked.reset")
    assert row.actor_id == user.pk


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_staff_unlock_an_account_from_the_admin(who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    chief = actions.create_clinician(email="chief@example.com", password=RIGHT, admin=True)
    chief.is_superuser = True
    chief.save(update_fields=["is_superuser"])
    _fail(user.email, LOGIN_FAILURES_ALLOWED)
    admin = Client()
    admin.force_login(chief)  # (with the second factor passed)
    listing = admin.get("/admin/accounts/user/").content.decode()
    assert "Login locked until" in listing
    answer = admin.post(
        "/admin/accounts/user/", {"action": "unlock_login", "_selected_action": [user.pk]}
    )
    assert answer.status_code == 302
    assert not _locked(_from(STRANGER), user.email)
    row = AuditEvent.objects.get(action="login.unlocked.admin")
    assert row.actor_id == chief.pk


def test_staff_unlock_a_source_from_the_admin(alice: Any) -> None:
    chief = actions.create_clinician(email="chief@example.com", password=RIGHT, admin=True)
    chief.is_superuser = True
    chief.save(update_fields=["is_superuser"])
    client = _from(STRANGER)
    for n in range(throttle.SOURCE_FAILURES_ALLOWED):
        _log_in(client, f"someone{n}@example.com", "guess")
    assert _locked(client, alice.email)
    source = LoginThrottle.objects.get(kind="src")
    admin = Client()
    admin.force_login(chief)
    admin.post(
        "/admin/accounts/loginthrottle/", {"action": "unlock", "_selected_action": [source.key]}
    )
    assert not _locked(client, alice.email)
    assert _audited("login.unlocked.admin") == 1


def test_the_table_keeps_no_address(alice: Any) -> None:
    _fail(alice.email, 2)
    _fail("nobody@example.com", 1)
    rows = list(LoginThrottle.objects.values_list("key", "address", "failures"))
    assert all(len(key) == 64 and "@" not in key + address for key, address, _ in rows)
    pairs = LoginThrottle.objects.filter(kind="pair").values_list("failures", flat=True)
    assert sorted(pairs) == [1, 2]


def test_a_proxy_s_forwarded_address_is_the_source(settings: Any) -> None:
    from django.test import RequestFactory

    settings.LOGIN_SOURCE_FROM_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert throttle.client_source(request) == "203.0.113.9"
    settings.LOGIN_SOURCE_FROM_PROXY = False
    assert throttle.client_source(request) == "10.0.0.1"
    v6 = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert throttle.client_source(v6) == "2001:db8:1:2::/64"
