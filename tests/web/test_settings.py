"""Strict settings: SQLite chosen with care, and a refusal of bad configuration values."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite pragmas only")
def test_sqlite_runs_with_wal_a_busy_timeout_and_foreign_keys(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import upperback.web.settings"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_unexpected_boolean_is_refused_by_name() -> None:
    result = _settings_with(UPPERBACK_DEBUG="maybe")
    assert result.returncode != 0
    assert "UPPERBACK_DEBUG='maybe'" in result.stderr


def test_production_refuses_the_development_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPPERBACK_")}
    result = subprocess.run(
        [sys.executable, "-c", "import upperback.web.settings"],
        env={**env, "UPPERBACK_DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "UPPERBACK_SECRET_KEY must be set" in result.stderr


def _settings_json(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Read the settings in a fresh process with only the given UPPERBACK_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("UPPERBACK_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, upperback.web.settings as s; print(json.dumps(" + code + "))",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_unless_asked_for_and_then_a_key_is_required(tmp_path: Path) -> None:
    refused = _settings_json("s.DEBUG", UPPERBACK_DATA_DIR=str(tmp_path))
    assert refused.returncode != 0
    assert "UPPERBACK_SECRET_KEY must be set" in refused.stderr
    given = _settings_json(
        "s.DEBUG", UPPERBACK_SECRET_KEY="k" * 50, UPPERBACK_DATA_DIR=str(tmp_path)
    )
    assert json.loads(given.stdout) is False
    debug = _settings_json("s.DEBUG", UPPERBACK_DEBUG="1", UPPERBACK_DATA_DIR=str(tmp_path))
    assert json.loads(debug.stdout) is True


def test_a_local_run_keeps_its_own_secret_key_in_the_data_folder(tmp_path: Path) -> None:
    code = "[s.SECRET_KEY, s.DEBUG, s.ALLOWED_HOSTS, getattr(s, 'SECURE_SSL_REDIRECT', False)]"
    first = _settings_json(code, UPPERBACK_LOCAL="1", UPPERBACK_DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key, debug, hosts, ssl = json.loads(first.stdout)
    key_file = tmp_path / "secret_key"
    assert key == key_file.read_text().strip() and len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert debug is False and ssl is False
    assert hosts == ["127.0.0.1", "localhost"]
    again = _settings_json(code, UPPERBACK_LOCAL="1", UPPERBACK_DATA_DIR=str(tmp_path))
    assert json.loads(again.stdout)[0] == key


def test_static_files_are_served_by_whitenoise_before_the_rest(tmp_path: Path) -> None:
    found = _settings_json(
        "[s.MIDDLEWARE, s.STORAGES['staticfiles']['BACKEND'], str(s.STATIC_ROOT)]",
        UPPERBACK_SECRET_KEY="k" * 50,
        UPPERBACK_DATA_DIR=str(tmp_path),
    )
    middleware, storage, static_root = json.loads(found.stdout)
    assert middleware[:4] == [
        "upperback.web.logs.RequestIdMiddleware",  # (only an id: every log line names it)
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "upperback.web.headers.SecurityHeadersMiddleware",
    ]
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert static_root == str(tmp_path / "static")
