"""Issue 5, item 2: the marker photo's craniovertebral angle, and the automatic proxy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from upperback.cli import main
from upperback.vision.posture import MEASURE_KEYS

pytestmark = pytest.mark.slow


def _markers(labels: dict[str, Any]) -> dict[str, list[float]]:
    photo = next(p for p in labels["photos"] if p["file"] == "photos/markers_side.jpg")
    markers: dict[str, list[float]] = photo["markers_px"]
    return markers


def _posture_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["posture", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_placed_tragus_and_c7_give_the_labelled_craniovertebral_angle(
    shared_data: Path, labels: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    markers = _markers(labels)
    tragus, c7 = markers["tragus"], markers["c7"]
    code, data = _posture_json(
        capsys,
        str(shared_data / "photos/markers_side.jpg"),
        "--view",
        "side",
        "--points",
        f"tragus={tragus[0]},{tragus[1]}",
        f"c7={c7[0]},{c7[1]}",
    )
    assert code == 0
    cva = data["measures"]["craniovertebral_angle"]
    assert cva["value_deg"] == pytest.approx(45.5, abs=0.5)
    assert "forward head" in cva["reading"]
    assert "Yip" in cva["note"]  # the published source of the reading


def test_the_automatic_side_reading_is_a_proxy_band_with_a_confidence(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = _posture_json(
        capsys, str(shared_data / "photos/markers_side.jpg"), "--view", "side"
    )
    assert code == 0
    assert set(data["measures"]) <= set(MEASURE_KEYS)
    assert "craniovertebral_angle" not in data["measures"]  # never without placed points
    head = data["measures"]["forward_head"]
    # Issue 13: on this tight crop the model's looks disagree, so it may be marked unreliable.
    assert 0 < head["confidence"] <= 1 or (not head["reliable"] and head["confidence"] == 0)
    assert "proxy" in head["note"].lower()
    assert "not a craniovertebral angle" in head["note"]
    assert any(w in head["reading"] for w in ("forward", "over the shoulders", "not reliable"))


def test_a_back_view_gives_shoulder_and_head_tilt(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = _posture_json(
        capsys, str(shared_data / "photos/markers_back.jpg"), "--view", "back"
    )
    assert code == 0
    for key in ("shoulder_tilt", "head_tilt"):
        assert {"value_deg", "confidence"} <= set(data["measures"][key])


def test_a_photo_without_a_person_gets_a_retake_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty_room = tmp_path / "wall.png"
    cv2.imwrite(str(empty_room), np.full((480, 640, 3), 200, np.uint8))
    code = main(["posture", str(empty_room), "--view", "side"])
    assert code != 0
    assert "retake" in capsys.readouterr().err.lower()


def test_the_annotated_photo_is_written(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = _posture_json(
        capsys,
        str(shared_data / "photos/markers_side.jpg"),
        "--out",
        str(tmp_path),
        "--points",
        "tragus=100.4,87.8",
        "c7=55,134",
    )
    picture = Path(data["pictures"]["annotated_photo"])
    assert code == 0
    assert cv2.imread(str(picture)).shape[:2] == (369, 213)
