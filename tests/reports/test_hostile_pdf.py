"""The PDF lays out any text quickly (a megabyte of it was 900 s with no answer) and a part
that cannot be laid out is named by a line while the rest comes all the same."""

from __future__ import annotations

import time

import pypdfium2 as pdfium
import pytest

from upperback import reports
from upperback.reports import pdf

MEGABYTE = ["x" * 1_000_000, "word " * 200_000, "<b>&amp;" * 100_000, "\x00\ud800\u202e" * 300_000]


def _text(content: bytes) -> str:
    return "\n".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(content))


@pytest.mark.parametrize("text", MEGABYTE, ids=["unbroken", "words", "markup", "controls"])
def test_a_megabyte_of_text_in_every_place_lays_out_in_seconds(text: str) -> None:
    section = reports.Section(
        text, paragraphs=(text,), bullets=(text, text), rows=((text, text), ("k", text))
    )
    report = reports.Report(title=text, subtitle=text, language="en", sections=(section,))
    started = time.monotonic()
    content = reports.build_pdf(report)
    assert time.monotonic() - started < 5
    assert content.startswith(b"%PDF") and "…" in _text(content)


def test_a_section_that_cannot_be_laid_out_is_named_and_the_rest_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = pdf._section

    def breaks(section: reports.Section, styles: dict[str, object]) -> list[object]:
        if "never shown" in section.paragraphs:
            raise ValueError("no layout")
        return real(section, styles)  # type: ignore[arg-type]

    report = reports.Report(
        title="Care report",
        subtitle="s",
        language="en",
        sections=(
            reports.Section("Kept", paragraphs=("still here",)),
            reports.Section("Broken", paragraphs=("never shown",)),
        ),
        unshown="This part could not be shown.",
    )
    monkeypatch.setattr(pdf, "_section", breaks)
    text = _text(reports.build_pdf(report))
    assert "still here" in text and "never shown" not in text
    assert "This part could not be shown." in text
