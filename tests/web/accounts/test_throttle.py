"""The login throttle's window, reset and storage (the parallel, multi-process and restart
cases are in test_throttle_processes.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from upperback.web.accounts.models import LoginThrottle
from upperback.web.accounts.throttle import LOGIN_FAILURES_ALLOWED, LOGIN_LOCK_SECONDS

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery-9"
LOCKED = "Too many wrong passwords for this address"


def _log_in(email: str, password: str, path: str = "/accounts/login/") -> Any:
    return Client().post(path, {"username": email, "password": password})


def _fail(email: str, times: int) -> None:
    for _ in range(times):
        assert LOCKED not in _log_in(email, "guess").content.decode()


def test_the_lock_ends_with_its_window(alice: Any) -> None:
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)
    assert LOCKED in _log_in(alice.email, RIGHT).content.decode()
    LoginThrottle.objects.update(
        window_started=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=LOGIN_LOCK_SECONDS + 1)
    )
    assert _log_in(alice.email, RIGHT).status_code == 302


def test_a_right_password_starts_the_count_afresh(alice: Any) -> None:
    _fail(alice.email, LOGIN_FAILURES_ALLOWED - 1)
    assert _log_in(alice.email, RIGHT).status_code == 302
    assert not LoginThrottle.objects.exists()
    _fail(alice.email, LOGIN_FAILURES_ALLOWED)
    assert LOCKED in _log_in(alice.email, RIGHT).content.decode()


def test_the_address_is_counted_whatever_its_case(alice: Any) -> None:
    _fail(alice.email.upper(), LOGIN_FAILURES_ALLOWED)
    assert LOCKED in _log_in(alice.email, RIGHT).content.decode()


def test_the_admin_login_counts_with_the_apps(bob: Any) -> None:
    _fail(bob.email, LOGIN_FAILURES_ALLOWED // 2)
    for _ in range(LOGIN_FAILURES_ALLOWED - LOGIN_FAILURES_ALLOWED // 2):
        _log_in(bob.email, "guess", "/admin/login/")
    assert LOCKED in _log_in(bob.email, RIGHT, "/admin/login/").content.decode()
    assert LOCKED in _log_in(bob.email, RIGHT).content.decode()


def test_the_table_keeps_no_address(alice: Any) -> None:
    _fail(alice.email, 2)
    _fail("nobody@example.com", 1)
    rows = list(LoginThrottle.objects.values_list("key", "failures"))
    assert sorted(failures for _, failures in rows) == [1, 2]
    assert all(len(key) == 64 and "@" not in key for key, _ in rows)
