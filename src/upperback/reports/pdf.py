"""The PDF report, from plain data (no ORM, no translation here): ReportLab. Pure.

The caller (the web's report module) fills a `Report` in the reader's language: sections with
paragraphs, bullet lists, two-column rows and pictures (PNG bytes: the charts, the posture
photo). `build_pdf` lays them out on A4 and returns the file's bytes.

Every text is data (escaped, never markup) and bounded: a paragraph or bullet is cut at
`PARAGRAPH_CHARS`, a table cell at `CELL_CHARS` (a table row taller than a page cannot be
laid out), so a megabyte of text costs milliseconds, not minutes. A section that still
cannot be laid out is replaced by its heading and the caller's `unshown` line; the rest of
the report comes all the same.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from upperback.reports.charts import Plot, as_drawing
from upperback.reports.text import plain

WIDTH = A4[0] - 4 * cm  # the text width between 2 cm margins
# About two pages of body text, and a third of a page in a table's cell.
PARAGRAPH_CHARS, CELL_CHARS, HEADING_CHARS = 6000, 1000, 300
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Picture:
    """A PNG (a posture photo), or a chart drawn as vectors."""

    content: bytes | Plot
    caption: str
    max_width_cm: float = 16.0


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()
    pictures: tuple[Picture, ...] = ()
    # A table of many columns (the check-ins): its first row is the header, repeated on
    # each page the table runs onto.
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    language: str
    sections: tuple[Section, ...] = ()
    footer: str = ""
    author: str = "Upperback"
    unshown: str = "This part could not be shown."


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": sheet["Title"],
        "subtitle": ParagraphStyle("subtitle", parent=sheet["Normal"], textColor=colors.grey),
        "h2": sheet["Heading2"],
        "body": sheet["BodyText"],
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8, leading=10),
    }


def _text(value: str, style: ParagraphStyle, limit: int = PARAGRAPH_CHARS) -> Paragraph:
    return Paragraph(escape(plain(value, limit)), style)


def _picture(picture: Picture, styles: dict[str, ParagraphStyle]) -> Flowable:
    shown = min(picture.max_width_cm * cm, WIDTH)
    image: Flowable
    if isinstance(picture.content, Plot):
        image = as_drawing(picture.content, width=shown)
    else:
        width, height = ImageReader(io.BytesIO(picture.content)).getSize()
        image = Image(io.BytesIO(picture.content), width=shown, height=shown * height / width)
    return KeepTogether([image, _text(picture.caption, styles["small"]), Spacer(1, 6)])


def _rows(rows: tuple[tuple[str, str], ...], styles: dict[str, ParagraphStyle]) -> Table:
    cells = [
        [_text(k, styles["body"], CELL_CHARS), _text(v, styles["body"], CELL_CHARS)]
        for k, v in rows
    ]
    table = Table(cells, colWidths=[WIDTH * 0.35, WIDTH * 0.65])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def _table(table: tuple[tuple[str, ...], ...], styles: dict[str, ParagraphStyle]) -> Table:
    columns = max(len(row) for row in table)
    cells = [
        [_text(cell, styles["small"]) for cell in (*row, *("",) * (columns - len(row)))]
        for row in table
    ]
    laid = Table(cells, colWidths=[WIDTH / columns] * columns, repeatRows=1)
    laid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return laid


def _section(section: Section, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = styles["body"]
    out: list[Flowable] = [_text(section.heading, styles["h2"], HEADING_CHARS)]
    out.extend(_text(p, body) for p in section.paragraphs)
    if section.bullets:
        items = [ListItem(_text(b, body), leftIndent=12) for b in section.bullets]
        out.append(ListFlowable(items, bulletType="bullet", start="•", leftIndent=12))
    if section.rows:
        out.append(_rows(section.rows, styles))
    if section.table:
        out.append(_table(section.table, styles))
    out.extend(_picture(p, styles) for p in section.pictures)
    return out


def build_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4; the same input gives the same file). A section that
    cannot be laid out is replaced by its heading and `report.unshown` (and logged)."""
    try:
        return _build(report)
    except Exception:
        log.exception("The report could not be laid out whole; looking for the part")
    sections = tuple(
        section if _lays_out(report, section) else Section(section.heading, (report.unshown,))
        for section in report.sections
    )
    return _build(replace(report, sections=sections))


def _lays_out(report: Report, section: Section) -> bool:
    try:
        _build(replace(report, sections=(section,)))
    except Exception:
        log.exception("The report's section %r could not be laid out", section.heading)
        return False
    return True


def _build(report: Report) -> bytes:
    styles = _styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=plain(report.title, HEADING_CHARS),
        author=plain(report.author, HEADING_CHARS),
        lang=report.language,
        invariant=1,
    )
    story: list[Flowable] = [
        _text(report.title, styles["title"], HEADING_CHARS),
        _text(report.subtitle, styles["subtitle"], HEADING_CHARS),
    ]
    for section in report.sections:
        story.extend(_section(section, styles))
    if report.footer:
        story.extend([Spacer(1, 12), _text(report.footer, styles["small"])])
    document.build(story)
    return out.getvalue()
