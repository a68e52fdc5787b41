"""Issue 21: a patient's own words must never break a page. A PSFS activity named
`$\\frac$ bad $math$` (sent through the API) made matplotlib's mathtext raise, and the
patient's progress page and PDF, the clinician's review page and its PDF all answered 500.
Each chart and each part of a PDF now fails on its own: the rest is shown, with a line
saying what could not be drawn, and the error is logged."""

from __future__ import annotations

import json
import logging
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse

from upperback import reports
from upperback.web.care import charts as web_charts
from upperback.web.records.models import AssessmentRecord

pytestmark = pytest.mark.django_db
TEX = r"$\frac$ bad $math$"


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.fixture
def tex_record(alice: Any, alice_client: Client, desk_worker: dict[str, Any]) -> AssessmentRecord:
    desk_worker["function"] = {"psfs": [{"activity": TEX, "score": 4}]}
    response = alice_client.post(
        "/api/v1/assessments", json.dumps(desk_worker), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return AssessmentRecord.objects.get(pk=response.json()["id"])


def test_a_tex_activity_shows_on_every_page_and_pdf(
    alice_client: Client, bob_client: Client, tex_record: AssessmentRecord
) -> None:
    progress = alice_client.get(reverse("records:progress"))
    assert progress.status_code == 200
    assert 'id="chart-psfs"' in progress.content.decode()
    assert r"$\frac$ bad $math$" in progress.content.decode()
    review = bob_client.get(reverse("records:review", args=[tex_record.pk]))
    assert review.status_code == 200 and 'id="chart-psfs"' in review.content.decode()
    for client, url in [
        (alice_client, reverse("records:my_report")),
        (bob_client, reverse("records:consultation_report", args=[tex_record.pk])),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert TEX in pdf_text(response.content)


@pytest.fixture
def broken_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drawing library fails on every chart (whatever the cause: a bug, a font)."""
    web_charts._DRAWN.clear()

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the drawing failed")

    monkeypatch.setattr(reports, "lines_chart", fail)
    monkeypatch.setattr(reports, "pain_chart", fail)


def test_a_chart_that_cannot_be_drawn_leaves_the_page_and_says_so(
    alice_client: Client,
    bob_client: Client,
    tex_record: AssessmentRecord,
    broken_drawing: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        progress = alice_client.get(reverse("records:progress"))
    assert progress.status_code == 200
    page = progress.content.decode()
    assert "This chart could not be drawn" in page
    assert "the chart as a table" in page  # the readings are still there, as a table
    assert any("chart-psfs" in r.getMessage() for r in caplog.records)
    review = bob_client.get(reverse("records:review", args=[tex_record.pk]))
    assert review.status_code == 200 and "This chart could not be drawn" in review.content.decode()


def test_a_pdf_with_a_chart_that_cannot_be_drawn_says_what_is_missing(
    alice_client: Client, tex_record: AssessmentRecord, broken_drawing: None
) -> None:
    response = alice_client.get(reverse("records:my_report"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "could not be drawn" in text
    assert "Triage and why" in text  # the rest of the report is there


def test_a_report_part_that_fails_is_named_and_the_rest_is_laid_out(
    alice_client: Client, tex_record: AssessmentRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    from upperback.web.care import report

    def fail(*args: Any) -> Any:
        raise RuntimeError("a part failed")

    monkeypatch.setattr(report, "triage_section", fail)
    response = alice_client.get(reverse("records:my_report"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "could not be shown" in text and "Your answers in short" in text
