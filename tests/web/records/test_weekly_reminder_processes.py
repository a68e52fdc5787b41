"""The weekly reminder across processes on one SQLite file: two processes run the weekly
reminder at once, a real worker is killed (SIGKILL) and started again, and the patient gets
exactly one check-in email for the week.

Runs in the SQLite pass only (it starts its own processes on its own database file)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from tests.conftest import child_environment

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its own SQLite file; covered by the SQLite pass",
)

SETUP = """
import django
django.setup()
from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER
alice = actions.create_patient(email="alice@example.com", password="x-unused-password-1")
actions.record_assessment(patient=alice, intake=Intake.model_validate(DESK_WORKER))
"""
REMIND = """
import django
django.setup()
from django.utils import timezone
from upperback.web.care.tasks import remind_all
print(remind_all(timezone.localdate()))
"""


def _env(data: Path) -> dict[str, str]:
    return {
        **child_environment(),
        "UPPERBACK_DATA_DIR": str(data),
        "UPPERBACK_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "UPPERBACK_EMAIL_FILE_PATH": str(data / "mail"),
    }


def _python(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _worker(env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    args = ("-m", "django", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.1")
    return _python(env, *args, *extra)


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def _checkin_mails(mail: Path) -> list[str]:
    pattern = re.compile(r"^Message-ID: (<checkin-[^>]+>)", re.MULTILINE)
    return [m for path in mail.glob("*") for m in pattern.findall(path.read_text())]


@pytest.mark.timeout(300)
def test_two_processes_and_a_killed_worker_send_one_reminder(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _finish(_python(env, "-m", "django", "migrate", "--noinput", "-v", "0"))
    _finish(_python(env, "-c", SETUP))
    # Two processes run this week's reminder at the same moment: one makes it.
    both = [_python(env, "-c", REMIND), _python(env, "-c", REMIND)]
    assert sorted(int(_finish(p).strip()) for p in both) == [0, 1]
    # A worker starts (it schedules the daily run too) and is killed; a new one drains.
    worker = _worker(env)
    time.sleep(3)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    _finish(_worker(env, "--batch"))
    # The weekly run again, after the restart: nothing new.
    assert int(_finish(_python(env, "-c", REMIND)).strip()) == 0
    _finish(_worker(env, "--batch"))
    assert len(_checkin_mails(tmp_path / "mail")) == 1
    with closing(sqlite3.connect(tmp_path / "upperback.sqlite3")) as db:
        rows = db.execute("SELECT count(*), count(sent_at) FROM records_weeklyreminder").fetchone()
    assert rows == (1, 1)
