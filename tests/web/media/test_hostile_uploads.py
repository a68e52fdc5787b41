"""Issue 10: hostile uploads never crash the site. Each is a clean refusal or a failed job
with a message; the worker lives on with bounded memory; the web still answers afterwards."""

from __future__ import annotations

import resource
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from tests.vision import hostile

from upperback.web.media import actions, tasks
from upperback.web.media.models import MediaUpload, Status

from .test_uploads import _post, run_worker

HOSTILE_PHOTOS = {
    "blank 20000x2000": hostile.blank_wide_png,
    "65535x610 strip": hostile.strip_png,
    "dark 2000x20000": hostile.dark_tall_png,
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _web_answers(client: Client) -> None:
    assert client.get(reverse("media:upload")).status_code == 200


@pytest.fixture(scope="module")
def hostile_photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        name: make(folder / f"{i}.png") for i, (name, make) in enumerate(HOSTILE_PHOTOS.items())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE_PHOTOS)
def test_a_hostile_photo_is_refused_at_upload_and_the_site_answers(
    alice_client: Client, hostile_photos: dict[str, Path], name: str, media_root: Path
) -> None:
    before = _peak_rss_mb()
    response = _post(alice_client, hostile_photos[name], kind="photo", view="side")
    assert response.status_code == 200
    assert "times longer than it is wide" in response.content.decode()
    assert not MediaUpload.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))
    assert _peak_rss_mb() - before < 50  # never decoded
    _web_answers(alice_client)


def _stored(alice: Any, shared_data: Path, swapped_for: Path | None = None) -> MediaUpload:
    """A photo accepted at upload; `swapped_for` replaces the file afterwards (as a file
    stored before these checks existed would be)."""
    source = shared_data / "photos/markers_side.jpg"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(actions, "_enqueue", lambda upload_id: None)
        record = actions.save_upload(
            patient=alice,
            uploaded=SimpleUploadedFile("photo.jpg", source.read_bytes()),
            kind="photo",
            view="side",
        )
    if swapped_for is not None:
        Path(actions.storage.absolute(record.stored_name)).write_bytes(swapped_for.read_bytes())
    return record


@pytest.mark.django_db(transaction=True)
def test_a_hostile_photo_already_stored_fails_its_job_with_a_message(
    alice: Any, alice_client: Client, hostile_photos: dict[str, Path], shared_data: Path
) -> None:
    record = _stored(alice, shared_data, swapped_for=hostile_photos["blank 20000x2000"])
    before = _peak_rss_mb()
    assert tasks.analyse_upload.call(record.pk) == "failed"
    record.refresh_from_db()
    assert record.status == Status.FAILED and record.error_code == "photo_too_narrow"
    page = alice_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert "times longer than it is wide" in page
    assert _peak_rss_mb() - before < 100  # the worker's own memory stays flat
    _web_answers(alice_client)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_analysis_over_its_memory_limit_fails_that_job_and_the_worker_goes_on(
    alice: Any, alice_client: Client, shared_data: Path, settings: Any
) -> None:
    starved = _stored(alice, shared_data)
    settings.MEDIA_ANALYSIS_MEMORY_MB = 200  # too little for the pose model to load
    assert tasks.analyse_upload.call(starved.pk) == "failed"
    starved.refresh_from_db()
    assert starved.status == Status.FAILED
    assert starved.error_code in {"analysis_out_of_memory", "analysis_crashed"}
    page = alice_client.get(reverse("media:detail", args=[starved.pk])).content.decode()
    assert 'id="analysis-error"' in page and starved.error_message in page
    settings.MEDIA_ANALYSIS_MEMORY_MB = 2048  # the default: the model works within it
    fine = _stored(alice, shared_data)
    assert tasks.analyse_upload.call(fine.pk) == "done"
    _web_answers(alice_client)


@pytest.mark.django_db(transaction=True)
def test_an_analysis_past_its_time_limit_fails_with_a_message(
    alice: Any, alice_client: Client, shared_data: Path, settings: Any
) -> None:
    record = _stored(alice, shared_data)
    settings.MEDIA_ANALYSIS_SECONDS = 0.3  # the model cannot even load in that time
    # A cold child: a warm one has loaded the model already (its limit: tests/vision/test_pool).
    settings.MEDIA_ANALYSIS_POOL = False
    assert tasks.analyse_upload.call(record.pk) == "failed"
    record.refresh_from_db()
    assert record.status == Status.FAILED and record.error_code == "analysis_timed_out"
    alice_client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = alice_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert "El análisis tardó más de" in page


@pytest.mark.django_db(transaction=True)
def test_any_exception_fails_the_job_instead_of_leaving_it_running(
    alice: Any, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cv2

    record = _stored(alice, shared_data)

    def opencv_error(upload: MediaUpload) -> dict[str, Any]:
        raise cv2.error("OpenCV(4.11) error: (-215:Assertion failed) !_src.empty()")

    monkeypatch.setattr(tasks, "_analyse", opencv_error)
    assert tasks.analyse_upload.call(record.pk) == "failed"
    record.refresh_from_db()
    assert record.status == Status.FAILED and record.error_code == "analysis_failed"
    with translation.override("en"):
        assert "try another photo or video" in record.error_message


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_video_whose_header_lies_about_its_length_fails_while_decoding(
    alice_client: Client, shared_data: Path, tmp_path: Path
) -> None:
    source = shared_data / "videos/sample_shoulder_press.mp4"
    lie = hostile.lying_avi(tmp_path / "lie.avi", source, holds_s=200, claims_s=20)
    response = _post(alice_client, lie, kind="video", view="front", exercise="overhead_press")
    assert response.status_code == 302  # its header says 20 s: accepted for analysis
    run_worker()
    record = MediaUpload.objects.get()
    assert record.status == Status.FAILED and record.error_code == "video_length_mismatch"
    assert record.result == {}  # no "190 repetitions in 20 s"
    page = alice_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert "more frames than its header declares" in page


@pytest.mark.django_db
@pytest.mark.parametrize("part", ["field", "file"])
def test_a_body_of_ten_thousand_parts_is_refused_and_the_site_answers(
    alice_client: Client, part: str
) -> None:
    if part == "field":
        data: dict[str, Any] = {f"f{i}": "x" for i in range(10_000)}
    else:
        data = {f"f{i}": SimpleUploadedFile(f"{i}.jpg", b"\xff\xd8\xff") for i in range(10_000)}
    data.update(kind="photo", view="side")
    before = _peak_rss_mb()
    response = alice_client.post(reverse("media:upload"), data)
    assert response.status_code == 400
    assert not MediaUpload.objects.exists()
    assert _peak_rss_mb() - before < 200
    _web_answers(alice_client)
