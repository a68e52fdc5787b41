"""Charts on the patient's and the clinician's pages, the clinician's timeline and the PDF
report: each read through the audited door, in the reader's language."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from upperback.web.care.charts import sessions_per_week
from upperback.web.media import actions as media_actions
from upperback.web.records import actions
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db
NSAID_WITHHELD = {"history": ["peptic_ulcer_or_gi_bleed"]}


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def record(alice: Any, desk_worker: dict[str, Any]) -> Any:
    from upperback.clinical import Intake

    intake = Intake.model_validate({**desk_worker, **NSAID_WITHHELD})
    return actions.record_assessment(patient=alice, intake=intake, language="en")


def _weeks_of_check_ins(alice: Any, pains: list[int]) -> None:
    today = timezone.localdate()
    for n, pain in enumerate(pains):
        day = today - dt.timedelta(weeks=len(pains) - n)
        psfs = [{"activity": "desk work", "score": 5 + n}]
        actions.add_progress(patient=alice, pain_now=pain, recorded_on=day, psfs=psfs)


def _photo(alice: Any, shared_data: Path, media_root: Path) -> Any:
    source = next(p for p in sorted(shared_data.rglob("*.jpg")))
    uploaded = SimpleUploadedFile("side.jpg", source.read_bytes())
    upload = media_actions.save_upload(patient=alice, uploaded=uploaded, kind="photo", view="side")
    measures = {"craniovertebral_angle": {"value_deg": 48.5, "confidence": 0.9}}
    media_actions.finish(upload=upload, result={"measures": measures}, pictures={})
    return upload


def test_the_progress_page_shows_the_charts_with_dates_and_a_table(
    alice_client: Client, alice: Any, record: Any
) -> None:
    _weeks_of_check_ins(alice, [6, 5, 4])
    page = alice_client.get(reverse("records:progress")).content.decode()
    assert 'id="chart-pain"' in page and 'id="chart-psfs"' in page
    assert '<svg role="img" aria-label="Pain over time"' in page
    first = timezone.localdate() - dt.timedelta(weeks=3)
    assert f">{first.day} {first:%b}</text>" in page  # a date on the axis
    assert "the chart as a table" in page and "<details>" in page


def test_the_charts_speak_spanish(alice: Any, record: Any) -> None:
    actions.set_language(user=alice, language="es")
    _weeks_of_check_ins(alice, [6, 5])
    client = Client()
    client.force_login(alice)
    page = client.get(reverse("records:progress"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "El dolor a lo largo del tiempo" in page
    months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
    assert any(f" {m}</text>" in page for m in months)


def test_sessions_are_counted_per_week_with_empty_weeks_as_zero() -> None:
    monday = dt.date(2026, 11, 2)
    days = [monday, monday + dt.timedelta(days=2), monday + dt.timedelta(days=15)]
    assert sessions_per_week(days) == [
        (monday, 2),
        (monday + dt.timedelta(weeks=1), 0),
        (monday + dt.timedelta(weeks=2), 1),
    ]


def test_the_review_page_shows_check_ins_and_camera_checks_on_the_timeline(
    bob_client: Client, alice: Any, record: Any, shared_data: Path, media_root: Path
) -> None:
    _weeks_of_check_ins(alice, [6, 5])
    _photo(alice, shared_data, media_root)
    page = bob_client.get(reverse("records:review", args=[record.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert timeline.count("event-check_in") == 2
    assert "event-camera_check" in timeline and "event-assessment" in timeline
    assert 'id="chart-posture"' in page
    audited = AuditEvent.objects.filter(action="timeline.read", patient=alice, actor__isnull=False)
    assert audited.count() >= 4  # assessments, check-ins, camera checks, appointments


def test_the_timeline_is_newest_first(bob_client: Client, alice: Any, record: Any) -> None:
    _weeks_of_check_ins(alice, [6, 5, 4])
    page = bob_client.get(reverse("records:review", args=[record.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("pain 4/10") < timeline.index("pain 5/10") < timeline.index("pain 6/10")


def test_the_patients_pdf_has_triage_plan_and_what_was_withheld(
    alice_client: Client, alice: Any, record: Any
) -> None:
    _weeks_of_check_ins(alice, [6, 5, 4])
    response = alice_client.get(reverse("records:my_report"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Care report" in text and "Triage and why" in text and "Self-care" in text
    assert "Phase 1" in text and "Left out for you, and why" in text
    assert "Exercise program" in text
    assert "Pain now 4/10" in text and "How long it has lasted 21 days" in text  # the intake
    assert "Anti-inflammatory medication: Anti-inflammatories can cause bleeding" in text
    assert AuditEvent.objects.filter(action="report.read", patient=alice).exists()


def test_the_consultation_pdf_in_spanish(bob: Any, alice: Any, record: Any) -> None:
    actions.set_language(user=bob, language="es")
    client = Client()
    client.force_login(bob)
    url = reverse("records:consultation_report", args=[record.pk])
    text = pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="es").content)
    assert "Informe para la consulta" in text and "Triaje y por qué" in text
    assert "Paciente" in text and "Antecedentes y medicamentos" in text
    assert "Lo que el motor dejó fuera, y por qué" in text  # the clinician's words, not hers
    assert "Lo que hemos dejado fuera para usted" not in text


def test_only_the_clinic_opens_the_consultation_report(
    alice_client: Client, carol_client: Client, record: Any
) -> None:
    url = reverse("records:consultation_report", args=[record.pk])
    assert alice_client.get(url).status_code == 404
    assert carol_client.get(url).status_code == 404


def test_a_patient_without_an_assessment_has_no_report(carol_client: Client) -> None:
    assert carol_client.get(reverse("records:my_report")).status_code == 404


def test_the_report_renders_a_non_blank_first_page(alice_client: Client, record: Any) -> None:
    content = alice_client.get(reverse("records:my_report")).content
    image = pdfium.PdfDocument(content)[0].render(scale=1).to_pil().convert("L")
    low, high = image.getextrema()
    assert high - low > 100
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert out.getvalue().startswith(b"\x89PNG")


def test_the_report_shows_the_latest_posture_photo_with_its_angles(
    alice_client: Client, alice: Any, record: Any, shared_data: Path, media_root: Path
) -> None:
    from PIL import Image

    from upperback.web.media import storage

    upload = _photo(alice, shared_data, media_root)
    picture = storage.picture_dir(upload.pk) / "posture.png"
    Image.new("RGB", (120, 160), (200, 80, 40)).save(picture)
    measures = {"craniovertebral_angle": {"value_deg": 51.5, "confidence": 0.9}}
    pictures = {"annotated_photo": storage.relative(picture)}
    media_actions.finish(upload=upload, result={"measures": measures}, pictures=pictures)
    content = alice_client.get(reverse("records:my_report")).content
    text = pdf_text(content)
    assert "Latest posture photo" in text and "51.5°" in text
    images = [
        obj
        for page in pdfium.PdfDocument(content)
        for obj in page.get_objects()
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
    ]
    assert len(images) == 1  # the photo (the charts are drawn as vectors)
    assert "Posture angles over time" in text and "Pain over time" in text
