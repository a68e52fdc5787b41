"""A camera check being analysed refreshes itself by a script a person can stop (no
<meta http-equiv="refresh">, which axe-core rejects: WCAG 2.2.1, timing adjustable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from upperback.web.media import actions as media_actions


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_the_status_page_reloads_until_stopped(
    logged_in_page: Any, patient: Any, shared_data: Path
) -> None:
    photo = (shared_data / "photos" / "markers_side.jpg").read_bytes()
    record = media_actions.save_upload(
        patient=patient,
        uploaded=SimpleUploadedFile("side.jpg", photo, content_type="image/jpeg"),
        kind="photo",
        view="side",
    )
    page = logged_in_page
    page.goto(f"/camera/{record.pk}/")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    with page.expect_event("load", timeout=8_000):  # the script reloads the page by itself
        pass
    page.get_by_role("button", name="Stop refreshing").click()
    page.wait_for_timeout(4_500)
    assert page.get_by_role("button", name="Stop refreshing").count() == 0  # not reloaded
