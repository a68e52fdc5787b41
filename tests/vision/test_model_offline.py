"""Issue 5, item 3: the pose model loads from the installed package with the network blocked."""

from __future__ import annotations

import socket
from pathlib import Path

import cv2
import mediapipe
import numpy as np
import pytest

from upperback.vision.pose import MODEL_COMPLEXITY, PoseEstimator, detect_photo, model_file


def test_the_network_is_blocked_in_this_test() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe,
        pytest.raises(RuntimeError, match="network access blocked"),
    ):
        probe.connect(("192.0.2.1", 443))


def test_the_model_file_lies_inside_the_installed_mediapipe_package() -> None:
    package = Path(mediapipe.__file__).resolve().parent
    model = model_file()
    assert MODEL_COMPLEXITY == 1
    assert model.is_file()
    assert model.is_relative_to(package)
    assert model.stat().st_size > 1_000_000


@pytest.mark.slow
def test_the_pose_model_runs_offline_on_a_real_photo(shared_data: Path) -> None:
    with PoseEstimator(tracking=True) as estimator:
        estimator.detect_bgr(np.zeros((64, 64, 3), np.uint8))  # builds the graph offline
    pose = detect_photo(cv2.imread(str(shared_data / "photos/markers_back.jpg")))
    assert pose is not None
    assert len(pose.landmarks) == 33
