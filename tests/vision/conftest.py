"""Shared, read-only fixtures for the vision tests: pose tracks are computed once per video
per session (the model is the slow part) and never mutated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upperback.vision.video import Track, track_video

_TRACKS: dict[Path, Track] = {}


@pytest.fixture(scope="session")
def labels(shared_data: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_data / "labels.json").read_text())
    return data


@pytest.fixture(scope="session")
def tracked() -> Any:
    """A function: the cached pose track of a video."""

    def track(path: Path) -> Track:
        if path not in _TRACKS:
            _TRACKS[path] = track_video(path)
        return _TRACKS[path]

    return track
