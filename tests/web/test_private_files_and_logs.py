"""Private files (0700 folders, 0600 files: data folder, database, uploads, backups, mail) and
honest logs (no reset link in the output, errors as JSON lines with the request's id, mailed
to ADMINS without the request's data; a production start refuses a console email backend)."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.conftest import child_environment

from upperback.web import serve
from upperback.web.logs import JsonFormatter

FOLDER, FILE = 0o700, 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    env = child_environment(UPPERBACK_DATA_DIR=str(data))
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        args,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),  # a usual login shell's umask
    )


def test_the_data_folder_database_and_backups_are_the_owners_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _run([sys.executable, "-m", "django", "migrate", "--noinput"], data)
    assert done.returncode == 0, done.stderr[-2000:]
    assert mode(data) == FOLDER
    database = data / "upperback.sqlite3"
    assert mode(database) == FILE
    for companion in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        if companion.exists():
            assert mode(companion) == FILE, companion
    backup = tmp_path / "backup.sqlite3"
    done = _run([sys.executable, "-m", "upperback.cli", "backup", "--output", str(backup)], data)
    assert done.returncode == 0, done.stderr[-2000:]
    assert mode(backup) == FILE


def test_an_older_open_data_folder_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    done = _run([sys.executable, "-m", "django", "migrate", "--noinput"], data)
    assert done.returncode == 0, done.stderr[-2000:]
    database = data / "upperback.sqlite3"
    database.chmod(0o644)
    done = _run([sys.executable, "-m", "django", "check"], data)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (mode(data), mode(database)) == (FOLDER, FILE)


def test_uploads_are_written_owner_only(tmp_path: Path, settings: Any) -> None:
    from upperback.web.media.actions import _write

    assert (settings.FILE_UPLOAD_PERMISSIONS, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS) == (
        FILE,
        FOLDER,
    )
    destination = tmp_path / "media" / "uploads" / "1" / "photo.jpg"
    _write(SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"0" * 100), destination)
    assert mode(destination) == FILE
    assert mode(destination.parent) == FOLDER


@pytest.mark.django_db
def test_a_reset_link_is_never_printed(
    alice: Any, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = "upperback.web.mail.PrivateConsoleBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    Client().post("/accounts/password-reset/", {"email": alice.email})
    out, err = capsys.readouterr()
    assert "/accounts/reset/" not in out + err and alice.email not in out + err
    assert "written to" in out
    (written,) = (tmp_path / "mail").iterdir()
    assert "/accounts/reset/" in written.read_text()
    assert (mode(tmp_path / "mail"), mode(written)) == (FOLDER, FILE)


@pytest.fixture
def failing_view(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.web.boom_urls"


def _capture(logger: str) -> io.StringIO:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger(logger).addHandler(handler)
    return stream


@pytest.mark.django_db
def test_a_server_error_is_logged_as_json_with_its_request_id_and_no_query(
    failing_view: None, alice: Any
) -> None:
    from django.conf import settings

    assert "stderr" in settings.LOGGING["loggers"]["django"]["handlers"]
    stream = _capture("django.request")
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    answer = client.get("/boom/?q=ruptured+disc")
    assert answer.status_code == 500
    rid = answer["X-Request-ID"]
    assert len(rid) == 32
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert (line["request_id"], line["path"], line["status"]) == (rid, "/boom/", 500)
    assert line["error"] == "ValueError" and line["level"] == "ERROR"
    assert "ruptured" not in stream.getvalue()
    # A proxy's id is kept (so its logs and ours meet); a strange one is replaced.
    assert Client().get("/", HTTP_X_REQUEST_ID="proxy-1234abcd")["X-Request-ID"] == "proxy-1234abcd"
    assert Client().get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


@pytest.mark.django_db
def test_admins_get_the_error_without_the_requests_data(
    failing_view: None, alice: Any, settings: Any
) -> None:
    settings.ADMINS = [("Ops", "ops@example.com")]
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    answer = client.post("/boom/?name=alice", {"pain_story": "numbness in both legs"})
    assert answer.status_code == 500
    (sent,) = mail.outbox
    assert sent.to == ["ops@example.com"]
    body = str(sent.body)
    assert answer["X-Request-ID"] in body and "ValueError" in body
    assert "numbness" not in body and "name=alice" not in body and "sessionid" not in body


def test_admins_are_read_from_the_environment() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from upperback.web.settings import _admins

    assert _admins("Ann Ops <ann@example.com>, bob@example.com") == [
        ("Ann Ops", "ann@example.com"),
        ("", "bob@example.com"),
    ]
    assert _admins("") == []
    with pytest.raises(ImproperlyConfigured):
        _admins("nobody")


def test_a_production_start_refuses_a_console_email_backend(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("UPPERBACK_DEBUG", "UPPERBACK_EMAIL_BACKEND", "UPPERBACK_ALLOW_CONSOLE_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UPPERBACK_LOCAL", "0")
    started: list[Any] = []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda *a, **k: started.append(a))
    assert serve.serve("127.0.0.1", 8999) == 2
    assert started == []
    assert "refusing to start" in capsys.readouterr().err
    production = {"UPPERBACK_LOCAL": "0"}
    django_console = "django.core.mail.backends.console.EmailBackend"
    assert serve.email_problem({**production, "UPPERBACK_EMAIL_BACKEND": django_console})
    assert not serve.email_problem({**production, "UPPERBACK_ALLOW_CONSOLE_EMAIL": "1"})
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert not serve.email_problem({**production, "UPPERBACK_EMAIL_BACKEND": smtp})
    assert not serve.email_problem({"UPPERBACK_LOCAL": "1"})  # make run


def test_the_deploy_check_names_the_console_backend(settings: Any) -> None:
    from upperback.web.mail import check_email_backend

    settings.DEBUG, settings.LOCAL = False, False
    settings.EMAIL_BACKEND = "upperback.web.mail.PrivateConsoleBackend"
    settings.ALLOW_CONSOLE_EMAIL = False
    assert [e.id for e in check_email_backend()] == ["upperback.E001"]
    settings.ALLOW_CONSOLE_EMAIL = True
    assert check_email_backend() == []


def test_a_shared_folder_holding_the_database_is_never_closed(tmp_path: Path) -> None:
    """A SQLite file named by DATABASE_URL in a shared folder (/tmp, sticky and open to all)
    must not take the folder from everyone else: an earlier version closed /tmp to 0700."""
    from upperback.web.private_files import private_dir

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    private_dir(shared)  # even asked to tighten: the sticky bit marks it shared
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    elsewhere.chmod(0o755)
    private_dir(elsewhere, tighten=False)
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755
    made = private_dir(tmp_path / "new", tighten=False)
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
