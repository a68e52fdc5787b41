"""Acceptance 4: a web process and a task worker that share only the database and the object
store (each with its own data folder, no shared media folder) take a photo from the upload
form to a finished analysis, and the web process serves the worker's picture.

The S3 server is a real process on loopback (moto's server mode, tests/s3_server.py). Runs in
the SQLite pass only (its own SQLite file, named by DATABASE_URL, in a third folder)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import s3_server
from tests.conftest import child_environment

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its own SQLite file; covered by the SQLite pass",
)

EMAIL, PASSWORD = "alice@example.com", "correct-horse-battery-9"
MAKE_PATIENT = (
    "import django; django.setup()\n"
    "from upperback.web.records.actions import create_patient\n"
    f"create_patient(email={EMAIL!r}, password={PASSWORD!r})\n"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Browser:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, bytes, str]:
        with self.opener.open(self.base + path, timeout=60) as answer:
            return answer.status, answer.read(), answer.geturl()

    def post(self, path: str, body: bytes, content_type: str) -> str:
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Content-Type", content_type)
        request.add_header("Referer", self.base + path)
        with self.opener.open(request, timeout=120) as answer:
            return str(answer.geturl())

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def log_in(self) -> None:
        self.get("/accounts/login/")
        fields = {"username": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        landed = self.post(
            "/accounts/login/",
            urllib.parse.urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
        )
        assert "/accounts/login/" not in landed


@pytest.fixture
def s3() -> Iterator[s3_server.S3Server]:
    server = s3_server.start()
    yield server
    server.stop()


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the web process did not start")


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_web_process_and_a_worker_sharing_only_database_and_bucket(
    tmp_path: Path, s3: s3_server.S3Server, shared_data: Path
) -> None:
    bucket = s3.new_bucket()
    database = tmp_path / "database" / "upperback.sqlite3"
    database.parent.mkdir()
    shared = {**s3.environment(bucket), "DATABASE_URL": f"sqlite:///{database}"}
    web_env = child_environment(UPPERBACK_DATA_DIR=str(tmp_path / "web"), **shared)
    worker_env = child_environment(UPPERBACK_DATA_DIR=str(tmp_path / "worker"), **shared)
    django = [sys.executable, "-m", "django"]
    subprocess.run([*django, "migrate", "-v", "0"], env=web_env, check=True, timeout=300)
    subprocess.run([sys.executable, "-c", MAKE_PATIENT], env=web_env, check=True, timeout=120)
    port = _free_port()
    processes = [
        subprocess.Popen(
            [*django, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            env=web_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [*django, "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        _wait_for_port(port, processes[0])
        browser = Browser(port)
        browser.log_in()
        browser.get("/camera/upload/")
        photo = (shared_data / "photos/markers_side.jpg").read_bytes()
        fields = {"kind": "photo", "view": "side", "csrfmiddlewaretoken": browser.csrf()}
        landed = browser.post("/camera/upload/", *_multipart(fields, "side.jpg", photo))
        found = re.search(r"/camera/(\d+)/$", landed)
        assert found, landed
        upload_id = int(found.group(1))
        deadline, page = time.monotonic() + 180, ""
        while time.monotonic() < deadline:
            page = browser.get(f"/camera/{upload_id}/")[1].decode()
            if "<strong>Analysed</strong>" in page or "Could not be analysed" in page:
                break
            time.sleep(0.5)
        status, picture, _ = browser.get(f"/camera/{upload_id}/file/annotated_photo/")
    finally:
        for process in processes:
            process.kill()
            process.wait()
    assert "<strong>Analysed</strong>" in page, page[:2000]
    assert status == 200 and picture.startswith(b"\x89PNG")
    keys = s3.keys(bucket)
    assert f"pictures/{upload_id}/posture.png" in keys
    assert any(k.startswith("uploads/") and k.endswith(".jpg") for k in keys)
    # Neither machine kept a photo or a picture in its own folder.
    for folder in (tmp_path / "web", tmp_path / "worker"):
        kept = [f for f in _files(folder) if f.startswith(("media", "uploads", "pictures"))]
        assert kept == [], kept
