"""Issue 5, item 1: repetition counts on the ten labelled real videos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from upperback.vision.exercise import analyse_track
from upperback.vision.report import labelled_report
from upperback.vision.tracking_spec import load_library

pytestmark = pytest.mark.slow


def _counts(shared_data: Path, labels: dict[str, Any], tracked: Any) -> list[tuple[Any, ...]]:
    rows = []
    for entry in labels["videos"]:
        spec = load_library().get(entry["exercise"])
        report = analyse_track(tracked(shared_data / entry["file"]), spec, entry["view"])
        rows.append((entry, report))
    return rows


def test_counts_lie_in_the_labelled_range_on_at_least_nine_of_ten_videos(
    shared_data: Path, labels: dict[str, Any], tracked: Any
) -> None:
    rows = _counts(shared_data, labels, tracked)
    assert len(rows) == 10
    within = [e["reps_min"] <= len(r.repetitions) <= e["reps_max"] for e, r in rows]
    off_by = [
        max(e["reps_min"] - len(r.repetitions), len(r.repetitions) - e["reps_max"], 0)
        for e, r in rows
    ]
    summary = {Path(e["file"]).name: len(r.repetitions) for e, r in rows}
    assert sum(within) >= 9, summary
    assert max(off_by) <= 1, summary


def test_every_counted_repetition_has_a_range_of_motion_and_a_tempo(
    shared_data: Path, labels: dict[str, Any], tracked: Any
) -> None:
    for entry, report in _counts(shared_data, labels, tracked):
        for rep in report.repetitions:
            assert rep.range_of_motion > 0, entry["file"]
            assert rep.start_s <= rep.top_s <= rep.end_s, entry["file"]


def test_the_vision_report_prints_expected_and_measured_counts(
    shared_data: Path, labels: dict[str, Any], tracked: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("upperback.vision.report.track_video", tracked)
    text, _ = labelled_report(shared_data)
    for entry in labels["videos"]:
        assert Path(entry["file"]).name in text
    assert "counts within their labelled range" in text
    assert "range of motion" in text
