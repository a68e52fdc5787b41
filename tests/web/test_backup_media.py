"""Backups hold the uploads: after a restore into an empty data folder the photo and its
analysis picture open again (before, every photo answered 500)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from upperback.cli import main
from upperback.web.backup import media_archive
from upperback.web.media import actions, storage
from upperback.web.media.models import MediaUpload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _photo_with_a_picture(alice: Any, shared_data: Path) -> MediaUpload:
    content = (shared_data / "photos/markers_side.jpg").read_bytes()
    record = actions.save_upload(
        patient=alice, uploaded=SimpleUploadedFile("p.jpg", content), kind="photo", view="side"
    )
    picture = storage.picture_dir(record.pk) / "posture.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n picture")
    actions.finish(
        upload=record, result={}, pictures={"annotated_photo": storage.relative(picture)}
    )
    return record


def test_a_restore_brings_the_photos_back(
    alice: Any, alice_client: Client, shared_data: Path, media_root: Path, tmp_path: Path
) -> None:
    record = _photo_with_a_picture(alice, shared_data)
    output = tmp_path / "backups" / "upperback.backup"
    output.parent.mkdir()
    assert main(["backup", "--output", str(output)]) == 0
    archive = media_archive(output)
    assert archive.stat().st_mode & 0o777 == 0o600  # health data: the owner's only
    shutil.rmtree(media_root)  # the machine's disk is gone
    assert main(["restore", str(output), "--force"]) == 0
    original = alice_client.get(reverse("media:file", args=[record.pk, "original"]))
    assert original.status_code == 200
    photo = b"".join(original.streaming_content)
    assert photo == (shared_data / "photos/markers_side.jpg").read_bytes()
    picture = alice_client.get(reverse("media:file", args=[record.pk, "annotated_photo"]))
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")


def test_a_restore_refuses_an_archive_with_anything_but_media(
    alice: Any, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _photo_with_a_picture(alice, shared_data)
    output = tmp_path / "upperback.backup"
    assert main(["backup", "--output", str(output)]) == 0
    evil = tmp_path / "evil.txt"
    evil.write_text("x")
    with tarfile.open(media_archive(output), "a") as tar:
        tar.add(evil, arcname="../../etc/evil.txt")
    record_count = MediaUpload.objects.count()
    MediaUpload.objects.all().delete()  # a change the refused restore must not undo
    assert main(["restore", str(output), "--force"]) == 1
    assert "is not a media file" in capsys.readouterr().err
    assert record_count == 1 and not MediaUpload.objects.exists()  # nothing was replaced
