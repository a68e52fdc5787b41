"""Progress charts from plain data (lists of dated values). Pure.

Each chart function lays its chart out once, as a `Plot`: a few marks (rectangles, lines,
dots, texts) in a 640 x 280 box. `as_svg` writes the page's inline SVG (text kept as text, so
it reads and scales), `as_drawing` the same marks as a reportlab drawing for the PDF (vector,
sharp at any size). Laying out and writing take well under a millisecond: these are drawn on
every check-in, where matplotlib took about 80 ms a chart (issue 21's load test).

Words come in from the caller in the reader's language (`texts`), and so do the dates' labels
(`date_label`, e.g. "3 nov" in Spanish): this module knows no language and no clinical
threshold (the improvement band's top is passed in).

Every word drawn is data, never markup: a patient may name an activity `$\\frac$ bad $math$`
or `<script>`. Each text passes through `text.plain` (no control characters, no bidirectional
overrides, a bounded length) and is escaped where it is written.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from reportlab.graphics.shapes import Circle, Drawing, Group, PolyLine, Rect, String
from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from upperback.reports.text import plain

Dated = Sequence[tuple[dt.date, float]]
DateLabel = Callable[[dt.date], str]
MAX_TICKS = 6
BLUE, ORANGE, GREEN, GREY = "#0b5cad", "#c05a00", "#2e7d32", "#4a5260"
BAND = "#e2efe3"  # the green at 12% on white: a solid colour draws the same in SVG and PDF
GRID, INK = "#dde1e6", "#1f2328"
SERIES_COLOURS = (BLUE, ORANGE, GREEN, "#7b1fa2", "#00838f", "#6d4c41")
# A legend entry or tick label longer than this is cut (the page's table has the whole name).
LABEL_CHARS, TITLE_CHARS, TICK_CHARS = 48, 70, 16

WIDTH, HEIGHT = 640.0, 300.0
LEFT, RIGHT, BOTTOM = 62.0, 14.0, 34.0
# Sizes in the box's units: a chart is drawn 640 wide and scaled to its column (about 330
# pixels on a phone), so a 14 here reads as about 7 pixels there.
TITLE_SIZE, LABEL_SIZE, TICK_SIZE, LEGEND_SIZE = 19.0, 15.0, 14.0, 14.0
TITLE_BAND = 36.0  # the title's own band above the legend
LEGEND_ROW, LEGEND_SWATCH, LEGEND_GAP = 20.0, 22.0, 18.0
MAX_LEGEND_ROWS = 3

Anchor = Literal["start", "middle", "end"]


# --- The marks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    fill: str
    radius: float = 3.5


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str  # already plain (see `_label`)
    size: float
    anchor: Anchor = "start"
    upright: bool = False  # turned a quarter to read bottom to top (the y axis's name)
    fill: str = INK


Mark = Box | Line | Dot | Text


@dataclass(frozen=True)
class Plot:
    """A laid-out chart: its marks in a WIDTH x HEIGHT box, y pointing down (as in SVG)."""

    marks: tuple[Mark, ...]
    # What tests read back: the bars' heights, the y scale, the date labels.
    bars: tuple[float, ...] = ()
    y_range: tuple[float, float] = (0.0, 1.0)
    x_labels: tuple[str, ...] = ()
    area: tuple[float, float] = (0.0, HEIGHT)  # the plot area's top and bottom

    def value_at(self, y: float) -> float:
        """The value a height in the box stands for (the inverse of the y scale)."""
        top, bottom = self.area
        low, high = self.y_range
        return low + (bottom - y) / (bottom - top) * (high - low)


# --- Scales ----------------------------------------------------------------------------------


def _label(text: str, limit: int = LABEL_CHARS) -> str:
    return plain(str(text), limit)


# The page's sans-serif (DejaVu Sans on Linux) runs about a sixth wider than Helvetica, whose
# widths are the ones at hand: a legend laid out with these never overlaps in either.
WIDER_THAN_HELVETICA = 1.18


def _text_width(text: str, size: float) -> float:
    """About how wide a text is drawn, erring wide."""
    try:
        width = float(stringWidth(text, "Helvetica", size))
    except Exception:  # a character Helvetica has no width for
        width = 0.6 * size * len(text)
    return width * WIDER_THAN_HELVETICA


def _nice_step(span: float, most: int, integer: bool) -> float:
    raw = span / max(most, 1)
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    multiples = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in multiples if m * power >= raw)
    return max(step, 1.0) if integer else step


def _ticks(low: float, high: float, *, integer: bool = False, most: int = 6) -> list[float]:
    step = _nice_step(high - low, most, integer)
    first = math.ceil(low / step - 1e-9) * step
    count = math.floor((high - first) / step + 1e-9) + 1
    return [round(first + n * step, 10) for n in range(max(count, 0))]


def _auto_range(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if high - low < 1e-9:
        return low - 1, high + 1
    pad = (high - low) * 0.08
    return low - pad, high + pad


@dataclass
class _Frame:
    """The plot area and its scales: dates across, values up."""

    days: Sequence[dt.date]
    y_low: float
    y_high: float
    top: float
    left: float = LEFT
    right: float = WIDTH - RIGHT
    bottom: float = HEIGHT - BOTTOM
    x_low: float = field(init=False)
    x_high: float = field(init=False)

    def __post_init__(self) -> None:
        ordinals = [d.toordinal() for d in self.days] or [dt.date.today().toordinal()]
        low, high = min(ordinals), max(ordinals)
        pad = 3.0 if high == low else (high - low) * 0.05 + 2
        self.x_low, self.x_high = low - pad, high + pad

    def x(self, day: dt.date) -> float:
        share = (day.toordinal() - self.x_low) / (self.x_high - self.x_low)
        return self.left + share * (self.right - self.left)

    def y(self, value: float) -> float:
        value = min(max(value, self.y_low), self.y_high)
        share = (value - self.y_low) / (self.y_high - self.y_low or 1.0)
        return self.bottom - share * (self.bottom - self.top)


# --- Layout ----------------------------------------------------------------------------------


Swatch = Literal["line", "dashed", "area"]
Legend = Sequence[tuple[str, str, Swatch]]


def _legend(entries: Legend) -> tuple[list[Mark], float]:
    """Legend entries (name, colour, swatch) in rows under the title; the marks and where the
    plot area may start."""
    marks: list[Mark] = []
    x, row = LEFT, 0
    first_row_y = TITLE_BAND + LEGEND_ROW - 4
    for name, colour, style in entries:
        width = LEGEND_SWATCH + 4 + _text_width(name, LEGEND_SIZE)
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, row = LEFT, row + 1
        if row >= MAX_LEGEND_ROWS:
            break  # the rest are named in the chart's table
        y = first_row_y + row * LEGEND_ROW
        if style == "area":
            marks.append(Box(x, y - 12, LEGEND_SWATCH, 13, colour))
        else:
            swatch = ((x, y - 5), (x + LEGEND_SWATCH, y - 5))
            marks.append(Line(swatch, colour, 2.0, dashed=style == "dashed"))
        marks.append(Text(x + LEGEND_SWATCH + 4, y, name, LEGEND_SIZE))
        x += width + LEGEND_GAP
    rows = min(row + 1, MAX_LEGEND_ROWS) if entries else 0
    return marks, TITLE_BAND + rows * LEGEND_ROW + 12


def _date_ticks(days: Sequence[dt.date]) -> list[dt.date]:
    """At most MAX_TICKS of the readings' own days, evenly picked."""
    distinct = sorted(set(days))
    step = max(1, -(-len(distinct) // MAX_TICKS))
    return distinct[::step]


def _axes(
    frame: _Frame, y_ticks: Sequence[float], date_label: DateLabel, texts: Mapping[str, str]
) -> tuple[list[Mark], list[Mark], tuple[str, ...]]:
    """The grid (drawn under the data), and the axes, ticks and titles (over it)."""
    under: list[Mark] = []
    over: list[Mark] = [Text(8, 24, _label(texts["title"], TITLE_CHARS), TITLE_SIZE)]
    for value in y_ticks:
        y = frame.y(value)
        under.append(Line(((frame.left, y), (frame.right, y)), GRID, 0.8))
        over.append(Text(frame.left - 6, y + 5, f"{value:g}", TICK_SIZE, "end"))
    labels = []
    for day in _date_ticks(frame.days):
        x = frame.x(day)
        label = _label(date_label(day), TICK_CHARS)
        labels.append(label)
        over.append(Line(((x, frame.bottom), (x, frame.bottom + 4)), INK, 0.8))
        over.append(Text(x, frame.bottom + 21, label, TICK_SIZE, "middle"))
    over.append(Line(((frame.left, frame.top), (frame.left, frame.bottom)), INK, 0.8))
    over.append(Line(((frame.left, frame.bottom), (frame.right, frame.bottom)), INK, 0.8))
    middle = (frame.top + frame.bottom) / 2
    over.append(Text(18, middle, _label(texts["y_label"]), LABEL_SIZE, "middle", upright=True))
    return under, over, tuple(labels)


def _series(frame: _Frame, points: Dated, colour: str, width: float) -> list[Mark]:
    placed = tuple((frame.x(d), frame.y(v)) for d, v in sorted(points, key=lambda p: p[0]))
    marks: list[Mark] = [Line(placed, colour, width)] if len(placed) > 1 else []
    return marks + [Dot(x, y, colour) for x, y in placed]


def _plot(
    frame_days: Sequence[dt.date],
    y_range: tuple[float, float],
    y_ticks: Sequence[float],
    legend: Legend,
    texts: Mapping[str, str],
    date_label: DateLabel,
    data: Callable[[_Frame], list[Mark]],
    bars: tuple[float, ...] = (),
) -> Plot:
    legend_marks, top = _legend(legend)
    frame = _Frame(frame_days, y_range[0], y_range[1], top)
    under, over, x_labels = _axes(frame, y_ticks, date_label, texts)
    marks = (*under, *data(frame), *over, *legend_marks)
    area = (frame.top, frame.bottom)
    return Plot(marks, bars=bars, y_range=y_range, x_labels=x_labels, area=area)


# --- The charts ------------------------------------------------------------------------------


def pain_chart(
    points: Dated,
    *,
    baseline: float | None,
    improved_at_most: float | None,
    texts: Mapping[str, str],
    date_label: DateLabel,
) -> Plot:
    """Pain (0-10) over time, with the baseline as a dashed line and the band of clinically
    important improvement (from 0 up to `improved_at_most`) shaded.

    texts: title, y_label, pain, baseline, band."""
    legend: list[tuple[str, str, Swatch]] = [(_label(texts["pain"]), BLUE, "line")]
    if baseline is not None:
        legend.append((_label(texts["baseline"]), GREY, "dashed"))
    if improved_at_most is not None:
        legend.append((_label(texts["band"]), BAND, "area"))

    def data(frame: _Frame) -> list[Mark]:
        marks: list[Mark] = []
        if improved_at_most is not None:
            top = frame.y(improved_at_most)
            marks.append(Box(frame.left, top, frame.right - frame.left, frame.y(0) - top, BAND))
        if baseline is not None:
            y = frame.y(baseline)
            marks.append(Line(((frame.left, y), (frame.right, y)), GREY, 1.2, dashed=True))
        return marks + _series(frame, points, BLUE, 2.0)

    days = [d for d, _ in points]
    return _plot(days, (0.0, 10.5), [0, 2, 4, 6, 8, 10], legend, texts, date_label, data)


def lines_chart(
    series: Mapping[str, Dated],
    *,
    texts: Mapping[str, str],
    date_label: DateLabel,
    y_range: tuple[float, float] | None = None,
) -> Plot:
    """One line per named series (PSFS per activity, posture angles per measure).

    texts: title, y_label."""
    colours = {name: SERIES_COLOURS[n % len(SERIES_COLOURS)] for n, name in enumerate(series)}
    values = [v for points in series.values() for _, v in points] or [0.0]
    span = y_range or _auto_range(values)
    legend: Legend = [(_label(name), colours[name], "line") for name in series]

    def data(frame: _Frame) -> list[Mark]:
        return [m for name, pts in series.items() for m in _series(frame, pts, colours[name], 1.5)]

    days = [d for points in series.values() for d, _ in points]
    return _plot(days, span, _ticks(*span), legend, texts, date_label, data)


def sessions_chart(
    weeks: Dated,
    *,
    planned_per_week: float | None,
    texts: Mapping[str, str],
    date_label: DateLabel,
) -> Plot:
    """Exercise sessions done per week (bars, each at its week's Monday) against the plan's
    sessions per week (a dashed line). texts: title, y_label, done, planned."""
    highest = max([v for _, v in weeks] + [planned_per_week or 0.0, 1.0])
    span = (0.0, highest * 1.08)
    legend: list[tuple[str, str, Swatch]] = [(_label(texts["done"]), BLUE, "area")]
    if planned_per_week is not None:
        legend.append((_label(texts["planned"]), ORANGE, "dashed"))

    def data(frame: _Frame) -> list[Mark]:
        half = (frame.x(dt.date.min + dt.timedelta(days=5)) - frame.x(dt.date.min)) / 2
        marks: list[Mark] = [
            Box(frame.x(d) - half, frame.y(v), 2 * half, frame.y(0) - frame.y(v), BLUE)
            for d, v in weeks
        ]
        if planned_per_week is not None:
            y = frame.y(planned_per_week)
            marks.append(Line(((frame.left, y), (frame.right, y)), ORANGE, 1.5, dashed=True))
        return marks

    days = [d for d, _ in weeks]
    ticks = _ticks(0.0, span[1], integer=True)
    return _plot(
        days, span, ticks, legend, texts, date_label, data, bars=tuple(v for _, v in weeks)
    )


# --- Writing ---------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_mark(mark: Mark) -> str:
    if isinstance(mark, Box):
        return (
            f'<rect x="{_n(mark.x)}" y="{_n(mark.y)}" width="{_n(max(mark.width, 0))}" '
            f'height="{_n(max(mark.height, 0))}" fill="{mark.fill}"/>'
        )
    if isinstance(mark, Line):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in mark.points)
        dash = ' stroke-dasharray="5 3"' if mark.dashed else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{mark.stroke}" '
            f'stroke-width="{_n(mark.width)}"{dash}/>'
        )
    if isinstance(mark, Dot):
        centre = f'cx="{_n(mark.x)}" cy="{_n(mark.y)}"'
        return f'<circle {centre} r="{_n(mark.radius)}" fill="{mark.fill}"/>'
    turn = f' transform="rotate(-90 {_n(mark.x)} {_n(mark.y)})"' if mark.upright else ""
    return (
        f'<text x="{_n(mark.x)}" y="{_n(mark.y)}" font-size="{_n(mark.size)}px" '
        f'text-anchor="{mark.anchor}" fill="{mark.fill}"{turn}>{escape(mark.text)}</text>'
    )


