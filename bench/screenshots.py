"""`make screenshots`: PNGs of the main pages at desktop and phone sizes, for a reviewer.

Starts the app as `make run` does (migrate, demo data, static files, the server with its
worker) on a throw-away SQLite database in a temporary folder and a free port, signs in as the
demo patient and the demo clinician in headless Chromium, and saves full-page PNGs to
var/screenshots/ (git-ignored) at 1280x800 and 390x844, then prints their paths.

    python -m bench.screenshots [--out DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from upperback.web.demo_accounts import (
    DEMO_CLINICIAN,
    DEMO_PASSWORD,
    DEMO_PATIENT,
    demo_totp_code,
)

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "var" / "screenshots"
CHROMIUM = Path(os.environ.get("UPPERBACK_CHROMIUM", "/usr/bin/chromium"))
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
ADDRESS = re.compile(r"Upperback is running at (http://127\.0\.0\.1:\d+/)")
WIZARD_STEPS = ["safety", "pain", "symptoms", "history", "treatments", "function", "work"]
START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _django(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def _wait_for_address(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    seen = ""
    deadline = time.monotonic() + START_TIMEOUT_S
    with selectors.DefaultSelector() as selector:
        selector.register(server.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline and server.poll() is None:
            if selector.select(timeout=1):
                line = server.stdout.readline()
                seen += line
                if match := ADDRESS.search(line):
                    return match.group(1).rstrip("/")
    raise RuntimeError(f"the server did not start within {START_TIMEOUT_S} s:\n{seen}")


@contextmanager
def demo_server() -> Iterator[str]:
    """The app with its demo data on a throw-away database; yields its address."""
    with tempfile.TemporaryDirectory(prefix="upperback-screens-") as data:
        env = {**os.environ, "UPPERBACK_DATA_DIR": data, "UPPERBACK_LOCAL": "1"}
        env.pop("DATABASE_URL", None)  # SQLite in the throw-away data folder
        env.pop("DJANGO_SETTINGS_MODULE", None)  # the app's own settings, as `make run`
        env["PYTHONUNBUFFERED"] = "1"
        for step in (("migrate", "--noinput"), ("load_demo",), ("collectstatic", "--noinput")):
            _django(env, *step)
        port = str(_free_port())
        server = subprocess.Popen(
            [sys.executable, "-m", "upperback.web.serve", "--host", "127.0.0.1", "--port", port],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: stopped together below
        )
        try:
            yield _wait_for_address(server)
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            if server.stdout is not None:
                server.stdout.close()


USED_CODES: set[str] = set()


def _fresh_code() -> str:
    """The demo clinician's code now, or the next one if this one was used already (the
    server refuses a code twice and accepts one step ahead)."""
    code = demo_totp_code()
    if code in USED_CODES:
        code = demo_totp_code(time.time() + 30)
    USED_CODES.add(code)
    return code


def log_in(tab: Any, email: str) -> None:
    tab.goto("/accounts/login/")
    tab.locator("#id_username").fill(email)
    tab.locator("#id_password").fill(DEMO_PASSWORD)
    tab.locator("form:has(#id_username) button[type=submit]").click()
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/" in tab.url:
        tab.locator("main input[type=text], main input[inputmode=numeric]").first.fill(
            _fresh_code()
        )
        tab.locator("main form button[type=submit]").last.click()
        tab.wait_for_url(lambda url: "/accounts/two-factor/" not in url)


def _choose_language(tab: Any, language: str) -> None:
    """The header's language switch, as a person would use it (it is kept on the account)."""
    tab.locator("#language-select").select_option(language)
    tab.locator("#language-submit").click()
    tab.wait_for_load_state()


def _first_link(tab: Any, selector: str) -> str | None:
    link = tab.locator(selector).first
    return link.get_attribute("href") if link.count() else None


NEXT = "main form button[type=submit]:not([value=back])"


def _fill_safety(tab: Any, *, age: str, pain: str, days: str) -> None:
    tab.locator("#id_age").fill(age)
    tab.locator("input[name=sex]").first.check()
    tab.locator(f"input[name=intensity_now][value='{pain}']").check()
    tab.locator("#id_duration_days").fill(days)


def walk_wizard(tab: Any, shoot: Callable[[str], None]) -> None:
    """Each step of a new intake (no warning sign), saved as the patient goes; not sent."""
    tab.goto("/intake/")
    draft = re.search(r"/intake/(\d+)/", tab.url)
    for step in WIZARD_STEPS if draft else []:
        if f"/{step}/" not in tab.url:  # a step done already: the wizard moves on; go back
            tab.goto(f"/intake/{draft.group(1)}/{step}/")  # type: ignore[union-attr]
        if step == "safety" and not tab.locator("#id_age").input_value():
            _fill_safety(tab, age="41", pain="4", days="10")
        shoot(f"wizard-{step}")
        tab.locator(NEXT).last.click()
        tab.wait_for_load_state()


def patient_pages(tab: Any, shoot: Callable[[str], None]) -> None:
    shoot("home")
    tab.goto("/assessments/")
    if result := _first_link(tab, "main a[href^='/assessments/']"):
        tab.goto(result)
        shoot("result")
    walk_wizard(tab, shoot)
    tab.goto("/consultations/search/")
    shoot("booking")
    tab.goto("/progress/")
    shoot("progress")
    tab.goto("/camera/upload/")
    shoot("media-upload")


def clinician_pages(tab: Any, shoot: Callable[[str], None]) -> None:
    tab.goto("/clinic/queue/")
    shoot("queue")
    if review := _first_link(tab, "main a[href^='/clinic/assessments/']"):
        tab.goto(review)
        shoot("review")
    tab.goto("/clinic/calendar/")
    shoot("calendar")


def spanish_emergency(tab: Any, shoot: Callable[[str], None]) -> None:
    """A new intake in Spanish that stops at the first step: chest pain."""
    tab.goto("/intake/")
    if draft := re.search(r"/intake/(\d+)/", tab.url):  # the walk's unsent intake, if any
        tab.goto(f"/intake/{draft.group(1)}/safety/")
    tab.locator("input[value='symptom:chest_pain_or_pressure']").check()
    _fill_safety(tab, age="62", pain="8", days="0")
    tab.locator(NEXT).last.click()
    tab.wait_for_load_state()
    shoot("emergency-es")


SCENES: list[tuple[str, str, str, Callable[[Any, Callable[[str], None]], None]]] = [
    ("patient", DEMO_PATIENT, "en-US", patient_pages),
    ("clinician", DEMO_CLINICIAN, "en-US", clinician_pages),
    ("emergency", DEMO_PATIENT, "es-ES", spanish_emergency),
]


def take(base_url: str, out: Path, only: set[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for scene, email, locale, walk in SCENES:  # the emergency last: it ends an intake
            for size, (width, height) in SIZES.items():
                if only and scene not in only:
                    continue
                context = browser.new_context(
                    base_url=base_url, locale=locale, viewport={"width": width, "height": height}
                )
                context.set_default_timeout(20_000)
                tab = context.new_page()
                log_in(tab, email)
                _choose_language(tab, locale.split("-")[0])

                def shoot(name: str, tab: Any = tab, size: str = size) -> None:
                    path = out / f"{name}-{size}.png"
                    tab.screenshot(path=str(path), full_page=True)
                    saved.append(path)

                walk(tab, shoot)
                context.close()
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", nargs="*", default=[], choices=[s[0] for s in SCENES])
    args = parser.parse_args(argv)
    with demo_server() as base_url:
        saved = take(base_url, args.out, set(args.only))
    for path in saved:
        print(path)
    print(f"{len(saved)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
