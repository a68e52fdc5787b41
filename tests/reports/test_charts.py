"""The charts draw plain dated series: dates on the axis in the caller's words, the baseline
and the improvement band marked, text kept as text, vectors for the PDF."""

from __future__ import annotations

import datetime as dt
import re

from upperback import reports
from upperback.reports.charts import BAND, LEGEND_SIZE, RIGHT, WIDTH, Box, Line

SPANISH_MONTHS = [
    "ene",
    "feb",
    "mar",
    "abr",
    "may",
    "jun",
    "jul",
    "ago",
    "sept",
    "oct",
    "nov",
    "dic",
]
PAIN_TEXTS = {
    "title": "Pain over time",
    "y_label": "Pain (0-10)",
    "pain": "Pain",
    "baseline": "At the start",
    "band": "Clinically important improvement",
}


def spanish(day: dt.date) -> str:
    return f"{day.day} {SPANISH_MONTHS[day.month - 1]}"


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _weeks(values: list[int]) -> list[tuple[dt.date, float]]:
    start = dt.date(2026, 10, 5)
    return [(start + dt.timedelta(weeks=n), v) for n, v in enumerate(values)]


def test_the_pain_chart_has_a_date_axis_in_the_readers_words() -> None:
    figure = reports.pain_chart(
        _weeks([6, 5, 4, 3]),
        baseline=6,
        improved_at_most=4,
        texts=PAIN_TEXTS,
        date_label=spanish,
    )
    svg = reports.as_svg(figure, label="Dolor")
    shown = _texts(svg)
    assert [t for t in shown if t[:1].isdigit() and " " in t] == [
        "5 oct",
        "12 oct",
        "19 oct",
        "26 oct",
    ]
    assert {"At the start", "Clinically important improvement", "Pain over time"} <= set(shown)
    assert svg.startswith('<svg role="img" aria-label="Dolor" ')


def test_the_svg_has_no_inline_css_so_a_strict_content_security_policy_draws_it() -> None:
    figure = reports.pain_chart(
        _weeks([6, 3]), baseline=6, improved_at_most=4, texts=PAIN_TEXTS, date_label=spanish
    )
    svg = reports.as_svg(figure, label="Pain")
    assert "style=" not in svg and "<style" not in svg
    assert 'stroke="#0b5cad"' in svg and 'font-size="14px"' in svg and 'text-anchor="middle"' in svg
    assert re.match(r'<svg [^>]*width="100%"', svg) and "height=" not in svg.split(">", 1)[0]


def test_the_improvement_band_runs_from_0_to_the_given_top() -> None:
    plot = reports.pain_chart(
        _weeks([6, 3]), baseline=6, improved_at_most=4, texts=PAIN_TEXTS, date_label=spanish
    )
    band = next(m for m in plot.marks if isinstance(m, Box) and m.fill == BAND and m.width > 100)
    assert round(plot.value_at(band.y + band.height), 6) == 0
    assert round(plot.value_at(band.y), 6) == 4
    across = [
        m
        for m in plot.marks
        if isinstance(m, Line) and m.dashed and m.points[-1][0] == WIDTH - RIGHT
    ]
    assert [round(plot.value_at(line.points[0][1]), 6) for line in across] == [6]


def test_a_long_series_keeps_at_most_six_date_labels() -> None:
    plot = reports.pain_chart(
        _weeks(list(range(10, 0, -1)) * 2),
        baseline=None,
        improved_at_most=None,
        texts=PAIN_TEXTS,
        date_label=spanish,
    )
    assert 3 <= len(plot.x_labels) <= 6


def test_a_point_is_drawn_at_its_value() -> None:
    plot = reports.pain_chart(
        _weeks([7, 2]), baseline=None, improved_at_most=None, texts=PAIN_TEXTS, date_label=spanish
    )
    line = next(
        m for m in plot.marks if isinstance(m, Line) and len(m.points) == 2 and m.width == 2
    )
    assert [round(plot.value_at(y), 6) for _, y in line.points] == [7, 2]
    assert line.points[0][0] < line.points[1][0]  # the older reading on the left


def test_a_legend_of_long_names_wraps_instead_of_overlapping() -> None:
    names = {f"activity number {n} with a long name": _weeks([n, n + 1]) for n in range(5)}
    plot = reports.lines_chart(
        names, texts={"title": "PSFS", "y_label": "0-10"}, date_label=spanish
    )
    legend = [m for m in plot.marks if isinstance(m, reports.charts.Text) and m.size == LEGEND_SIZE]
    rows = {m.y for m in legend if m.text.startswith("activity")}
    assert len(rows) >= 2 and plot.area[0] > 60  # the plot starts below the legend's rows


def test_lines_and_sessions_charts_name_their_series() -> None:
    lines = reports.lines_chart(
        {"desk work": _weeks([4, 6]), "lifting": _weeks([2, 3])},
        texts={"title": "PSFS", "y_label": "0-10"},
        date_label=spanish,
    )
    assert {"desk work", "lifting"} <= set(_texts(reports.as_svg(lines, label="PSFS")))
    sessions = reports.sessions_chart(
        _weeks([3, 0, 5]),
        planned_per_week=7,
        texts={"title": "Sessions", "y_label": "n", "done": "Done", "planned": "Planned"},
        date_label=spanish,
    )
    assert sessions.bars == (3, 0, 5)
    assert {"Done", "Planned"} <= set(_texts(reports.as_svg(sessions, label="Sessions")))


def test_a_chart_becomes_a_vector_drawing_for_the_pdf() -> None:
    plot = reports.pain_chart(
        _weeks([5]), baseline=5, improved_at_most=3, texts=PAIN_TEXTS, date_label=spanish
    )
    drawing = reports.as_drawing(plot, width=320)
    assert drawing.width == 320 and round(drawing.height) == 150
    pdf = reports.build_pdf(
        reports.Report(
            "t", "s", "en", sections=(reports.Section("P", pictures=(reports.Picture(plot, "c"),)),)
        )
    )
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf  # drawn, not pasted
