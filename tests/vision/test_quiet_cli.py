"""Issue 13: the command line keeps MediaPipe's and TensorFlow Lite's log lines off stderr
unless asked for (`--verbose`); the analysis children keep theirs off too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from upperback.vision.isolated import run_isolated
from upperback.vision.parallel import track_segment_job
from upperback.vision.quiet import VERBOSE_ENV, is_native_log

pytestmark = pytest.mark.slow

CLIP = "videos/sample_bicep_curl.mp4"


def _cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != VERBOSE_ENV}
    return subprocess.run(
        [sys.executable, "-m", "upperback.cli", *args],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_the_libraries_log_formats_are_recognised_and_our_lines_are_not() -> None:
    for line in (
        b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
        b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        b"W0000 00:00:1795938040.833607    9367 inference_feedback_manager.cc:114] Feedback",
        b"I1129 07:30:01.123456   12 gl_context.cc:357] GL version",
    ):
        assert is_native_log(line)
    for line in (
        b"upperback: clip.mp4: the file cannot be read (No such file or directory).",
        b"analysis process stopped: SIGKILL",
        b"Traceback (most recent call last):",
    ):
        assert not is_native_log(line)


def test_the_exercise_command_leaves_stderr_empty(shared_data: Path) -> None:
    done = _cli("exercise", str(shared_data / CLIP), "--exercise", "biceps_curl", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["repetitions"] == 1
    assert done.stderr == b""


def test_the_posture_command_leaves_stderr_empty(shared_data: Path) -> None:
    done = _cli("posture", str(shared_data / "photos/markers_side.jpg"), "--json")
    assert done.returncode == 0, done.stderr
    assert "forward_head" in json.loads(done.stdout)["measures"]
    assert done.stderr == b""


def test_our_own_messages_still_reach_stderr(tmp_path: Path) -> None:
    done = _cli("posture", str(tmp_path / "missing.jpg"))
    assert done.returncode == 2
    assert done.stderr.startswith(b"upperback: missing.jpg")


def test_verbose_shows_the_libraries_log_lines(shared_data: Path) -> None:
    done = _cli("posture", str(shared_data / "photos/markers_side.jpg"), "--verbose")
    assert done.returncode == 0
    assert any(is_native_log(line) for line in done.stderr.splitlines())


def test_an_analysis_child_prints_nothing_on_stderr(
    shared_data: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(VERBOSE_ENV, raising=False)
    kwargs = {"path": str(shared_data / CLIP), "start": 0, "stop": 30, "warm_up_from": 0}
    frames = run_isolated(track_segment_job, kwargs)
    assert len(frames) == 15
    assert capfd.readouterr().err == ""
