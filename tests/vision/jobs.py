"""One analysis job at a time, as a background worker runs them: a bad file fails its own job
with a clear message and the worker goes on to the next.

Test support (the web app's worker is upperback.web.media.tasks): it drives the vision
package's public API the way a worker does, so it lives under tests/."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from upperback.vision import Point, VisionError


@dataclass(frozen=True, slots=True)
class Job:
    kind: Literal["photo", "video"]
    path: Path
    view: str
    exercise: str | None = None
    points: tuple[tuple[str, float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    path: Path
    ok: bool
    result: dict[str, Any] | None
    error: str | None


def _photo(job: Job) -> dict[str, Any]:
    from upperback.vision import analyse_photo

    points = {name: Point(x, y) for name, x, y in job.points}
    report, _ = analyse_photo(job.path, job.view, points)  # type: ignore[arg-type]
    return report.to_json()


def _video(job: Job) -> dict[str, Any]:
    from upperback.vision import analyse_exercise

    if job.exercise is None:
        raise VisionError("job_without_exercise")
    report, _ = analyse_exercise(job.path, job.exercise, view=job.view)  # type: ignore[arg-type]
    return report.to_json()


def run_job(job: Job) -> Outcome:
    try:
        result = _photo(job) if job.kind == "photo" else _video(job)
    except VisionError as error:
        return Outcome(job.path, ok=False, result=None, error=str(error))
    return Outcome(job.path, ok=True, result=result, error=None)


def run_jobs(jobs: Iterable[Job]) -> list[Outcome]:
    return [run_job(job) for job in jobs]
