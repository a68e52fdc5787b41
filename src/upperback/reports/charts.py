"""Progress charts from plain data (lists of dated values), drawn by matplotlib. Pure.

Each chart function returns a matplotlib `Figure` (the object API, no pyplot: no global state,
safe in a web worker); `as_svg` makes the page's inline SVG (text kept as text, so it reads and
scales), `as_png` the picture for the PDF. Words come in from the caller in the reader's
language (`texts`), and so do the dates' labels (`date_label`, e.g. "3 nov" in Spanish): this
module knows no language and no clinical threshold (the improvement band's top is passed in).

Every word drawn is data, never markup: a patient may name an activity `$\\frac$ bad $math$`.
Math parsing and TeX are off for every text of a figure (`PLAIN_TEXT`, while it is built and
while it is saved, and on each text artist before it is saved), and each label passes through
`text.plain` (no control characters, no bidirectional overrides, a bounded length).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from matplotlib import rc_context
from matplotlib.dates import date2num, num2date
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.typing import RcKeyType

from upperback.reports.text import plain

Dated = Sequence[tuple[dt.date, float]]
DateLabel = Callable[[dt.date], str]
MAX_TICKS = 6
BLUE, ORANGE, GREEN, GREY = "#0b5cad", "#c05a00", "#2e7d32", "#4a5260"
SERIES_COLOURS = (BLUE, ORANGE, GREEN, "#7b1fa2", "#00838f", "#6d4c41")
# Text artists read these when they are made (titles, legends, and tick labels at drawing).
PLAIN_TEXT: dict[RcKeyType, Any] = {
    "text.usetex": False,
    "text.parse_math": False,
    "axes.formatter.use_mathtext": False,
}
# A legend entry or tick label longer than this is cut (the page's table has the whole name).
LABEL_CHARS, TITLE_CHARS, TICK_CHARS = 48, 70, 16


@functools.cache
def _drawable() -> frozenset[int]:
    """The characters the charts' font has a glyph for."""
    font = get_font(findfont(FontProperties()))
    return frozenset(font.get_charmap())


def _glyphs(text: str) -> str:
    """A character the font cannot draw (an emoji) as U+FFFD: matplotlib would draw the same
    empty box, after a warning per character."""
    drawable = _drawable()
    return "".join(c if ord(c) in drawable else "\ufffd" for c in text)


def _label(text: str, limit: int = LABEL_CHARS) -> str:
    label = _glyphs(plain(str(text), limit))
    # matplotlib leaves a label that starts with "_" out of the legend: it is still a name.
    return f" {label}" if label.startswith("_") else label


def _plain_texts(figure: Figure) -> Figure:
    """Every text artist of the figure drawn as written (a `$` is a dollar sign)."""
    for artist in figure.findobj(Text):
        artist.set_usetex(False)
        artist.set_parse_math(False)
    return figure


def _x(days: Sequence[dt.date]) -> list[float]:
    """Days as matplotlib's date numbers (days since its epoch)."""
    return [float(date2num(d)) for d in days]  # type: ignore[no-untyped-call]


def _day(x: float) -> dt.date:
    day: dt.datetime = num2date(x)  # type: ignore[no-untyped-call]
    return day.date()


def _figure() -> Figure:
    figure = Figure(figsize=(6.4, 2.8), dpi=100, layout="constrained")
    figure.add_subplot()
    return figure


def _date_axis(figure: Figure, days: Sequence[dt.date], date_label: DateLabel) -> None:
    """Ticks on the readings' own days (at most MAX_TICKS, evenly picked), labelled by the
    caller in the reader's language."""
    axes = figure.axes[0]
    distinct = sorted(set(days))
    step = max(1, -(-len(distinct) // MAX_TICKS))
    ticks = distinct[::step]
    axes.xaxis.set_major_locator(FixedLocator(_x(ticks)))
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: _label(date_label(_day(x)), TICK_CHARS))
    )
    if len(distinct) == 1:  # one day: give the axis some width around it
        centre = _x(distinct)[0]
        axes.set_xlim(centre - 3, centre + 3)


def _finish(figure: Figure, title: str, y_label: str) -> Figure:
    axes = figure.axes[0]
    axes.set_title(_label(title, TITLE_CHARS), loc="left", fontsize=11)
    axes.set_ylabel(_label(y_label))
    axes.grid(axis="y", color="#dde1e6", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="upper right", fontsize=8, frameon=False)
    return _plain_texts(figure)


def pain_chart(
    points: Dated,
    *,
    baseline: float | None,
    improved_at_most: float | None,
    texts: Mapping[str, str],
    date_label: DateLabel,
) -> Figure:
    """Pain (0-10) over time, with the baseline as a dashed line and the band of clinically
    important improvement (from 0 up to `improved_at_most`) shaded.

    texts: title, y_label, pain, baseline, band."""
    with rc_context(PLAIN_TEXT):
        return _pain_chart(points, baseline, improved_at_most, texts, date_label)