def as_svg(plot: Plot, *, label: str) -> str:
    """The chart as an inline <svg> element (no XML prologue, no inline CSS: a strict
    Content-Security-Policy draws it), an image named `label` that scales to the width of
    its container."""
    named = escape(plain(label, TITLE_CHARS))
    head = (
        f'<svg role="img" aria-label="{named}" stroke-linejoin="round" stroke-linecap="butt" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(WIDTH)} {_n(HEIGHT)}" '
        'width="100%" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">'
    )
    return head + "".join(_svg_mark(m) for m in plot.marks) + "</svg>"


def _drawn_mark(mark: Mark) -> object:
    """One mark as a reportlab shape (reportlab's y points up: flipped here)."""
    if isinstance(mark, Box):
        return Rect(
            mark.x,
            HEIGHT - mark.y - mark.height,
            max(mark.width, 0),
            max(mark.height, 0),
            fillColor=HexColor(mark.fill),
            strokeColor=None,
        )
    if isinstance(mark, Line):
        flat = [c for x, y in mark.points for c in (x, HEIGHT - y)]
        return PolyLine(
            flat,
            strokeColor=HexColor(mark.stroke),
            strokeWidth=mark.width,
            strokeDashArray=[5, 3] if mark.dashed else None,
        )
    if isinstance(mark, Dot):
        return Circle(
            mark.x, HEIGHT - mark.y, mark.radius, fillColor=HexColor(mark.fill), strokeColor=None
        )
    text = String(
        0 if mark.upright else mark.x,
        0 if mark.upright else HEIGHT - mark.y,
        mark.text,
        fontName="Helvetica",
        fontSize=mark.size,
        fillColor=HexColor(mark.fill),
        textAnchor=mark.anchor,
    )
    if not mark.upright:
        return text
    turned = Group(text)
    turned.translate(mark.x, HEIGHT - mark.y)
    turned.rotate(90)
    return turned


def as_drawing(plot: Plot, *, width: float) -> Drawing:
    """The chart as a reportlab drawing `width` points wide (for the PDF)."""
    scale = width / WIDTH
    group = Group(*[_drawn_mark(m) for m in plot.marks])
    group.scale(scale, scale)
    drawing = Drawing(width, HEIGHT * scale)
    drawing.add(group)
    return drawing
