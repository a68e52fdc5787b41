"""Login throttling across real server processes: 60 wrong passwords sent at once through
three `runserver` processes on one SQLite file check at most ten, on the app's login and on
the admin's; and a new process (a restart) still refuses the locked address.

The password checks are counted by the servers' own hasher (counting_hasher.py), not by the
throttle's table, so a throttle that counted but checked anyway would fail here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from upperback.web.accounts.throttle import LOGIN_FAILURES_ALLOWED

from .servers import Site, csrf, fire, post

PASSWORD = "correct-horse-battery-9"
PATIENT = "alice@example.com"
CLINICIAN = "dr.bob@example.com"
CAROL = "carol@example.com"
LOCKED = "Too many wrong passwords for this address"
ACCOUNTS = f"""
from upperback.web.records import actions
actions.create_patient(email={PATIENT!r}, password={PASSWORD!r})
actions.create_clinician(email={CLINICIAN!r}, password={PASSWORD!r})
actions.create_patient(email={CAROL!r}, password={PASSWORD!r})
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    prepared = Site(tmp_path_factory.mktemp("throttle-site"))
    prepared.prepare(ACCOUNTS)
    yield prepared


def _log_in(port: int, path: str, email: str, password: str) -> tuple[int, str]:
    cookie, token = csrf(port, path)
    fields = {"username": email, "password": password, "csrfmiddlewaretoken": token}
    return post(port, path, fields, cookie)


def test_sixty_parallel_wrong_passwords_through_three_processes_check_at_most_ten(
    site: Site,
) -> None:
    before = site.hashes()
    with site.servers(3) as ports:
        answers = fire(ports, "/accounts/login/", {"username": PATIENT, "password": "x"}, 60)
        checked = site.hashes() - before
        assert [status for status, _ in answers] == [200] * 60
        assert checked == LOGIN_FAILURES_ALLOWED, checked
        assert sum(LOCKED in body for _, body in answers) == 60 - LOGIN_FAILURES_ALLOWED
        # The admin's login shares the lock: the right password is not even checked there.
        status, body = _log_in(ports[1], "/admin/login/", PATIENT, PASSWORD)
        assert status == 200 and LOCKED in body
    # A restart: a new process reads the lock from the database.
    with site.servers(1) as (port,):
        status, body = _log_in(port, "/accounts/login/", PATIENT, PASSWORD)
        assert status == 200 and LOCKED in body
    assert site.hashes() - before == LOGIN_FAILURES_ALLOWED


def test_sixty_parallel_wrong_passwords_at_the_admin_login_check_at_most_ten(
    site: Site,
) -> None:
    before = site.hashes()
    with site.servers(3) as ports:
        fields = {"username": CLINICIAN, "password": "x", "next": "/admin/"}
        answers = fire(ports, "/admin/login/", fields, 60)
        assert [status for status, _ in answers] == [200] * 60
        assert site.hashes() - before == LOGIN_FAILURES_ALLOWED
        assert sum(LOCKED in body for _, body in answers) == 60 - LOGIN_FAILURES_ALLOWED
        # ...and the app's login is locked for the clinician too (it once let her in).
        status, body = _log_in(ports[2], "/accounts/login/", CLINICIAN, PASSWORD)
        assert status == 200 and LOCKED in body
    assert site.hashes() - before == LOGIN_FAILURES_ALLOWED


def test_an_unknown_address_is_counted_and_locked_like_a_known_one(site: Site) -> None:
    before = site.hashes()
    with site.servers(2) as ports:
        fields = {"username": "nobody@example.com", "password": "x"}
        answers = fire(ports, "/accounts/login/", fields, 20)
    assert site.hashes() - before == LOGIN_FAILURES_ALLOWED  # Django hashes for nobody too
    assert sum(LOCKED in body for _, body in answers) == 20 - LOGIN_FAILURES_ALLOWED


def test_the_servers_count_password_checks_at_all(site: Site) -> None:
    """The counting hasher sees a right password too (else the figures above prove nothing)."""
    before = site.hashes()
    with site.servers(1) as (port,):
        status, _ = _log_in(port, "/accounts/login/", CAROL, PASSWORD)
    assert status == 302 and site.hashes() - before == 1
