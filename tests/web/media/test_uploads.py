"""Uploads: checked before decoding, stored outside the web root, analysed in the background by
the task worker, shown only to the owner and the clinic (audited); the clinician places points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from upperback.web.media.models import MediaUpload, Status
from upperback.web.records.models import AuditEvent


def run_worker() -> None:
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
        queue_name="*",
    )


def _post(client: Client, path: Path, *, kind: str, view: str, exercise: str = "") -> Any:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(
        reverse("media:upload"),
        {"kind": kind, "view": view, "exercise": exercise, "file": upload},
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's lock itself
def test_a_photo_is_analysed_by_the_worker_and_shown_to_its_owner(
    alice_client: Client, shared_data: Path, media_root: Path
) -> None:
    response = _post(
        alice_client, shared_data / "photos/markers_side.jpg", kind="photo", view="side"
    )
    record = MediaUpload.objects.get()
    assert response.status_code == 302
    assert record.status == Status.QUEUED
    assert (media_root / record.stored_name).is_file()
    page = alice_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert "Waiting for analysis" in page and "data-refresh-seconds" in page
    run_worker()
    record.refresh_from_db()
    assert record.status == Status.DONE, record.error
    assert "forward_head" in record.result["measures"]
    picture = alice_client.get(reverse("media:file", args=[record.pk, "annotated_photo"]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_a_text_file_named_jpg_is_refused_before_storing(
    alice_client: Client, tmp_path: Path, media_root: Path
) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_text("not a photo")
    response = _post(alice_client, fake, kind="photo", view="side")
    assert response.status_code == 200
    assert "not a JPEG or PNG" in response.content.decode()
    assert not MediaUpload.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_is_refused(
    alice_client: Client, tmp_path: Path, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000)
    response = _post(alice_client, big, kind="photo", view="front")
    assert "too large" in response.content.decode()
    assert not MediaUpload.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_takes_a_photo_or_video_from_the_phone_camera(
    alice_client: Client,
) -> None:
    page = alice_client.get(reverse("media:upload")).content.decode()
    assert 'capture="environment"' in page and 'accept="image/jpeg' in page


def _fetch_status(client: Client, url: str) -> int:
    """GET a file and close it (a FileResponse holds the file open until closed; closing the
    response itself would also fire request_finished and close the test database)."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # consuming it closes the file
    return int(response.status_code)


def _stored_photo(alice_client: Client, shared_data: Path) -> MediaUpload:
    _post(alice_client, shared_data / "photos/markers_side.jpg", kind="photo", view="side")
    return MediaUpload.objects.get()


@pytest.mark.django_db
def test_another_patient_and_visitors_cannot_see_an_upload(
    alice_client: Client, carol_client: Client, anonymous: Client, shared_data: Path
) -> None:
    record = _stored_photo(alice_client, shared_data)
    original = reverse("media:file", args=[record.pk, "original"])
    assert _fetch_status(carol_client, original) == 404
    assert carol_client.get(reverse("media:detail", args=[record.pk])).status_code == 404
    assert anonymous.get(original).status_code == 302  # to the login page
    assert AuditEvent.objects.filter(action="media.file", outcome="refused").exists()


@pytest.mark.django_db
def test_the_clinician_places_tragus_and_c7_for_the_exact_angle(
    alice_client: Client, bob_client: Client, shared_data: Path
) -> None:
    record = _stored_photo(alice_client, shared_data)
    assert _fetch_status(bob_client, reverse("media:file", args=[record.pk, "original"])) == 200
    page = bob_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert 'id="point-photo"' in page
    bob_client.post(
        reverse("media:points", args=[record.pk]),
        {"tragus_x": 100.4, "tragus_y": 87.8, "c7_x": 55.0, "c7_y": 134.0},
    )
    record.refresh_from_db()
    assert record.result["measures"]["craniovertebral_angle"]["value_deg"] == pytest.approx(
        45.5, abs=0.5
    )
    assert AuditEvent.objects.filter(action="media.points", outcome="allowed").exists()


