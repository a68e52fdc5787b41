"""Camera checks appear in the patient's progress page, the result page and the clinician's
review page (the records app's optional_include slots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from upperback.clinical.contract import Intake
from upperback.web.media import actions as media_actions
from upperback.web.records import actions


@pytest.fixture
def alice_photo(alice: Any, shared_data: Path) -> Any:
    photo = shared_data / "photos/markers_side.jpg"
    return media_actions.save_upload(
        patient=alice,
        uploaded=SimpleUploadedFile(photo.name, photo.read_bytes()),
        kind="photo",
        view="side",
    )


@pytest.mark.django_db
def test_the_progress_page_lists_the_patients_camera_checks(
    alice_client: Client, alice_photo: Any
) -> None:
    page = alice_client.get(reverse("records:progress")).content.decode()
    assert 'id="camera-checks"' in page
    assert reverse("media:detail", args=[alice_photo.pk]) in page


@pytest.mark.django_db
def test_the_clinician_review_and_the_result_page_show_them_too(
    alice: Any,
    alice_client: Client,
    bob_client: Client,
    alice_photo: Any,
    desk_worker: dict[str, Any],
) -> None:
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    detail = reverse("media:detail", args=[alice_photo.pk])
    review = bob_client.get(reverse("records:review", args=[record.pk])).content.decode()
    assert detail in review
    result = alice_client.get(reverse("records:result", args=[record.pk])).content.decode()
    assert detail in result
