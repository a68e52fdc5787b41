"""Where uploads and pictures are kept, under names we choose: Django's default storage.

By default the local folder MEDIA_ROOT (FileSystemStorage); with UPPERBACK_MEDIA_S3_BUCKET an
S3-protocol object store (django-storages), so web processes and task workers on different
machines share uploads without a shared folder (settings.py, README "Deployment").

The analysis needs a real file: with the local folder it reads the stored file where it is
and writes its pictures beside it; with an object store it works in a private temporary
folder (`workspace`), and the pictures are stored from there (`keep_pictures`).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

COPY_CHUNK = 1024 * 1024


def media() -> Storage:
    return storages["default"]


def is_local() -> bool:
    """Files are in a folder of this machine (MEDIA_ROOT), readable where they are."""
    return isinstance(media(), FileSystemStorage)


def root() -> Path:
    return Path(settings.MEDIA_ROOT)


def new_name(patient_id: int, suffix: str) -> str:
    """A path under the root; never the uploader's file name (no traversal, no guessing)."""
    return f"uploads/{patient_id}/{uuid.uuid4().hex}{suffix}"


def absolute(stored_name: str) -> Path:
    path = (root() / stored_name).resolve()
    if not path.is_relative_to(root().resolve()):
        raise ValueError("a stored name points outside the media root")
    return path


def picture_dir(upload_id: int) -> Path:
    folder = root() / "pictures" / str(upload_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def relative(path: Path) -> str:
    return str(path.resolve().relative_to(root().resolve()))


def staging_path(patient_id: int, suffix: str) -> Path:
    """Where an upload is written and checked before it is stored: in the media folder itself
    (a rename then stores it), or in a temporary folder when the store is remote."""
    if is_local():
        return absolute(new_name(patient_id, suffix))
    return Path(tempfile.mkdtemp(prefix="upperback-upload-")) / f"upload{suffix}"


def store(staging: Path, name: str) -> str:
    """Move a checked staging file to its stored name; the name as stored."""
    if is_local():
        final = absolute(name)
        staging.rename(final)
        return relative(final)
    try:
        with staging.open("rb") as handle:
            return str(media().save(name, File(handle)))
    finally:
        discard(staging)


def discard(staging: Path) -> None:
    staging.unlink(missing_ok=True)
    if not is_local() and staging.parent.name.startswith("upperback-upload-"):
        shutil.rmtree(staging.parent, ignore_errors=True)


def open_stored(stored_name: str) -> IO[bytes]:
    if is_local():
        return absolute(stored_name).open("rb")
    handle: IO[bytes] = media().open(stored_name, "rb")
    return handle


def read_bytes(stored_name: str) -> bytes | None:
    """The stored file's content, or None if it is not there."""
    try:
        with open_stored(stored_name) as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


@contextmanager
def workspace(upload_id: int, stored_name: str) -> Iterator[tuple[Path, Path]]:
    """(the upload as a local file, a folder for its pictures) while an analysis runs."""
    if is_local():
        yield absolute(stored_name), picture_dir(upload_id)
        return
    with tempfile.TemporaryDirectory(prefix=f"upperback-analysis-{upload_id}-") as scratch:
        local = Path(scratch) / f"upload{Path(stored_name).suffix}"
        with media().open(stored_name, "rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
        pictures = Path(scratch) / "pictures"
        pictures.mkdir()
        yield local, pictures


def keep_pictures(upload_id: int, pictures: dict[str, str]) -> dict[str, str]:
    """Each picture's stored name; from a workspace folder they are stored first."""
    if is_local():
        return {name: relative(Path(path)) for name, path in pictures.items()}
    kept = {}
    for name, path in pictures.items():
        with open(path, "rb") as handle:
            target = f"pictures/{upload_id}/{Path(path).name}"
            kept[name] = str(media().save(target, File(handle)))
    return kept
