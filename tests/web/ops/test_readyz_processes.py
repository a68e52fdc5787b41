"""Acceptance 7: `/readyz` of a real server turns unready when the real task worker stops
(killed, or stopped cleanly) and ready again when a worker starts.

Runs in the SQLite pass only (it starts its own processes on its own database file)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import child_environment

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its own SQLite file; covered by the SQLite pass",
)

READY_SECONDS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Site:
    def __init__(self, data: Path) -> None:
        self.env = child_environment(
            UPPERBACK_DATA_DIR=str(data),
            UPPERBACK_WORKER_HEARTBEAT_SECONDS="1",
            UPPERBACK_READY_WORKER_SECONDS=str(READY_SECONDS),
        )
        self.port = _free_port()
        self.processes: list[subprocess.Popen[bytes]] = []

    def django(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "django", *args]

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            self.django(*args), env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def worker(self) -> subprocess.Popen[bytes]:
        return self.start("worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")

    def readyz(self) -> tuple[int, dict[str, object]]:
        url = f"http://127.0.0.1:{self.port}/readyz"
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as answer:
            return answer.code, json.loads(answer.read())
        except OSError:
            return 0, {}

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = Site(tmp_path)
    done = subprocess.run(
        site.django("migrate", "--noinput", "-v", "0"),
        env=site.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    site.start("runserver", f"127.0.0.1:{site.port}", "--noreload", "--skip-checks")
    yield site
    site.stop_all()


def _until(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds it took `condition` to hold; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


@pytest.mark.timeout(240)
def test_readyz_follows_the_worker_through_a_kill_a_restart_and_a_clean_stop(site: Site) -> None:
    _until(lambda: site.readyz()[0] == 503, 60)  # the server answers; no worker yet
    status, body = site.readyz()
    assert status == 503 and "no worker heartbeat" in json.dumps(body)

    worker = site.worker()
    _until(lambda: site.readyz()[0] == 200, 60)

    worker.send_signal(signal.SIGKILL)  # no goodbye: its heartbeat just gets old
    worker.wait()
    took = _until(lambda: site.readyz()[0] == 503, READY_SECONDS + 10)
    assert took <= READY_SECONDS + 2

    worker = site.worker()
    _until(lambda: site.readyz()[0] == 200, 60)

    worker.send_signal(signal.SIGTERM)  # a clean stop removes its heartbeat at once
    worker.wait(timeout=30)
    status, body = site.readyz()
    assert status == 503, body
