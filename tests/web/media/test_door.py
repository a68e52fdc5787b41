"""Uploads through the one door: who may upload and who may place points is the door's rule
(refusals audited), and the worker's actions are keyword-only, one transaction each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from upperback.web.media import actions
from upperback.web.media.models import MediaUpload, Status
from upperback.web.records.models import AuditEvent

POINTS = {"tragus_x": 10, "tragus_y": 10, "c7_x": 40, "c7_y": 60}


@pytest.fixture
def photo(alice: Any, shared_data: Path) -> MediaUpload:
    source = shared_data / "photos/markers_side.jpg"
    return actions.save_upload(
        patient=alice,
        uploaded=SimpleUploadedFile("side.jpg", source.read_bytes()),
        kind="photo",
        view="side",
    )


def _outcomes(action: str) -> set[tuple[int | None, str]]:
    return {(e.actor_id, e.outcome) for e in AuditEvent.objects.filter(action=action)}


def test_a_clinician_opening_the_upload_page_is_refused_and_audited(
    bob: Any, bob_client: Client
) -> None:
    assert bob_client.get(reverse("media:upload")).status_code == 404
    assert _outcomes("media.upload") == {(bob.pk, "refused")}


def test_an_upload_from_the_plan_keeps_its_plan_step(
    alice: Any, alice_client: Client, shared_data: Path, desk_worker: dict[str, Any]
) -> None:
    from upperback.clinical import Intake
    from upperback.web.records import actions as records

    record = records.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    page = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    link = f"{reverse('media:upload')}?assessment={record.pk}&amp;plan_step=exercise_program"
    assert link in page
    source = shared_data / "photos/markers_side.jpg"
    response = alice_client.post(
        link.replace("&amp;", "&"),
        {"kind": "photo", "view": "side", "file": SimpleUploadedFile("a.jpg", source.read_bytes())},
    )
    assert response.status_code == 302
    (upload,) = MediaUpload.objects.filter(patient=alice)
    assert (upload.plan_step, upload.assessment_id) == ("exercise_program", record.pk)


def test_only_the_clinic_places_points_and_the_patients_try_is_audited(
    alice: Any, bob: Any, alice_client: Client, bob_client: Client, photo: MediaUpload
) -> None:
    url = reverse("media:points", args=[photo.pk])
    assert alice_client.post(url, POINTS).status_code == 404
    assert bob_client.post(url, POINTS).status_code == 302
    assert _outcomes("media.points") == {(alice.pk, "refused"), (bob.pk, "allowed")}
    assert MediaUpload.objects.get(pk=photo.pk).points == {"tragus": [10, 10], "c7": [40, 60]}


def test_the_worker_claims_an_upload_once(photo: MediaUpload) -> None:
    claimed = actions.claim(upload_id=photo.pk)
    assert claimed is not None and claimed.status == Status.RUNNING
    assert actions.claim(upload_id=photo.pk) is None


def test_the_workers_actions_take_keywords_only(photo: MediaUpload) -> None:
    with pytest.raises(TypeError):
        actions.claim(photo.pk)  # type: ignore[misc]
    with pytest.raises(TypeError):
        actions.report_progress(photo.pk, 50)  # type: ignore[misc]
    with pytest.raises(TypeError):
        actions.finish(photo, result={}, pictures={})  # type: ignore[misc]
    actions.report_progress(upload_id=photo.pk, percent=150)
    assert MediaUpload.objects.get(pk=photo.pk).progress == 100


@pytest.mark.parametrize("name", ["claim", "report_progress", "finish", "fail"])
def test_the_workers_actions_each_run_in_one_transaction(name: str) -> None:
    # transaction.atomic as a decorator wraps the function; the wrapper keeps it here.
    assert getattr(getattr(actions, name), "__wrapped__", None) is not None
