"""Without Chromium the browser tests skip and say so; when required (CI) they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET = "tests/browser/test_phone_layout.py::test_the_call_911_page_fills_the_screen"


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", TARGET, "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        env={**os.environ, "UPPERBACK_CHROMIUM": "/nonexistent/chromium", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_missing_chromium_skips_and_says_so() -> None:
    result = _run(UPPERBACK_REQUIRE_BROWSER="0")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "BROWSER TESTS SKIPPED" in result.stdout


def test_missing_chromium_fails_when_the_browser_is_required() -> None:
    result = _run(UPPERBACK_REQUIRE_BROWSER="1")
    assert result.returncode != 0
    assert "UPPERBACK_REQUIRE_BROWSER=1" in result.stdout
