"""Strict settings: SQLite chosen with care, and a refusal of bad configuration values."""

from __future__ import annotations

import os
import subprocess
import sys
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
    env = {k: v for k, v in os.environ.items() if k != "UPPERBACK_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", "import upperback.web.settings"],
        env={**env, "UPPERBACK_DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "UPPERBACK_SECRET_KEY must be set" in result.stderr
