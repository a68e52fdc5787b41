"""Where uploads and pictures are kept: under MEDIA_ROOT, with names we choose."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings


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
