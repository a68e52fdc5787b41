"""The charts draw plain dated series: dates on the axis in the caller's words, the baseline
and the improvement band marked, text kept as text, a PNG for the PDF."""

from __future__ import annotations

import datetime as dt
import re

from upperback import reports

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
    assert 'stroke="#0b5cad"' in svg and 'font-size="10px"' in svg and 'text-anchor="middle"' in svg
    assert re.match(r'<svg [^>]*width="100%"', svg) and "height=" not in svg.split(">", 1)[0]


def test_the_improvement_band_runs_from_0_to_the_given_top() -> None:
    figure = reports.pain_chart(
        _weeks([6, 3]), baseline=6, improved_at_most=4, texts=PAIN_TEXTS, date_label=spanish
    )
    axes = figure.axes[0]
    band = axes.patches[0].get_path().get_extents().transformed(axes.patches[0].get_transform())
    low, high = axes.transData.inverted().transform([(0, band.y0), (0, band.y1)])[:, 1]
    assert round(low, 6) == 0 and round(high, 6) == 4
    assert [line.get_ydata()[0] for line in axes.lines if line.get_linestyle() == "--"] == [6]


def test_a_long_series_keeps_at_most_six_date_labels() -> None:
    figure = reports.pain_chart(
        _weeks(list(range(10, 0, -1)) * 2),
        baseline=None,
        improved_at_most=None,
        texts=PAIN_TEXTS,
        date_label=spanish,
    )
    assert len(figure.axes[0].get_xticks()) <= 6


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
    assert [bar.get_height() for bar in sessions.axes[0].patches] == [3, 0, 5]
    assert {"Done", "Planned"} <= set(_texts(reports.as_svg(sessions, label="Sessions")))


def test_a_chart_renders_to_png_for_the_pdf() -> None:
    figure = reports.pain_chart(
        _weeks([5]), baseline=5, improved_at_most=3, texts=PAIN_TEXTS, date_label=spanish
    )
    png = reports.as_png(figure)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
