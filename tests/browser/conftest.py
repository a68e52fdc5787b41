"""Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Shared by every browser test (the scheduling and vision helpers reuse these fixtures):
`browser`, `page`, `login(page, user)` and the `patient`/`clinician` accounts. Without
/usr/bin/chromium the tests are skipped with a clear reason, unless UPPERBACK_REQUIRE_BROWSER=1
(as in CI), when they fail instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.axe_check import AxeWatch

CHROMIUM = Path(os.environ.get("UPPERBACK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery-9"

# The sync Playwright API runs an event loop in this thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _require_browser() -> bool:
    return os.environ.get("UPPERBACK_REQUIRE_BROWSER", "") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say it loudly at the end of the run (also under xdist, where skips happen in workers)."""
    if CHROMIUM.exists() or not terminalreporter.stats.get("skipped"):
        return
    terminalreporter.write_line(
        f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM}"
        " (install Debian's chromium; UPPERBACK_REQUIRE_BROWSER=1 makes this a failure)",
        yellow=True,
        bold=True,
    )


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}; install Debian's chromium package"
        if _require_browser():
            pytest.fail(reason + " (UPPERBACK_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    chromium = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh context per test (own cookies), with the live server as base URL. axe-core
    checks every page it loads; the test fails at teardown on any violation (axe_check.py)."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    axe = AxeWatch(tab)
    yield tab
    try:
        axe.finish()
    finally:
        context.close()


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """open_page(locale="es-ES"): another tab in a context of its own (another person, or a
    browser asking for another language), checked by axe-core like `page`."""
    opened: list[tuple[Any, AxeWatch]] = []

    def _open(locale: str = "en-US") -> Any:
        context = browser.new_context(base_url=live_server.url, locale=locale)
        context.set_default_timeout(15_000)
        tab = context.new_page()
        opened.append((context, AxeWatch(tab)))
        return tab

    yield _open
    try:
        for _context, watch in opened:
            watch.finish()
    finally:
        for context, _watch in opened:
            context.close()


@pytest.fixture
def password() -> str:
    """The password of every account the fixtures make."""
    return PASSWORD


@pytest.fixture
def patient(db: None) -> Any:
    from upperback.web.records import actions

    return actions.create_patient(email="alice@example.com", password=PASSWORD, first_name="Alice")


@pytest.fixture
def clinician(db: None) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from upperback.web.records import actions

    user = actions.create_clinician(
        email="dr.bob@example.com", password=PASSWORD, first_name="Bob", last_name="Nguyen"
    )
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def second_factor_code(user: Any) -> str:
    """The code the clinician's authenticator shows now (or the next one, if this one was
    used already: the server accepts one step ahead and refuses a code twice)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def login() -> Callable[[Any, Any], Any]:
    """login(page, user): logs in through the real form (and the second factor for
    clinic staff) and returns the page."""

    def _login(tab: Any, user: Any) -> Any:
        tab.goto("/accounts/login/")
        tab.get_by_label("Email address").fill(user.email)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Log in").click()
        tab.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/two-factor/" in tab.url:  # clinic staff: the second step
            tab.get_by_label("Code").fill(second_factor_code(user))
            tab.get_by_role("button", name="Continue").click()
            tab.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
        return tab

    return _login


@pytest.fixture
def logged_in_page(page: Any, patient: Any, login: Callable[[Any, Any], Any]) -> Any:
    return login(page, patient)
