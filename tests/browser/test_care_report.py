"""A patient's weeks of check-ins in a real browser: the charts with a date axis and their
tables, the PDF report downloaded and read back (its text, its first page as a picture); the
clinician's review page with the check-ins and camera checks on the timeline."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from upperback.clinical import Intake
from upperback.web.media import actions as media_actions
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER
from upperback.web.records.models import AssessmentRecord

WEEKS = 4


def _assessed(patient: Any) -> AssessmentRecord:
    """The desk worker with a peptic ulcer: a plan, and NSAIDs left out for her."""
    intake = Intake.model_validate({**DESK_WORKER, "history": ["peptic_ulcer_or_gi_bleed"]})
    record = actions.record_assessment(patient=patient, intake=intake)
    started = timezone.now() - dt.timedelta(weeks=WEEKS + 1)
    AssessmentRecord.objects.filter(pk=record.pk).update(created_at=started)
    record.refresh_from_db()
    return record


def _past_check_ins(patient: Any) -> None:
    today = timezone.localdate()
    for week in range(WEEKS, 0, -1):
        actions.add_progress(
            patient=patient,
            pain_now=3 + week // 2,
            recorded_on=today - dt.timedelta(weeks=week),
            psfs=[{"activity": "desk work", "score": 8 - week}],
        )


def test_a_patient_sees_her_weeks_in_charts_and_downloads_her_report(
    page: Any, patient: Any, login: Callable[[Any, Any], Any], tmp_path: Path
) -> None:
    record = _assessed(patient)
    _past_check_ins(patient)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    login(page, patient)
    page.goto("/progress/")
    page.get_by_label("Pain right now (0-10)").fill("2")
    page.get_by_role("button", name="Save today's entry").click()
    page.wait_for_url("**/progress/")

    pain = page.locator("#chart-pain svg")
    assert pain.get_attribute("aria-label") == "Pain over time"
    axis = pain.locator("text").all_text_contents()
    first = timezone.localdate(record.created_at)  # the start, in the reader's time zone
    assert f"{first.day} {first:%b}" in axis  # the pain chart has a date axis
    assert "Clinically important improvement" in axis
    table = page.locator("#chart-pain details")
    table.locator("summary").click()
    assert table.locator("tbody tr").count() == WEEKS + 2  # the start, the weeks, today
    assert page.locator("#chart-psfs svg").is_visible()
    assert refused == []  # the charts draw under the strict policy (no inline styles)

    with page.expect_download() as waiting:
        page.locator("#report-link").click()
    saved = tmp_path / "report.pdf"
    waiting.value.save_as(saved)
    document = pdfium.PdfDocument(saved.read_bytes())
    text = "\n".join(p.get_textpage().get_text_range() for p in document)
    assert "Triage and why" in text and "Self-care" in text
    assert "Phase 1" in text and "Exercise" in text  # the plan's steps
    assert "Left out for you, and why" in text
    image = document[0].render(scale=1).to_pil().convert("L")
    out = io.BytesIO()
    image.save(out, format="PNG")
    low, high = image.getextrema()
    assert high - low > 100 and len(out.getvalue()) > 10_000  # not a blank page


def test_the_review_page_shows_check_ins_and_camera_checks(
    page: Any,
    patient: Any,
    clinician: Any,
    login: Callable[[Any, Any], Any],
    shared_data: Path,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    record = _assessed(patient)
    _past_check_ins(patient)
    photo = (shared_data / "photos").glob("*.jpg")
    uploaded = SimpleUploadedFile("side.jpg", next(iter(sorted(photo))).read_bytes())
    upload = media_actions.save_upload(
        patient=patient, uploaded=uploaded, kind="photo", view="side"
    )
    measures = {"craniovertebral_angle": {"value_deg": 47.0, "confidence": 0.9}}
    media_actions.finish(upload=upload, result={"measures": measures}, pictures={})

    login(page, clinician)
    page.goto(f"/clinic/assessments/{record.pk}/")
    page.locator("#timeline-section > summary").click()  # folded on the review (issue 22)
    timeline = page.locator("#timeline")
    assert timeline.locator(".event-check_in").count() == WEEKS
    assert timeline.locator(".event-camera_check").count() == 1
    assert "Check-in: pain" in timeline.inner_text()
    assert page.locator("#chart-pain svg text").count() > 0
    assert page.locator("#chart-posture svg").is_visible()
