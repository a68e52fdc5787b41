"""Run the vision package on an upload and write its pictures (no Django here: the worker
runs these in a child process, see tasks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from upperback.vision import Point

if TYPE_CHECKING:
    from upperback.vision import OnProgress


def analyse_photo_file(
    path: Path,
    view: str,
    points: dict[str, list[float]],
    out: Path,
    labels: dict[str, dict[str, str]] | None = None,
) -> tuple[dict[str, Any], dict[str, Path]]:
    """The measures, and the annotated photo once per language of `labels` (language ->
    measure -> words): "annotated_photo" in English, "annotated_photo.es" in Spanish, so
    each reader sees the labels in hers (names: media.names.localised_picture)."""
    from upperback.vision import analyse_photo, posture_picture, write_png

    placed = {name: Point(x, y) for name, (x, y) in points.items()}
    report, image = analyse_photo(path, view, placed)
    pictures: dict[str, Path] = {}
    for language, words in (labels or {"en": {}}).items():
        english = language == "en"
        picture = out / ("posture.png" if english else f"posture-{language}.png")
        write_png(picture, posture_picture(image, report, words))
        pictures["annotated_photo" if english else f"annotated_photo.{language}"] = picture
    return report.to_json(), pictures


def analyse_video_file(
    path: Path, exercise_id: str, view: str, out: Path, progress: OnProgress | None = None
) -> tuple[dict[str, Any], dict[str, Path]]:
    from upperback.vision import analyse_exercise, repetition_sheet, signal_plot, write_png

    report, track = analyse_exercise(
        path,
        exercise_id,
        view=view,
        progress=progress,
    )
    pictures = {"signal_plot": out / "signal.png"}
    signal_plot(report, pictures["signal_plot"])
    sheet = repetition_sheet(path, report, [f.index for f in track.frames])
    if sheet is not None:
        pictures["contact_sheet"] = out / "repetitions.png"
        write_png(pictures["contact_sheet"], sheet)
    return report.to_json(), pictures


# The entry points a child process runs (upperback.vision.isolated): JSON in, JSON out.


def _json(result: dict[str, Any], pictures: dict[str, Path]) -> dict[str, Any]:
    return {"result": result, "pictures": {name: str(path) for name, path in pictures.items()}}


def photo_job(
    path: str,
    view: str,
    points: dict[str, list[float]],
    out: str,
    labels: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    return _json(*analyse_photo_file(Path(path), view, points, Path(out), labels))


def video_job(
    path: str, exercise_id: str, view: str, out: str, progress: OnProgress | None = None
) -> dict[str, Any]:
    return _json(*analyse_video_file(Path(path), exercise_id, view, Path(out), progress))
