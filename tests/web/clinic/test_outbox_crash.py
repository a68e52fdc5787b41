"""Crash test of the emails' outbox: a real server and a real worker on a SQLite file, both
killed with SIGKILL ten times while a client books; every booking that committed gets exactly
one confirmation email, once a worker has drained the queue.

Runs in the SQLite pass only (it starts its own processes on its own database file)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from tests.conftest import child_environment

from upperback.web.demo_accounts import DEMO_PASSWORD, DEMO_PATIENT

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its own SQLite file; covered by the SQLite pass",
)

KILLS = 10
LEASE_SECONDS = 2
SETUP_SCRIPT = """
import datetime as dt, json, django
django.setup()
from django.utils import timezone
from upperback.web.accounts.models import User
from upperback.web.clinic.demo import load_demo_clinic
from upperback.web.demo_accounts import DEMO_PASSWORD, DEMO_PATIENT
load_demo_clinic()
User.objects.create_user(email=DEMO_PATIENT, password=DEMO_PASSWORD)
from upperback.web.clinic.models import AppointmentType, Clinician, Location
from upperback.web.clinic.slots import find_slots
clinician = Clinician.objects.get(name="Dr. Priya Shah")
kind = next(t for t in AppointmentType.objects.all() if clinician.specialty in t.specialties)
location = Location.objects.get()
start = timezone.now() + dt.timedelta(days=3)
slots = find_slots(appointment_type=kind, clinician_id=clinician.pk, location=location,
                   start=start, end=start + dt.timedelta(days=40), now=timezone.now())
print(json.dumps({"clinician": clinician.pk, "location": location.pk, "appointment_type": kind.pk,
                  "starts": [s.starts_at.strftime("%Y-%m-%dT%H:%M:%S%z") for s in slots]}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Site:
    """The app's processes on one data folder."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.env = {
            **child_environment(),
            "UPPERBACK_DATA_DIR": str(data),
            "UPPERBACK_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "UPPERBACK_EMAIL_FILE_PATH": str(data / "mail"),
            "UPPERBACK_TASK_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        self.port = _free_port()

    def django(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "django", *args]

    def run(self, *args: str) -> str:
        done = subprocess.run(
            self.django(*args), env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.django(*args),
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def server(self) -> subprocess.Popen[bytes]:
        address = f"127.0.0.1:{self.port}"
        return self.start("runserver", address, "--noreload", "--skip-checks")

    def worker(self, *args: str) -> subprocess.Popen[bytes]:
        return self.start("worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", *args)

    def wait_for_server(self, server: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Patient:
    """A browser: the session and CSRF cookies, forms posted without following redirects."""

    def __init__(self, site: Site) -> None:
        self.base = f"http://127.0.0.1:{site.port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def _csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def post(self, path: str, fields: dict[str, object]) -> tuple[int, str]:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self._csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, ""
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers.get("Location", "")

    def log_in(self) -> None:
        self.opener.open(self.base + "/accounts/login/", timeout=60).close()
        status, _ = self.post(
            "/accounts/login/", {"username": DEMO_PATIENT, "password": DEMO_PASSWORD}
        )
        assert status == 302


def _book_until_killed(patient: Patient, slots: Iterator[str], form: dict[str, int]) -> list[int]:
    """Book one slot after another until the server dies; the ids the server confirmed."""
    confirmed = []
    while True:
        try:
            confirmed += _book(patient, next(slots), form)
        except (OSError, urllib.error.URLError):
            return confirmed


def _book(patient: Patient, starts_at: str, form: dict[str, int]) -> list[int]:
    """The id of the booked appointment, or [] if the server refused."""
    status, location = patient.post("/consultations/book/", {**form, "starts_at": starts_at})
    found = re.search(r"/appointments/(\d+)/", location)
    return [int(found.group(1))] if status == 302 and found else []


def _kill_later(process: subprocess.Popen[bytes], delay: float) -> threading.Timer:
    timer = threading.Timer(
        delay, lambda: process.poll() is None and process.send_signal(signal.SIGKILL)
    )
    timer.start()
    return timer


def _confirmations(mail_dir: Path) -> Counter[int]:
    pattern = re.compile(r"^Message-ID: <appointment-(\d+)-confirmation@", re.MULTILINE)
    counts: Counter[int] = Counter()
    for path in mail_dir.glob("*"):
        counts.update(int(pk) for pk in pattern.findall(path.read_text(errors="replace")))
    return counts


@pytest.mark.timeout(300)  # about 40 s on a quiet 2-core machine; rounds and waits are bounded
def test_every_committed_booking_gets_exactly_one_confirmation_through_kills(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    rng = random.Random(20261129)
    site = Site(tmp_path)
    site.run("migrate", "--noinput", "-v", "0")
    timings = {"migrate": time.monotonic() - started}
    offer = json.loads(
        subprocess.run(
            [sys.executable, "-c", SETUP_SCRIPT],
            env=site.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    form = {k: offer[k] for k in ("clinician", "location", "appointment_type")}
    slots = iter(offer["starts"])
    confirmed: list[int] = []
    patient = Patient(site)
    for round_ in range(KILLS):
        server, worker = site.server(), site.worker()
        site.wait_for_server(server)
        if round_ == 0:
            patient.log_in()  # the session outlives the server: it is in the database
        # One booking before the timers start: the kills land among bookings, not in the
        # server's start-up (slow on a loaded machine).
        confirmed += _book(patient, next(slots), form)
        timers = [
            _kill_later(server, rng.uniform(0.1, 0.8)),
            _kill_later(worker, rng.uniform(0.1, 0.8)),
        ]
        confirmed += _book_until_killed(patient, slots, form)
        for timer in timers:
            timer.join()
        for process in (server, worker):
            process.wait(timeout=10)
            assert process.returncode == -signal.SIGKILL, round_
    timings["kills"] = time.monotonic() - started
    # The last worker: let any task a killed worker left running outlive its lease, then drain.
    time.sleep(LEASE_SECONDS + 0.5)
    drain = site.worker("--batch")
    assert drain.wait(timeout=60) == 0
    with closing(sqlite3.connect(tmp_path / "upperback.sqlite3")) as db:
        committed = [pk for (pk,) in db.execute("SELECT id FROM clinic_appointment")]
        unsent = db.execute(
            "SELECT count(*) FROM clinic_appointment WHERE confirmation_sent_at IS NULL"
        ).fetchone()[0]
    assert len(committed) >= KILLS  # the client did book between the kills
    assert set(confirmed) <= set(committed)  # every booking the server confirmed is stored
    sent = _confirmations(tmp_path / "mail")
    # At least once for every committed booking, and none for a booking that did not commit.
    # (A worker killed between sending and recording it sends a second copy, with the same
    # Message-ID so mail clients show one: the outbox is at-least-once, ADR 0007.)
    assert set(sent) == set(committed)
    assert all(count >= 1 for count in sent.values())
    assert unsent == 0
    timings["total"] = time.monotonic() - started
    print(f"{len(committed)} bookings, {KILLS} kills; seconds: {timings}")
