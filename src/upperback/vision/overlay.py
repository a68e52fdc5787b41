"""Pictures: the photo with skeleton and angles, the followed signal, the repetitions' tops."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import cv2
import matplotlib

matplotlib.use("Agg")  # no display here; must precede pyplot
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from upperback.vision.exercise import ExerciseReport
from upperback.vision.landmarks import BONES, Point, Pose
from upperback.vision.pose import Image
from upperback.vision.posture import PostureReport
from upperback.vision.signals import VISIBILITY_GATE
from upperback.vision.video import read_frame

BONE_COLOUR = (80, 220, 80)
POINT_COLOUR = (0, 200, 255)
TEXT_COLOUR = (255, 255, 255)
SHEET_HEIGHT = 240


def _px(point: Point) -> tuple[int, int]:
    return round(point.x), round(point.y)


def draw_skeleton(image: Image, pose: Pose) -> None:
    thickness = max(1, image.shape[0] // 300)
    for a, b in BONES:
        if pose[a].visibility >= VISIBILITY_GATE and pose[b].visibility >= VISIBILITY_GATE:
            cv2.line(image, _px(pose[a].point), _px(pose[b].point), BONE_COLOUR, thickness)
    for landmark in pose.landmarks:
        if landmark.visibility >= VISIBILITY_GATE:
            cv2.circle(image, _px(landmark.point), thickness + 2, POINT_COLOUR, -1)


def _text(image: Image, line: str, row: int) -> None:
    scale = max(0.4, image.shape[0] / 900)
    y = int(20 * scale * 1.6 * (row + 1))
    cv2.putText(image, line, (8, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(image, line, (8, y), cv2.FONT_HERSHEY_SIMPLEX, scale, TEXT_COLOUR, 1, cv2.LINE_AA)


# The words written on the photo for each measure, in English; a caller in another language
# passes its own (the web app: the reader's). Never the code's ids ("forward_head").
MEASURE_LABELS: dict[str, str] = {
    "forward_head": "Head forward of the shoulders (proxy)",
    "shoulder_protraction": "Shoulders forward (proxy)",
    "trunk_lean": "Trunk lean",
    "shoulder_tilt": "Shoulder tilt",
    "head_tilt": "Head tilt",
    "trunk_shift": "Trunk shift",
    "craniovertebral_angle": "Craniovertebral angle",
}


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans, shipped inside matplotlib: every accented letter (OpenCV's own fonts are
    ASCII only, so "Ángulo" would come out as "?ngulo")."""
    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)


def _wrapped(line: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """The line broken between words into pieces no wider than `width` (a narrow photo)."""
    pieces: list[str] = []
    for word in line.split(" "):
        if pieces and font.getlength(f"{pieces[-1]} {word}") <= width:
            pieces[-1] = f"{pieces[-1]} {word}"
        else:
            pieces.append(word)
    return pieces


def _write_lines(image: Image, lines: Sequence[str]) -> Image:
    """The lines written top left, white on a dark outline, readable on any photo; a line
    wider than the photo goes on over the next rows."""
    size = max(11, round(image.shape[0] / 40))
    font = _font(size)
    canvas = PILImage.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(canvas)
    rows = [piece for line in lines for piece in _wrapped(line, font, image.shape[1] - 16)]
    for row, text in enumerate(rows):
        where = (8, 6 + round(row * size * 1.3))
        outline = max(1, size // 8)
        draw.text(
            where,
            text,
            font=font,
            fill=(255, 255, 255),
            stroke_width=outline,
            stroke_fill=(0, 0, 0),
        )
    rgb = np.asarray(canvas, dtype=np.uint8)
    written: Image = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).astype(np.uint8)
    return written


def measure_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    words = {**MEASURE_LABELS, **(labels or {})}
    return words.get(name, name.replace("_", " "))


def posture_picture(
    image: Image, report: PostureReport, labels: Mapping[str, str] | None = None
) -> Image:
    """A copy of the photo with the skeleton, the placed points and each measure written in
    words (`labels`: measure -> its name in the reader's language; English by default)."""
    picture = image.copy()
    if report.pose is not None:
        draw_skeleton(picture, report.pose)
    if "tragus" in report.points and "c7" in report.points:
        tragus, c7 = _px(report.points["tragus"]), _px(report.points["c7"])
        cv2.line(picture, c7, tragus, (255, 0, 255), 2)
        cv2.line(picture, c7, (c7[0] + (tragus[0] - c7[0]), c7[1]), (255, 0, 255), 1)
    lines = [
        f"{measure.value_deg:.1f}° {measure_label(name, labels)}"  # the number first: it shows
        for name, measure in report.measures.items()
    ]
    return _write_lines(picture, lines)


def signal_plot(report: ExerciseReport, path: Path) -> None:
    """The followed signal over time, the two zones, and each counted repetition marked."""
    figure, axes = plt.subplots(figsize=(9, 3.5), dpi=100)
    times = np.array(report.times)
    raw = np.array([np.nan if v is None else v for v in report.signal], dtype=float)
    smooth = np.array([np.nan if v is None else v for v in report.smoothed], dtype=float)
    axes.plot(times, raw, color="0.7", linewidth=1, label="measured")
    axes.plot(times, smooth, color="tab:blue", linewidth=2, label="smoothed")
    for zone, colour in ((report.spec.rest, "tab:green"), (report.spec.top, "tab:red")):
        for bound in (zone.above, zone.below):
            if bound is not None:
                axes.axhline(bound, color=colour, linestyle="--", linewidth=1)
    for rep in report.repetitions:
        axes.axvspan(rep.start_s, rep.end_s, color="tab:orange", alpha=0.12)
        axes.plot([rep.top_s], [rep.top_value], marker="v", color="tab:red")
        axes.annotate(
            str(rep.number),
            (rep.top_s, rep.top_value),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
        )
    axes.set_xlabel("time (s)")
    axes.set_ylabel(report.spec.signal.unit)
    axes.set_title(
        f"{report.spec.name}: {len(report.repetitions)} repetitions "
        f"({report.spec.signal.description})"
    )
    axes.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)


def contact_sheet(frames: Sequence[Image], labels: Sequence[str]) -> Image | None:
    """The frames side by side at one height, each with its label."""
    tiles: list[Image] = []
    for frame, label in zip(frames, labels, strict=True):
        width = int(frame.shape[1] * SHEET_HEIGHT / frame.shape[0])
        tile = np.asarray(cv2.resize(frame, (width, SHEET_HEIGHT)), dtype=np.uint8)
        _text(tile, label, 0)
        tiles.append(tile)
    return np.asarray(np.hstack(tiles), dtype=np.uint8) if tiles else None


def repetition_sheet(
    video: Path, report: ExerciseReport, frame_indices: Sequence[int]
) -> Image | None:
    """A contact sheet of the top frame of every repetition (frame_indices: source indices)."""
    frames: list[Image] = []
    labels: list[str] = []
    for rep in report.repetitions:
        frame = read_frame(video, frame_indices[rep.top_index])
        if frame is not None:
            frames.append(frame)
            labels.append(f"#{rep.number} {rep.top_s:.1f}s ROM {rep.range_of_motion:.2f}")
    return contact_sheet(frames, labels)


def write_png(path: Path, image: Image) -> None:
    if not cv2.imwrite(str(path), image):
        raise OSError(f"could not write {path}")