def _pain_chart(
    points: Dated,
    baseline: float | None,
    improved_at_most: float | None,
    texts: Mapping[str, str],
    date_label: DateLabel,
) -> Figure:
    figure = _figure()
    axes = figure.axes[0]
    days = [d for d, _ in points]
    if improved_at_most is not None:
        axes.axhspan(0, improved_at_most, color=GREEN, alpha=0.12, label=_label(texts["band"]))
    if baseline is not None:
        axes.axhline(
            baseline, color=GREY, linestyle="--", linewidth=1.2, label=_label(texts["baseline"])
        )
    axes.plot(
        _x(days),
        [v for _, v in points],
        marker="o",
        color=BLUE,
        linewidth=2,
        label=_label(texts["pain"]),
    )
    axes.set_ylim(0, 10.5)
    axes.yaxis.set_major_locator(FixedLocator([0, 2, 4, 6, 8, 10]))
    _date_axis(figure, days, date_label)
    return _finish(figure, texts["title"], texts["y_label"])


def lines_chart(
    series: Mapping[str, Dated],
    *,
    texts: Mapping[str, str],
    date_label: DateLabel,
    y_range: tuple[float, float] | None = None,
) -> Figure:
    """One line per named series (PSFS per activity, posture angles per measure).

    texts: title, y_label."""
    with rc_context(PLAIN_TEXT):
        return _lines_chart(series, texts, date_label, y_range)


def _lines_chart(
    series: Mapping[str, Dated],
    texts: Mapping[str, str],
    date_label: DateLabel,
    y_range: tuple[float, float] | None,
) -> Figure:
    figure = _figure()
    axes = figure.axes[0]
    days: list[dt.date] = []
    for index, (name, points) in enumerate(series.items()):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        axes.plot(
            _x([d for d, _ in points]),
            [v for _, v in points],
            marker="o",
            color=colour,
            label=_label(name),
        )
        days.extend(d for d, _ in points)
    if y_range is not None:
        axes.set_ylim(*y_range)
    _date_axis(figure, days, date_label)
    return _finish(figure, texts["title"], texts["y_label"])


def sessions_chart(
    weeks: Dated,
    *,
    planned_per_week: float | None,
    texts: Mapping[str, str],
    date_label: DateLabel,
) -> Figure:
    """Exercise sessions done per week (bars, each at its week's Monday) against the plan's
    sessions per week (a dashed line). texts: title, y_label, done, planned."""
    with rc_context(PLAIN_TEXT):
        return _sessions_chart(weeks, planned_per_week, texts, date_label)


def _sessions_chart(
    weeks: Dated, planned_per_week: float | None, texts: Mapping[str, str], date_label: DateLabel
) -> Figure:
    figure = _figure()
    axes = figure.axes[0]
    days = [d for d, _ in weeks]
    axes.bar(_x(days), [v for _, v in weeks], width=5, color=BLUE, label=_label(texts["done"]))
    if planned_per_week is not None:
        axes.axhline(planned_per_week, color=ORANGE, linestyle="--", label=_label(texts["planned"]))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    _date_axis(figure, days, date_label)
    return _finish(figure, texts["title"], texts["y_label"])


STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
ROOT_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


def _presentation(match: re.Match[str]) -> str:
    """`style="fill: none; stroke: #000"` -> `fill="none" stroke="#000"`: the same look as SVG
    presentation attributes, which a strict Content-Security-Policy (no inline styles) lets
    through. Every property matplotlib writes here is also a presentation attribute."""
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{name.strip()}="{escape(value.strip())}"' for name, value in pairs)


def as_svg(figure: Figure, *, label: str) -> str:
    """The chart as an inline <svg> element (no XML prologue, no inline CSS), an image named
    `label` that scales to the width of its container."""
    out = io.StringIO()
    with rc_context({**PLAIN_TEXT, "svg.fonttype": "none", "svg.hashsalt": "upperback"}):
        _plain_texts(figure).savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    svg = STYLE_ATTRIBUTE.sub(_presentation, STYLE_ELEMENT.sub("", text[text.index("<svg") :]))
    svg = ROOT_SIZE.sub(r'<svg\1 width="100%"', svg, count=1)
    joins = 'stroke-linejoin="round" stroke-linecap="butt"'  # was the <style> element's rule
    named = escape(plain(label, TITLE_CHARS))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{named}" {joins} ', 1)


def as_png(figure: Figure, *, dpi: int = 150) -> bytes:
    out = io.BytesIO()
    with rc_context(PLAIN_TEXT):
        _plain_texts(figure).savefig(out, format="png", dpi=dpi)
    return out.getvalue()
