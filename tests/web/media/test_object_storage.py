"""Media on an S3-protocol object store (django-storages), against a real S3 server process
on loopback (tests/s3_server.py): uploads, analyses, pictures and readiness, and nothing
written to the local media folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from tests import s3_server

from upperback.web.media import storage
from upperback.web.media.models import MediaUpload, Status
from upperback.web.ops.models import WorkerHeartbeat


@pytest.fixture(scope="module")
def s3() -> Iterator[s3_server.S3Server]:
    server = s3_server.start()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3: s3_server.S3Server, settings: Any) -> str:
    name = s3.new_bucket()
    settings.STORAGES = s3.storages_setting(name)
    return name


def _post(client: Client, path: Path, *, kind: str, view: str) -> Any:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("media:upload"), {"kind": kind, "view": view, "file": upload})


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_the_settings_choose_the_object_store_when_a_bucket_is_named(
    s3: s3_server.S3Server,
) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import child_environment

    script = (
        "import django; django.setup()\n"
        "from upperback.web.media import storage\n"
        "s = storage.media()\n"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, storage.is_local())\n"
    )
    env = child_environment(**s3.environment("photos-bucket"))
    env.pop("DATABASE_URL", None)
    shown = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == ["S3Storage", "photos-bucket", s3.endpoint, "False"]
    assert os.environ.get("UPPERBACK_MEDIA_S3_BUCKET") is None  # the local folder by default


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's lock itself
def test_an_upload_is_stored_analysed_and_served_from_the_bucket(
    alice_client: Client, shared_data: Path, media_root: Path, s3: s3_server.S3Server, bucket: str
) -> None:
    response = _post(
        alice_client, shared_data / "photos/markers_side.jpg", kind="photo", view="side"
    )
    assert response.status_code == 302
    record = MediaUpload.objects.get()
    assert s3.keys(bucket) == [record.stored_name]
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
        queue_name="*",
    )
    record.refresh_from_db()
    assert record.status == Status.DONE, record.error
    assert record.pictures["annotated_photo"] == f"pictures/{record.pk}/posture.png"
    assert s3.keys(bucket) == sorted([record.stored_name, *record.pictures.values()])
    picture = alice_client.get(reverse("media:file", args=[record.pk, "annotated_photo"]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")
    assert _files(media_root) == []  # nothing kept on this machine


@pytest.mark.django_db
def test_a_refused_file_leaves_nothing_in_the_bucket_nor_on_disk(
    alice_client: Client, tmp_path: Path, media_root: Path, s3: s3_server.S3Server, bucket: str
) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_text("not a photo")
    response = _post(alice_client, fake, kind="photo", view="side")
    assert response.status_code == 200
    assert s3.keys(bucket) == [] and not MediaUpload.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_readyz_checks_that_the_bucket_takes_a_file(
    client: Client, s3: s3_server.S3Server, bucket: str, settings: Any
) -> None:
    from django.utils import timezone

    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="h:1", queues="*", started_at=now, beat_at=now)
    assert client.get("/readyz").status_code == 200
    assert s3.keys(bucket) == []  # the probe's file is deleted again
    settings.STORAGES = s3.storages_setting("no-such-bucket")
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["storage"]["ok"] is False


def test_the_report_reads_a_picture_from_the_bucket(
    s3: s3_server.S3Server, bucket: str, shared_data: Path
) -> None:
    from django.core.files.base import ContentFile

    content = (shared_data / "photos/markers_side.jpg").read_bytes()
    name = storage.media().save("pictures/7/posture.png", ContentFile(content))
    assert storage.read_bytes(name) == content
    assert storage.read_bytes("pictures/7/missing.png") is None
