"""`make run`, as the README says, serves the app with its demo data on 127.0.0.1."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ADDRESS = re.compile(r"Upperback is running at (http://127\.0\.0\.1:\d+/)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_until_address(process: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline and process.poll() is None:
            if selector.select(timeout=1):
                line = process.stdout.readline()
                seen += line
                match = ADDRESS.search(line)
                if match:
                    return match.group(1), seen
    pytest.fail(f"make run printed no address within {timeout}s:\n{seen}")


def _stop(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a person would: SIGINT to the whole process group."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as response:
        return str(response.read().decode())


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=20) as response:
        return dict(response.headers)


def _missing_page(url: str) -> tuple[int, str]:
    try:
        urllib.request.urlopen(url, timeout=20)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    pytest.fail(f"{url} answered")


def _group_processes(group: int, word: str) -> list[int]:
    """The ids of the processes in this process group whose command line holds `word`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            in_group = os.getpgid(int(entry.name)) == group
        except (OSError, ProcessLookupError):
            continue
        if in_group and word in command:
            found.append(int(entry.name))
    return found


def _task_worker_restarts(group: int) -> None:
    """Kill the task worker: the web server must go on, and a new worker must start."""
    assert len(_group_processes(group, "django worker")) == 3  # one per queue
    (worker,) = _group_processes(group, "--queue-name urgent")
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        again = _group_processes(group, "--queue-name urgent")
        if again and again != [worker]:
            return
        time.sleep(0.5)
    pytest.fail("the task worker was not started again")


def _ready_within(address: str, seconds: float) -> bool:
    """`/readyz` answers 200: the database, the migrations, the task worker and storage."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(address + "readyz", timeout=20) as response:
                return bool(response.status == 200)
        except urllib.error.HTTPError:
            time.sleep(0.5)
    return False


def test_make_run_serves_home_and_login_with_the_demo_logins(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "UPPERBACK_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # as the README says: SQLite in the data folder
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        address, output = _read_until_address(process, timeout=240)
        home = _fetch(address)
        login = _fetch(address + "accounts/login/")
        headers = _headers(address)
        css = _headers(address + "static/upperback/site.css")
        missing, missing_page = _missing_page(address + "no-such-page/")
        servers = _group_processes(process.pid, "gunicorn")
        ready = _ready_within(address, 60)
        probes = [_fetch(address + "healthz") for _ in range(12)]
        metrics = _fetch(address + "metrics")
        _task_worker_restarts(process.pid)
        home_again = _fetch(address)
    finally:
        _stop(process)
    assert "Upperback" in home and "Upperback" in home_again
    assert 'name="password"' in login
    assert len(servers) >= 3  # gunicorn's arbiter and at least two worker processes
    assert ready and all('"ok"' in probe for probe in probes)
    # Every gunicorn worker's requests in one scrape (multiprocess mode): all 12 counted.
    healthz = re.search(
        r'^upperback_http_request_duration_seconds_count\{method="GET",route="healthz",'
        r'status="200"\} ([0-9.]+)$',
        metrics,
        re.MULTILINE,
    )
    assert healthz is not None and float(healthz.group(1)) == 12
    assert headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Server"] == "gunicorn"
    assert css["Content-Type"].startswith("text/css") and css["Cache-Control"] != "no-store"
    assert missing == 404 and "URLconf" not in missing_page  # DEBUG is off
    assert (tmp_path / "data" / "secret_key").exists()
    assert "patient@demo.upperback.example" in output
    assert "clinician@demo.upperback.example" in output
    assert (tmp_path / "data" / "upperback.sqlite3").exists()
    assert process.returncode is not None
