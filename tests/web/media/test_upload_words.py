"""The words an upload brings (its file name, the plan step in its link) are data: no NUL or
other control character is kept (PostgreSQL refuses NUL: a 500), and a plan step is one of
the plan's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from upperback.web.media.models import MediaUpload

pytestmark = pytest.mark.django_db


def _photo(shared_data: Path, name: str) -> SimpleUploadedFile:
    source = next(p for p in sorted(shared_data.rglob("*.jpg")))
    return SimpleUploadedFile(name, source.read_bytes())


@pytest.mark.parametrize(
    "plan_step,kept",
    [("exercise_program", "exercise_program"), ("\x00evil\u202e", ""), ("not_a_step", "")],
)
def test_the_plan_step_of_an_upload_is_one_of_the_plans_steps(
    alice_client: Client, shared_data: Path, plan_step: str, kept: str
) -> None:
    response = alice_client.post(
        reverse("media:upload") + "?" + f"plan_step={plan_step}",
        {"kind": "photo", "view": "side", "file": _photo(shared_data, "side.jpg")},
    )
    assert response.status_code == 302
    assert MediaUpload.objects.get().plan_step == kept


def test_an_upload_name_keeps_no_control_character(
    alice_client: Client, alice: Any, shared_data: Path
) -> None:
    name = "my\x00photo\x1b\u202e.jpg"
    response = alice_client.post(
        reverse("media:upload"),
        {"kind": "photo", "view": "side", "file": _photo(shared_data, name)},
    )
    assert response.status_code == 302
    stored = MediaUpload.objects.get().original_name
    assert stored == "myphoto.jpg"
