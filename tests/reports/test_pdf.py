"""The PDF lays out what it is given: headings, paragraphs, bullets, rows and pictures, with
Spanish letters intact (read back with pypdfium2)."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2 as pdfium

from upperback import reports


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _chart() -> reports.Plot:
    return reports.pain_chart(
        [(dt.date(2026, 11, 2), 6.0), (dt.date(2026, 11, 9), 4.0)],
        baseline=6,
        improved_at_most=4,
        texts={"title": "Dolor", "y_label": "0-10", "pain": "D", "baseline": "B", "band": "M"},
        date_label=lambda d: d.isoformat(),
    )


def _photo_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "steelblue").save(out, format="PNG")
    return out.getvalue()


def test_the_pdf_holds_every_section_in_order() -> None:
    report = reports.Report(
        title="Informe de cuidados",
        subtitle="Alicia · evaluación del 2 nov 2026",
        language="es",
        sections=(
            reports.Section("Triaje", paragraphs=("Autocuidado: siga en casa.",)),
            reports.Section("Fase 1", bullets=("Ejercicio: rotación torácica",)),
            reports.Section("Sus respuestas", rows=(("Edad", "34"), ("Dolor", "4/10"))),
            reports.Section("Progreso", pictures=(reports.Picture(_chart(), "Dolor"),)),
            reports.Section("Postura", pictures=(reports.Picture(_photo_png(), "Foto"),)),
        ),
        footer="Esto no es un diagnóstico.",
    )
    content = reports.build_pdf(report)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    order = ["Informe de cuidados", "Triaje", "Autocuidado", "Fase 1", "rotación torácica"]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions)
    assert "Edad" in text and "Esto no es un diagnóstico." in text
    # The chart is drawn as vectors with its words as text; the photo is an image.
    assert "2026-11-09" in text and text.index("Dolor") < text.index("Postura")
    document = pdfium.PdfDocument(content)
    assert any(
        obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for page in document for obj in page.get_objects()
    )


def test_the_same_report_gives_the_same_file() -> None:
    report = reports.Report(title="Care report", subtitle="Alice", language="en")
    assert reports.build_pdf(report) == reports.build_pdf(report)
