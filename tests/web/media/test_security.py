"""Uploads under attack: a huge file is not read past the limit, files are served with a safe
type, a neutral name and nosniff, and never from a path named by the request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from upperback.web.media import actions
from upperback.web.media.models import MediaUpload

pytestmark = pytest.mark.django_db
RECEIVED: list[int] = []


class Spy(FileUploadHandler):
    """Placed after the limit: counts the bytes the limit let through."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        RECEIVED.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


def test_a_file_over_the_limit_is_not_read_past_it_and_the_page_says_why(
    alice_client: Client, settings: Any, media_root: Path
) -> None:
    settings.UPLOAD_MAX_BYTES = 100_000
    settings.FILE_UPLOAD_HANDLERS = [
        "upperback.web.media.upload_limit.SizeLimitHandler",
        "tests.web.media.test_security.Spy",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    RECEIVED.clear()
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2_000_000)
    response = alice_client.post(
        reverse("media:upload"), {"kind": "photo", "view": "side", "file": big}
    )
    assert response.status_code == 200
    assert "The file is too large: the limit is" in response.content.decode()
    assert sum(RECEIVED) <= settings.UPLOAD_MAX_BYTES  # the rest was never kept
    assert not MediaUpload.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


@pytest.fixture
def photo(alice: Any, shared_data: Path) -> MediaUpload:
    source = shared_data / "photos/markers_side.jpg"
    return actions.save_upload(
        patient=alice,
        uploaded=SimpleUploadedFile("<script>.html", source.read_bytes()),
        kind="photo",
        view="side",
    )


def _get(client: Client, upload: MediaUpload, name: str) -> Any:
    response = client.get(reverse("media:file", args=[upload.pk, name]))
    if response.streaming:
        b"".join(response.streaming_content)  # closes the file
    return response


def test_a_file_is_served_with_its_checked_type_a_neutral_name_and_nosniff(
    alice_client: Client, bob_client: Client, photo: MediaUpload
) -> None:
    for client in (alice_client, bob_client):
        response = _get(client, photo, "original")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            f'inline; filename="upload-{photo.pk}-original.jpg"'
        )  # not the uploader's "<script>.html"
        assert response["Cache-Control"] == "private, no-store"


def test_an_unexpected_stored_type_is_a_download_never_shown_inline(
    alice_client: Client, photo: MediaUpload, media_root: Path
) -> None:
    page = media_root / "pictures" / str(photo.pk) / "note.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("<script>alert(1)</script>")
    MediaUpload.objects.filter(pk=photo.pk).update(
        pictures={"note": f"pictures/{photo.pk}/note.html"}
    )
    response = _get(alice_client, photo, "note")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_file_name_in_the_url_is_a_key_never_a_path(
    alice_client: Client, photo: MediaUpload
) -> None:
    for name in ["..", "%2e%2e", "stored_name", "..%2F..%2Fsettings.py", "uploads"]:
        assert _get(alice_client, photo, name).status_code == 404, name


def test_placing_points_keeps_a_result_written_meanwhile(photo: MediaUpload) -> None:
    """The page's copy of the upload is stale once the worker has written its result; the
    points are added to the stored result, not to the stale copy (a transaction, a lock)."""
    stale = MediaUpload.objects.get(pk=photo.pk)
    MediaUpload.objects.filter(pk=photo.pk).update(result={"measures": {"forward_head": {}}})
    actions.place_points(upload=stale, tragus=(10.0, 10.0), c7=(40.0, 60.0))
    stored = MediaUpload.objects.get(pk=photo.pk)
    assert set(stored.result["measures"]) == {"forward_head", "craniovertebral_angle"}
    assert stored.points == {"tragus": [10.0, 10.0], "c7": [40.0, 60.0]}