@pytest.mark.django_db
def test_a_patient_cannot_place_points(alice_client: Client, shared_data: Path) -> None:
    record = _stored_photo(alice_client, shared_data)
    response = alice_client.post(
        reverse("media:points", args=[record.pk]),
        {"tragus_x": 1, "tragus_y": 1, "c7_x": 2, "c7_y": 2},
    )
    assert response.status_code == 404


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_fails_a_video_with_nobody_and_goes_on_to_the_next(
    alice_client: Client, shared_data: Path, tmp_path: Path
) -> None:
    import cv2
    import numpy as np

    nobody = tmp_path / "nobody.mp4"
    writer = cv2.VideoWriter(str(nobody), cv2.VideoWriter_fourcc(*"mp4v"), 15, (160, 120))
    for i in range(45):
        writer.write(np.full((120, 160, 3), 100 + i, np.uint8))
    writer.release()
    _post(alice_client, nobody, kind="video", view="front", exercise="biceps_curl")
    _post(
        alice_client,
        shared_data / "videos/sample_bicep_curl.mp4",
        kind="video",
        view="side",
        exercise="biceps_curl",
    )
    run_worker()
    first, second = MediaUpload.objects.order_by("pk")
    assert first.status == Status.FAILED and "no person" in first.error.lower()
    assert second.status == Status.DONE and second.result["repetitions"] == 1
    assert second.progress == 100
    assert set(second.pictures) == {"signal_plot", "contact_sheet"}
    listing = alice_client.get(reverse("media:mine")).content.decode()
    assert "1 repetition" in listing
    page = alice_client.get(reverse("media:detail", args=[second.pk])).content.decode()
    assert "1 repetition" in page, page
    assert 'alt="A chart of the movement over time, one peak per repetition"' in page
    failed = alice_client.get(reverse("media:detail", args=[first.pk])).content.decode()
    assert 'id="analysis-error"' in failed
    alice_client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    spanish = alice_client.get(reverse("media:detail", args=[second.pk])).content.decode()
    assert "1 repetición" in spanish and "Amplitud de movimiento" in spanish
    failed_es = alice_client.get(reverse("media:detail", args=[first.pk])).content.decode()
    assert first.error_code == "no_person_video"
    assert "No se encontró a ninguna persona en este vídeo" in failed_es


@pytest.mark.django_db
def test_the_upload_page_speaks_spanish(alice_client: Client) -> None:
    alice_client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = alice_client.get(reverse("media:upload")).content.decode()
    assert "Revisión con la cámara" in page and "Foto o vídeo" in page


@pytest.mark.django_db
def test_the_camera_checks_summary_shows_to_the_owner_and_clinic_only(
    alice: Any, bob: Any, carol: Any, alice_client: Client, shared_data: Path, rf: Any
) -> None:
    from django.template import Context, Template

    _stored_photo(alice_client, shared_data)
    tag = Template("{% load camera_checks %}{% camera_checks patient %}")

    def shown_to(user: Any) -> str:
        request = rf.get("/")
        request.user = user
        return tag.render(Context({"request": request, "patient": alice}))

    assert "Posture photo" in shown_to(alice) and "Posture photo" in shown_to(bob)
    assert "Posture photo" not in shown_to(carol)


@pytest.mark.django_db
def test_only_patients_upload(bob_client: Client, anonymous: Client) -> None:
    assert bob_client.get(reverse("media:upload")).status_code == 404
    assert anonymous.get(reverse("media:upload")).status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_running_analysis_shows_its_progress(alice_client: Client, shared_data: Path) -> None:
    from upperback.web.media.tasks import _progress_writer

    _post(
        alice_client,
        shared_data / "videos/sample_bicep_curl.mp4",
        kind="video",
        view="side",
        exercise="biceps_curl",
    )
    record = MediaUpload.objects.get()
    MediaUpload.objects.filter(pk=record.pk).update(status=Status.RUNNING)
    write = _progress_writer(record.pk)
    write(3, 30)  # 10 %
    write(4, 30)  # 13 %: under the next step, not written
    record.refresh_from_db()
    assert record.progress == 10
    page = alice_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert 'id="analysis-progress"' in page and 'value="10"' in page
