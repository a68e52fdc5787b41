"""`upperback exercise`: JSON with repetitions and per_repetition, pictures, progress bar."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from upperback.cli import main

pytestmark = pytest.mark.slow


def test_exercise_json_gives_repetitions_and_pictures(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = shared_data / "videos/sample_bicep_curl.mp4"
    code = main(
        [
            "exercise",
            str(video),
            "--exercise",
            "biceps_curl",
            "--view",
            "side",
            "--json",
            "--out",
            str(tmp_path),
        ]
    )
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 0
    assert isinstance(data["repetitions"], int) and data["repetitions"] == 1
    assert isinstance(data["per_repetition"], list) and len(data["per_repetition"]) == 1
    assert data["per_repetition"][0]["range_of_motion"] > 60  # degrees of elbow flexion
    for picture in data["pictures"].values():
        assert cv2.imread(picture) is not None
    assert "pose" not in captured.err  # the progress bar only on a terminal (stderr is not)


def test_an_exercise_filmed_from_the_wrong_side_gets_a_clear_answer(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = shared_data / "videos/sample_bicep_curl.mp4"
    code = main(["exercise", str(video), "--exercise", "chin_tucks", "--view", "front"])
    assert code != 0
    assert "side" in capsys.readouterr().err


def test_an_unknown_exercise_is_named(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["exercise", str(shared_data / "videos/sample_bicep_curl.mp4"), "--exercise", "yoga"]
    )
    assert code != 0
    assert "unknown exercise 'yoga'" in capsys.readouterr().err


def test_an_unknown_point_is_refused(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photo = str(shared_data / "photos/markers_side.jpg")
    assert main(["posture", photo, "--points", "nose=1,2"]) != 0
    assert "place tragus and c7" in capsys.readouterr().err


def test_make_vision_report_exits_cleanly_at_the_acceptance_bar(
    shared_data: Path,
    tracked: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("upperback.vision.report.track_video", tracked)
    assert main(["vision-report", "--data", str(shared_data)]) == 0
    out = capsys.readouterr().out
    assert "| expected | counted |" in out
