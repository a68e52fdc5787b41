"""A thread in a real browser, at phone (390x844) and desktop (1280x800) size: the patient
writes in English with a photo, the clinician reads and answers in Spanish, the patient reads
the answer. axe-core checks every page loaded (conftest's hook), and each page fits the
screen's width."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 120, 90)).save(buffer, "JPEG")
    path = tmp_path / "back.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _photo_shown(page: Any) -> bool:
    """The attached photo loaded (polled here: the site's CSP forbids the page-side polling
    of `wait_for_function`, which evaluates a string)."""
    photo = page.locator(".message-photo")
    for _ in range(100):
        if photo.evaluate("img => img.complete && img.naturalWidth > 0"):
            return True
        page.wait_for_timeout(100)
    return False


def _to_spanish(page: Any) -> None:
    page.locator("#language-select").select_option("es")
    page.locator("#language-submit").click()
    page.wait_for_selector("html[lang=es]")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_thread_in_english_and_spanish_with_a_photo(
    size: str,
    page: Any,
    open_page: Callable[..., Any],
    patient: Any,
    clinician: Any,
    login: Callable[[Any, Any], Any],
    photo: Path,
) -> None:
    page.set_viewport_size(SIZES[size])
    login(page, patient)
    page.get_by_role("link", name="Messages", exact=True).click()
    page.get_by_role("link", name="New message").click()
    assert page.locator("#not-for-emergencies").is_visible()
    assert page.get_by_role("button", name="Check the warning signs now").is_visible()
    page.get_by_label("Subject").fill("Stiff after the pullovers")
    page.get_by_label("Message", exact=True).fill("My upper back is stiff every morning.")
    page.get_by_label("Photo (optional)").set_input_files(str(photo))
    assert _fits(page)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/messages/\d+/$"))
    thread_url = page.url
    assert _photo_shown(page)
    assert _fits(page)

    doctor = open_page()
    doctor.set_viewport_size(SIZES[size])
    login(doctor, clinician)
    _to_spanish(doctor)
    doctor.get_by_role("link", name="Mensajes", exact=True).click()
    doctor.wait_for_url("**/clinic/messages/")
    assert (
        "La clínica responde en 1 día laborable." in doctor.locator("#answer-target").inner_text()
    )
    assert _fits(doctor)
    doctor.get_by_role("link", name="Stiff after the pullovers").click()
    assert _photo_shown(doctor)
    doctor.get_by_label("Asignada a").select_option(label="Bob Nguyen")
    doctor.get_by_role("button", name="Asignar").click()
    doctor.get_by_label("Mensaje", exact=True).fill("Reduzca las series a dos esta semana.")
    doctor.get_by_role("button", name="Enviar").click()
    assert doctor.get_by_text("Su mensaje se ha enviado.").is_visible()
    assert _fits(doctor)

    page.goto(thread_url)
    assert page.get_by_text("Reduzca las series a dos esta semana.").is_visible()
    assert "Care team: Bob Nguyen" in page.locator("#thread-messages").inner_text()
