"""Real server processes on loopback sharing one SQLite file, for the throttling tests.

`Site(folder)` migrates a fresh database there and makes accounts through the actions;
`site.servers(n)` runs n `manage.py runserver` processes (threaded) on free ports; `fire`
sends many POSTs at once from threads, spread over the servers, each with a CSRF token.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.conftest import CHILD_SETTINGS

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
DJANGO = (sys.executable, "-m", "django")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


class Site:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count_file = folder / "hashes-computed"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("UPPERBACK_")}
        self.env.pop("DATABASE_URL", None)  # one SQLite file shared by the processes
        self.env.update(
            UPPERBACK_DATA_DIR=str(folder),
            UPPERBACK_TEST_HASH_COUNT=str(self.count_file),
            UPPERBACK_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            UPPERBACK_SECRET_KEY=CHILD_SETTINGS["UPPERBACK_SECRET_KEY"],
            UPPERBACK_LOCAL="1",
            UPPERBACK_ALLOWED_HOSTS=CHILD_SETTINGS["UPPERBACK_ALLOWED_HOSTS"],
            DJANGO_SETTINGS_MODULE="counting_settings",
            PYTHONPATH=os.pathsep.join([str(HERE), self.env.get("PYTHONPATH", "")]),
        )

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [*DJANGO, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def prepare(self, accounts_code: str) -> None:
        """Migrate, run `accounts_code` in `manage.py shell`, then reset the hash count."""
        self.manage("migrate", "--noinput")
        self.manage("shell", "-c", accounts_code)
        self.count_file.unlink(missing_ok=True)

    def hashes(self) -> int:
        return self.count_file.stat().st_size if self.count_file.exists() else 0

    @contextmanager
    def servers(self, count: int) -> Iterator[list[int]]:
        ports = [_free_port() for _ in range(count)]
        processes = [
            subprocess.Popen(
                [*DJANGO, "runserver", f"{HOST}:{port}", "--noreload", "--skip-checks"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        try:
            for port, process in zip(ports, processes, strict=True):
                _wait_for(port, process)
            yield ports
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def csrf(port: int, path: str) -> tuple[str, str]:
    """(cookie, form token) from a GET of the form's page."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    cookies = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookies.load(header)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert found, body[:500]
    return cookies["csrftoken"].value, found.group(1)


def post(port: int, path: str, fields: dict[str, str], cookie: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    connection.request(
        "POST",
        path,
        body=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
    )
    response = connection.getresponse()
    answer = (response.status, response.read().decode())
    connection.close()
    return answer


def fire(ports: list[int], path: str, fields: dict[str, str], times: int) -> list[tuple[int, str]]:
    """`times` POSTs released together (a barrier), spread round-robin over the servers."""
    cookie, token = csrf(ports[0], path)
    start = threading.Barrier(times)

    def one(index: int) -> tuple[int, str]:
        start.wait()
        return post(
            ports[index % len(ports)], path, {**fields, "csrfmiddlewaretoken": token}, cookie
        )

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(one, range(times)))
