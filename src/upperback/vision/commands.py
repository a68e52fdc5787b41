"""CLI: `upperback exercise`, `upperback posture`, `upperback vision-report`.

Handlers import the heavy modules (MediaPipe, OpenCV, matplotlib) only when they run, so other
subcommands start fast. Errors a patient can act on go to stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from upperback.vision.errors import VisionError
from upperback.vision.quiet import VERBOSE_ENV, native_logs_filtered

RETAKE_EXIT = 2
# The labelled media sit beside the repository (../shared/data); override with an env variable.
DEFAULT_DATA = Path(
    os.environ.get("UPPERBACK_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data")
)


def register(subparsers: Any) -> None:
    exercise = subparsers.add_parser("exercise", help="count and check an exercise in a video")
    exercise.add_argument("video", type=Path)
    exercise.add_argument("--exercise", required=True, help="exercise id, e.g. biceps_curl")
    exercise.add_argument("--view", choices=("front", "side"))
    exercise.add_argument("--json", action="store_true", help="machine-readable output")
    exercise.add_argument("--out", type=Path, help="folder for the signal plot and contact sheet")
    _add_verbose(exercise)
    exercise.set_defaults(handler=_guarded(run_exercise))

    posture = subparsers.add_parser("posture", help="measure posture in a photo")
    posture.add_argument("photo", type=Path)
    posture.add_argument("--view", choices=("side", "front", "back"), default="side")
    posture.add_argument("--json", action="store_true", help="machine-readable output")
    posture.add_argument(
        "--points",
        nargs="*",
        default=[],
        metavar="NAME=X,Y",
        help="placed points, e.g. tragus=100,88 c7=55,134",
    )
    posture.add_argument("--out", type=Path, help="folder for the annotated photo")
    _add_verbose(posture)
    posture.set_defaults(handler=_guarded(run_posture))

    report = subparsers.add_parser("vision-report", help="counts on the labelled videos")
    report.add_argument("--data", type=Path, default=DEFAULT_DATA)
    report.set_defaults(handler=_guarded(run_vision_report))


def _add_verbose(parser: Any) -> None:
    parser.add_argument(
        "--verbose",
        action="store_true",
        help=f"show MediaPipe's and TensorFlow Lite's log lines (or set {VERBOSE_ENV}=1)",
    )


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        if getattr(args, "verbose", False):
            os.environ[VERBOSE_ENV] = "1"  # read by this process and the analysis children
        try:
            with native_logs_filtered():
                return handler(args)
        except VisionError as error:
            if getattr(args, "json", False):
                kind = type(error).__name__
                print(json.dumps({"error": str(error), "kind": kind, **error.to_json()}))
            print(f"upperback: {error}", file=sys.stderr)
            return RETAKE_EXIT

    return run


def parse_points(items: list[str]) -> dict[str, Any]:
    from upperback.vision.landmarks import Point

    points: dict[str, Point] = {}
    for item in items:
        name, _, coords = item.partition("=")
        try:
            x, y = (float(part) for part in coords.split(","))
        except ValueError:
            raise VisionError("bad_point", item=item) from None
        points[name.strip().lower()] = Point(x, y)
    unknown = sorted(set(points) - {"tragus", "c7"})
    if unknown:
        raise VisionError("unknown_point", point=unknown[0])
    return points


def run_exercise(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from upperback.vision.exercise import analyse_exercise

    # The bar only on a terminal (disable=None): piped or logged, stderr stays quiet.
    with tqdm(
        total=0, unit="frame", file=sys.stderr, desc="pose", leave=False, disable=None
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report, track = analyse_exercise(
            args.video, args.exercise, view=args.view, progress=progress
        )
    data = report.to_json()
    if args.out is not None:
        data["pictures"] = _exercise_pictures(args.out, args.video, report, track)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        _print_exercise(data)
    return 0


def _exercise_pictures(out: Path, video: Path, report: Any, track: Any) -> dict[str, str]:
    from upperback.vision.overlay import repetition_sheet, signal_plot, write_png

    out.mkdir(parents=True, exist_ok=True)
    plot = out / f"{video.stem}_signal.png"
    signal_plot(report, plot)
    pictures = {"signal_plot": str(plot)}
    sheet = repetition_sheet(video, report, [f.index for f in track.frames])
    if sheet is not None:
        write_png(out / f"{video.stem}_repetitions.png", sheet)
        pictures["contact_sheet"] = str(out / f"{video.stem}_repetitions.png")
    return pictures


def _print_exercise(data: dict[str, Any]) -> None:
    print(f"{data['exercise']} ({data['view']} view): {data['repetitions']} repetitions")
    for rep in data["per_repetition"]:
        print(
            f"  #{rep['number']}: top at {rep['top_s']:.1f} s, range {rep['range_of_motion']} "
            f"{data['unit']}, up {rep['up_s']:.1f} s, down {rep['down_s']:.1f} s"
        )
    for fault in data["faults"]:
        print(
            f"  fault {fault['id']} from {fault['start_s']} s to {fault['end_s']} s: "
            f"{fault['message']}"
        )
    for name, path in data.get("pictures", {}).items():
        print(f"  {name}: {path}")


def run_posture(args: argparse.Namespace) -> int:
    from upperback.vision.photo import analyse_photo

    report, image = analyse_photo(args.photo, args.view, parse_points(args.points))
    data = report.to_json()
    if args.out is not None:
        from upperback.vision.overlay import posture_picture, write_png

        args.out.mkdir(parents=True, exist_ok=True)
        picture = args.out / f"{args.photo.stem}_posture.png"
        write_png(picture, posture_picture(image, report))
        data["pictures"] = {"annotated_photo": str(picture)}
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"posture ({data['view']} view)")
    for name, measure in data["measures"].items():
        print(
            f"  {name}: {measure['value_deg']} deg, confidence {measure['confidence']}: "
            f"{measure['reading']}"
        )
        if measure.get("note"):
            print(f"    {measure['note']}")
    for warning in data["warnings"]:
        print(f"  note: {warning}")
    return 0


def run_vision_report(args: argparse.Namespace) -> int:
    from upperback.vision.report import labelled_report

    text, all_within = labelled_report(args.data, progress_to=sys.stderr)
    print(text)
    return 0 if all_within else 1
