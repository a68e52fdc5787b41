"""Suite-wide guards: no network beyond this machine's loopback.

The pose model must load from the installed wheel; any attempt to reach another host fails
the test that made it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SHARED_CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    pass


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_local(address):
        raise NetworkBlocked(f"network access blocked in tests: {address!r}")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local(address):
        raise NetworkBlocked(f"network access blocked in tests: {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared media folder is missing: {SHARED_DATA}")
    return SHARED_DATA


def _flush_sql_past_the_audit_guard(original: Any) -> Any:
    """Django's flush (TransactionTestCase, live_server) empties every table with DELETE
    (SQLite) or TRUNCATE (PostgreSQL), which the audit log's triggers refuse. The flush drops
    the triggers, empties the tables and creates them again, in its one transaction. Only
    the tests' flush does this: the application has no flush of its own."""

    def flush_sql(style: Any, connection: Any, **kwargs: Any) -> list[str]:
        from upperback.web.records import audit_guard

        statements: list[str] = original(style, connection, **kwargs)
        if not any(audit_guard.TABLE in s for s in statements):
            return statements
        vendor = connection.vendor
        drop, create = audit_guard.drop_statements(vendor), audit_guard.create_statements(vendor)
        return [*drop, *statements, *create]

    return flush_sql


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_guard() -> Iterator[None]:
    from django.core.management.commands import flush

    original = flush.sql_flush
    flush.sql_flush = _flush_sql_past_the_audit_guard(original)
    yield
    flush.sql_flush = original


# What a process a test starts (manage.py, a server, a worker) needs: the suite's own settings
# (tests/settings_for_tests.py: the app's settings, DEBUG off as on a server, with a test key,
# plain HTTP on loopback and static files from the apps' folders), on the child's path.
TESTS_DIR = Path(__file__).resolve().parent
CHILD_SETTINGS: dict[str, str] = {
    "DJANGO_SETTINGS_MODULE": "settings_for_tests",
    "UPPERBACK_SECRET_KEY": "tests-only-secret-key-never-use-on-a-server-0123456789",
    "UPPERBACK_LOCAL": "1",
    "UPPERBACK_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment for a child process, with the suite's settings readable."""
    path = os.pathsep.join(p for p in (str(TESTS_DIR), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, **CHILD_SETTINGS, "PYTHONPATH": path, **overrides}


@pytest.fixture(autouse=True)
def _each_test_starts_in_english() -> Iterator[None]:
    """A request in Spanish leaves the thread's language active after it (Django's locale
    middleware and the account's language activate it and nothing resets it): each test
    starts from the default language, whatever ran before it in this process."""
    yield
    try:
        from django.utils import translation
    except ImportError:  # the engine's and vision's tests run without Django set up
        return
    translation.deactivate()
