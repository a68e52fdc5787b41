"""Every queued reminder is either sent or still queued after any kill: the bulk worker is
killed with SIGKILL again and again while it runs the weekly reminder run and sends its
emails; after each kill no reminder is claimed without a task that will send it, and once a
worker has drained the queue every patient has had her email.

Runs in the SQLite pass only (it starts its own processes on its own database file)."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from tests.conftest import child_environment

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its own SQLite file; covered by the SQLite pass",
)

PATIENTS = 120
KILLS = 8
SETUP = f"""
import django
django.setup()
from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER
intake = Intake.model_validate(DESK_WORKER)
for n in range({PATIENTS}):
    patient = actions.create_patient(email=f"p{{n}}@example.com", password="x-unused-password-1")
    actions.record_assessment(patient=patient, intake=intake)
from upperback.web.care.tasks import send_weekly_reminders
send_weekly_reminders.enqueue(schedule_next=False)
"""
# Reminders with a send task waiting to run (or running: the next worker reruns it).
WITH_A_TASK = """
SELECT r.id, r.patient_id FROM records_weeklyreminder r WHERE EXISTS (
  SELECT 1 FROM django_tasks_database_dbtaskresult t
  WHERE t.task_path = 'upperback.web.care.tasks.send_checkin_reminder'
    AND t.status IN ('READY', 'RUNNING') AND t.args_kwargs LIKE '%[' || r.id || ']%')
"""


def _env(data: Path) -> dict[str, str]:
    return child_environment(
        UPPERBACK_DATA_DIR=str(data),
        UPPERBACK_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        UPPERBACK_EMAIL_FILE_PATH=str(data / "mail"),
        UPPERBACK_TASK_LEASE_SECONDS="1",
    )


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def _worker(env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    command = ["-m", "django", "worker", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(
        [sys.executable, *command, "--interval", "0.1", "--queue-name", "bulk", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _mailed(mail: Path) -> Counter[str]:
    pattern = re.compile(r"^Message-ID: <checkin-(\d+)-", re.MULTILINE)
    found: Counter[str] = Counter()
    for path in mail.glob("*"):
        found.update(pattern.findall(path.read_text(errors="replace")))
    return found


def _neither_sent_nor_queued(database: Path, mail: Path) -> list[int]:
    """Reminders neither mailed nor with a task to send them: what a kill would have lost."""
    mailed = set(_mailed(mail))
    with closing(sqlite3.connect(database, timeout=30)) as db:
        queued = {patient for _, patient in db.execute(WITH_A_TASK).fetchall()}
        made = [p for (p,) in db.execute("SELECT patient_id FROM records_weeklyreminder")]
    return [p for p in made if str(p) not in mailed and p not in queued]


@pytest.mark.timeout(600)
def test_no_reminder_is_lost_when_the_bulk_worker_is_killed_again_and_again(
    tmp_path: Path,
) -> None:
    rng = random.Random(20261206)
    env = _env(tmp_path)
    _run(env, "-m", "django", "migrate", "--noinput", "-v", "0")
    _run(env, "-c", SETUP)
    database, mail = tmp_path / "upperback.sqlite3", tmp_path / "mail"
    lost_after_kill = []
    for _ in range(KILLS):
        worker = _worker(env)
        time.sleep(rng.uniform(1.5, 4.0))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        lost_after_kill.append(_neither_sent_nor_queued(database, mail))
        time.sleep(1.2)  # past the lease: the next worker runs abandoned tasks again
    _run(
        env,
        "-m",
        "django",
        "worker",
        "--no-reload",
        "--no-startup-delay",
        "--batch",
        "--queue-name",
        "bulk",
        "--interval",
        "0",
    )
    time.sleep(1.2)
    _run(
        env,
        "-m",
        "django",
        "worker",
        "--no-reload",
        "--no-startup-delay",
        "--batch",
        "--queue-name",
        "bulk",
        "--interval",
        "0",
    )
    mailed = _mailed(mail)
    assert all(lost == [] for lost in lost_after_kill), lost_after_kill
    assert len(mailed) == PATIENTS  # every patient, once the queue is drained
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM records_weeklyreminder").fetchone()[0] == PATIENTS
