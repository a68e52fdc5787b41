"""A patient uploads a posture photo in a real browser; the worker analyses it; the page shows
the status and then the measures. The clinician places tragus and C7 by clicking the photo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from upperback.web.media.models import MediaUpload


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def run_worker() -> None:
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
        queue_name="*",
    )


@pytest.mark.slow
def test_a_patient_uploads_a_photo_and_sees_the_analysis(
    logged_in_page: Any,
    clinician: Any,
    login: Callable[[Any, Any], Any],
    shared_data: Path,
    open_page: Callable[..., Any],
) -> None:
    page = logged_in_page
    page.goto("/camera/upload/")
    page.get_by_label("What is it?").select_option("photo")
    page.get_by_label("Photo or video").set_input_files(
        str(shared_data / "photos/markers_side.jpg")
    )
    page.get_by_label("Camera view").select_option("side")
    page.get_by_role("button", name="Upload").click()
    status = page.locator("#analysis-status")
    assert "Waiting for analysis" in status.inner_text()
    run_worker()
    page.reload()
    assert "Analysed" in page.locator("#analysis-status").inner_text()
    assert page.locator('tr[data-measure="forward_head"]').is_visible()
    assert page.get_by_alt_text(
        "The photo with the body points and lines the camera found"
    ).is_visible()

    upload = MediaUpload.objects.get()
    doctor = login(open_page(), clinician)
    doctor.goto(f"/camera/{upload.pk}/")
    photo = doctor.locator("#point-photo")
    doctor.wait_for_function("document.getElementById('point-photo').naturalWidth > 0")
    box = photo.bounding_box()
    scale = box["width"] / 213  # the photo's natural width
    photo.click(position={"x": 100.4 * scale, "y": 87.8 * scale})  # tragus
    photo.click(position={"x": 55.0 * scale, "y": 134.0 * scale})  # C7
    doctor.get_by_role("button", name="Save points").click()
    cva = doctor.locator('tr[data-measure="craniovertebral_angle"]')
    value = float(cva.locator("td").nth(1).inner_text())
    assert value == pytest.approx(45.5, abs=1.0)  # clicks land on whole screen pixels
