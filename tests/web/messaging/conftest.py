"""The messaging cast: Alice's thread with the care team (built through the actions), and
Dr Bob logged in with his password only (no second factor yet)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from upperback.web.messaging import actions
from upperback.web.messaging.models import Thread

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A Spanish request leaves Spanish active in the thread: later tests must not inherit it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def jpeg(width: int = 640, height: int = 480) -> SimpleUploadedFile:
    """A small real JPEG, as a phone would send (it passes the camera uploads' checks)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile("back.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def thread(alice: Any) -> Thread:
    return actions.start_thread(
        patient=alice,
        subject="Stiffness after the pullovers",
        body="My upper back feels stiff every morning after the lat pullovers.",
    )


@pytest.fixture
def unverified_bob(bob: Any) -> Client:
    """Dr Bob after his password, before his code: the second factor not passed."""
    client = Client()
    answer = client.post("/accounts/login/", {"username": bob.email, "password": PASSWORD})
    assert answer.status_code == 302
    return client
