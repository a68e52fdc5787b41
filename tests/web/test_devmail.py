"""Issue 22, item 10: `make run` (UPPERBACK_LOCAL=1) with the console backend writes each
email to a file in the data folder and prints one line with its path and link."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMessage

from upperback.web.devmail import EmailBackend


def _backend_of(**env: str) -> list[str]:
    code = (
        "import json, upperback.web.settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_FILE_PATH]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    chosen: list[str] = json.loads(out.stdout)
    return chosen


def test_a_local_run_turns_the_console_into_files(tmp_path: Path) -> None:
    local = _backend_of(UPPERBACK_LOCAL="1", UPPERBACK_DATA_DIR=str(tmp_path))
    assert local == ["upperback.web.devmail.EmailBackend", str(tmp_path.resolve() / "mail")]
    chosen = "django.core.mail.backends.smtp.EmailBackend"  # a choice made is kept
    kept = _backend_of(
        UPPERBACK_LOCAL="1", UPPERBACK_DATA_DIR=str(tmp_path), UPPERBACK_EMAIL_BACKEND=chosen
    )
    assert kept[0] == chosen


def test_each_email_is_a_file_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backend = EmailBackend(file_path=str(tmp_path))
    messages = [
        EmailMessage("Hello", "Open https://x.example/a/b/ now.", "f@x.example", ["a@x.example"]),
        EmailMessage("No link", "Nothing to open.", "f@x.example", ["b@x.example"]),
    ]
    assert backend.send_messages(messages) == 2
    lines = capsys.readouterr().out.splitlines()
    files = sorted(tmp_path.glob("*.eml"))
    assert len(lines) == 2 and len(files) == 2
    assert lines[0].endswith("| link: https://x.example/a/b/") and "a@x.example" in lines[0]
    assert "link:" not in lines[1]
    assert all(any(str(f) in line for line in lines) for f in files)
