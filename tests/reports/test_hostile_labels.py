"""A label is data, never markup: TeX, HTML, control characters, bidirectional overrides,
lone surrogates and 100 KB names draw as plain words in every chart, SVG and PDF drawing."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from upperback import reports
from upperback.reports.text import plain

HOSTILE = [
    r"$\frac$ bad $math$",
    "$x$ and $y$",
    r"\textbf{bold} $\alpha",
    "<script>alert('x')</script> & <b>",
    "a\x00b\x07c",
    "\u202eevil reversed",
    "x" * 100_000,
    "word " * 20_000,
    "\ud800 lone",
    "😀 emoji 🏋️",
]
DAY = dt.date(2026, 10, 5)
POINTS = [(DAY, 3.0), (DAY + dt.timedelta(weeks=1), 5.0)]


def _figures(name: str) -> list[object]:
    texts = {
        "title": name,
        "y_label": name,
        "pain": name,
        "baseline": name,
        "band": name,
        "done": name,
        "planned": name,
    }
    return [
        reports.lines_chart({name: POINTS, "other": POINTS}, texts=texts, date_label=str),
        reports.pain_chart(
            POINTS, baseline=6, improved_at_most=4, texts=texts, date_label=lambda d: name
        ),
        reports.sessions_chart(POINTS, planned_per_week=7, texts=texts, date_label=str),
    ]


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_label_draws_as_plain_words(name: str) -> None:
    for figure in _figures(name):
        svg = reports.as_svg(figure, label=name)  # type: ignore[arg-type]
        ET.fromstring(svg)  # well-formed: nothing the label held broke the XML
        assert "<script>" not in svg and "\u202e" not in svg and "\x00" not in svg
        assert len(svg) < 60_000  # the label was cut, not drawn 100 KB long
        assert reports.as_drawing(figure, width=400).getContents()  # type: ignore[arg-type]


def test_dollar_signs_are_drawn_as_dollar_signs() -> None:
    figure = reports.lines_chart(
        {r"$\frac$ bad $math$": POINTS}, texts={"title": "t", "y_label": "y"}, date_label=str
    )
    assert r"$\frac$ bad $math$" in reports.as_svg(figure, label="t")


def test_plain_keeps_the_words_and_drops_what_is_not_text() -> None:
    assert plain("a\x00b\u202ec\td", 100) == "abc d"
    assert plain("\ud800", 10) == "\ufffd"
    assert plain("x" * 50, 10) == "x" * 9 + "…"
    assert plain("café 😀", 10) == "café 😀"


def test_a_name_that_starts_with_an_underscore_is_in_the_legend() -> None:
    figure = reports.lines_chart(
        {"_lifting": POINTS}, texts={"title": "t", "y_label": "y"}, date_label=str
    )
    assert "_lifting" in reports.as_svg(figure, label="t")
