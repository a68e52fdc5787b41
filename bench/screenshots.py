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
        env.pop("DATABASE_URL", None)
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


def log_in(tab: Any, email: str) -> None:
    tab.goto("/accounts/login/")
    tab.locator("#id_username").fill(email)
    tab.locator("#id_password").fill(DEMO_PASSWORD)
    tab.locator("form:has(#id_username) button[type=submit]").click()
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/" in tab.url:
        tab.locator("main input[type=text], main input[inputmode=numeric]").first.fill(
            demo_totp_code()
        )
        tab.locator("main form button[type=submit]").last.click()
        tab.wait_for_url(lambda url: "/accounts/two-factor/" not in url)


def _first_link(tab: Any, selector: str) -> str | None:
    link = tab.locator(selector).first
    return link.get_attribute("href") if link.count() else None


def patient_pages(tab: Any, shoot: Callable[[str], None]) -> None:
    shoot("home")
    tab.goto("/intake/")
    draft = re.search(r"/intake/(\d+)/", tab.url)
    for step in WIZARD_STEPS if draft else []:
        tab.goto(f"/intake/{draft.group(1)}/{step}/")  # type: ignore[union-attr]
        shoot(f"wizard-{step}")
    tab.goto("/assessments/")
    if result := _first_link(tab, "main a[href^='/assessments/']"):
        tab.goto(result)
        shoot("result")
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
    tab.locator("input[value='symptom:chest_pain_or_pressure']").check()
    tab.locator("#id_age").fill("62")
    tab.locator("input[name=sex]").first.check()
    tab.locator("input[name=intensity_now][value='8']").check()
    tab.locator("#id_duration_days").fill("0")
    tab.locator("main form button[type=submit]").last.click()
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
        for size, (width, height) in SIZES.items():
            for scene, email, locale, walk in SCENES:
                if only and scene not in only:
                    continue
                context = browser.new_context(
                    base_url=base_url, locale=locale, viewport={"width": width, "height": height}
                )
                context.set_default_timeout(20_000)
                tab = context.new_page()
                log_in(tab, email)

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
