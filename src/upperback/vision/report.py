"""`upperback vision-report`: expected and measured counts on the labelled videos."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from upperback.vision.errors import VisionError
from upperback.vision.exercise import ExerciseReport, analyse_track
from upperback.vision.tracking_spec import load_library
from upperback.vision.video import track_video


@dataclass(frozen=True, slots=True)
class LabelledResult:
    file: str
    exercise: str
    view: str
    reps_min: int
    reps_max: int
    report: ExerciseReport

    @property
    def counted(self) -> int:
        return len(self.report.repetitions)

    @property
    def within(self) -> bool:
        return self.reps_min <= self.counted <= self.reps_max

    @property
    def off_by(self) -> int:
        return max(self.reps_min - self.counted, self.counted - self.reps_max, 0)


def labelled_videos(data: Path) -> list[dict[str, Any]]:
    labels = json.loads((data / "labels.json").read_text(encoding="utf-8"))
    videos: list[dict[str, Any]] = labels["videos"]
    return videos


def analyse_labelled(data: Path, entry: dict[str, Any]) -> LabelledResult:
    spec = load_library().get(entry["exercise"])
    track = track_video(data / entry["file"])
    return LabelledResult(
        file=entry["file"],
        exercise=entry["exercise"],
        view=entry["view"],
        reps_min=entry["reps_min"],
        reps_max=entry["reps_max"],
        report=analyse_track(track, spec, entry["view"]),
    )


def format_result(result: LabelledResult) -> str:
    expected = (
        str(result.reps_min)
        if result.reps_min == result.reps_max
        else f"{result.reps_min}-{result.reps_max}"
    )
    unit = result.report.spec.signal.unit
    roms = ", ".join(f"{r.range_of_motion:.2f}" for r in result.report.repetitions) or "-"
    mark = "ok" if result.within else f"OFF by {result.off_by}"
    return (
        f"| {Path(result.file).name} | {result.exercise} | {result.view} | {expected} | "
        f"{result.counted} | {mark} | {roms} ({unit}) |"
    )


def labelled_report(data: Path, progress_to: IO[str] | None = None) -> tuple[str, bool]:
    """A Markdown table, and whether the counts meet the acceptance bar (9 of 10 within)."""
    lines = [
        "| video | exercise | view | expected | counted | | range of motion per repetition |",
        "|---|---|---|---|---|---|---|",
    ]
    results: list[LabelledResult] = []
    for entry in labelled_videos(data):
        if progress_to is not None:
            print(f"analysing {entry['file']}", file=progress_to)
        try:
            results.append(analyse_labelled(data, entry))
        except VisionError as error:
            lines.append(f"| {entry['file']} | {entry['exercise']} | error: {error} |")
            continue
        lines.append(format_result(results[-1]))
    within = sum(r.within for r in results)
    total = len(labelled_videos(data))
    lines.append("")
    lines.append(f"{within} of {total} counts within their labelled range.")
    # The acceptance bar of issue 5: at least 9 of 10 within, and none off by more than one.
    meets_bar = (
        len(results) == total
        and within >= total - total // 10
        and all(r.off_by <= 1 for r in results)
    )
    return "\n".join(lines), meets_bar
