"""Vision errors reach the patient in their own language.

The vision package gives each error a stable code and parameters; the media app renders them
through gettext, both when an upload is refused on the spot and when the background analysis
fails and the page shows why later.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from upperback.vision.errors import MESSAGES, RetakeError, placeholders
from upperback.web.media import vision_messages
from upperback.web.media.models import Kind, MediaUpload, Status
from upperback.web.media.vision_messages import TEXTS, vision_message

CATALOGUE = Path(vision_messages.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
PERCENT_NAME = re.compile(r"%\((\w+)\)s")


def _english_texts() -> dict[str, str]:
    with translation.override("en"):  # English is the source language: the msgids
        return {code: str(text) for code, text in TEXTS.items()}


def test_every_vision_code_has_a_web_text_using_only_its_parameters() -> None:
    assert set(TEXTS) == set(MESSAGES)
    for code, english in _english_texts().items():
        assert set(PERCENT_NAME.findall(english)) <= placeholders(MESSAGES[code]), code


def test_every_web_text_has_a_spanish_translation_with_the_same_parameters() -> None:
    spanish = {entry.msgid: entry.msgstr for entry in polib.pofile(str(CATALOGUE))}
    for code, english in _english_texts().items():
        assert spanish.get(english), f"{code}: no Spanish text"
        assert set(PERCENT_NAME.findall(spanish[english])) == set(PERCENT_NAME.findall(english))


def test_a_vision_error_renders_in_english_and_spanish_with_its_parameters() -> None:
    error = RetakeError("wrong_view", exercise="Chin tucks", views=["front", "side"])
    with translation.override("en"):
        assert vision_message(error.code, error.params) == (
            "This exercise is filmed from the front or the side; film it from that side."
        )
    with translation.override("es"):
        assert vision_message(error.code, error.params) == (
            "Este ejercicio se graba de frente o de lado; grábelo de esa forma."
        )
    with translation.override("es"):
        assert vision_message("photo_too_many_pixels", {"megapixels": 100, "limit": 40}) == (
            "La foto tiene 100 megapíxeles, más de los 40 permitidos; use una foto más pequeña."
        )


def _spanish(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    return client


@pytest.mark.django_db
def test_a_bad_upload_seen_by_a_spanish_speaking_patient_is_refused_in_spanish(
    alice_client: Client, tmp_path: Path
) -> None:
    _spanish(alice_client)
    fake = tmp_path / "foto.jpg"
    fake.write_text("esto no es una foto")
    empty = tmp_path / "vacia.jpg"
    empty.write_bytes(b"")
    pages = [
        alice_client.post(
            reverse("media:upload"),
            {
                "kind": "photo",
                "view": "side",
                "exercise": "",
                "file": SimpleUploadedFile(path.name, path.read_bytes()),
            },
        ).content.decode()
        for path in (fake, empty)
    ]
    assert "Esto no es una foto JPEG ni PNG; haga una foto y súbala." in pages[0]
    assert "not a JPEG" not in pages[0] and "foto.jpg" not in pages[0]
    # Django refuses an empty upload itself, before the vision checks: in Spanish too.
    assert "vacío" in pages[1] or "vacía" in pages[1]
    assert not MediaUpload.objects.exists()


@pytest.mark.django_db
def test_a_failed_analysis_shows_its_reason_in_the_readers_language(
    alice: Any, alice_client: Client
) -> None:
    error = RetakeError("two_people")
    record = MediaUpload.objects.create(
        patient=alice,
        kind=Kind.PHOTO,
        view="front",
        stored_name="x/photo.jpg",
        original_name="photo.jpg",
        content_type="jpeg",
        size_bytes=10,
        status=Status.FAILED,
        error=str(error),
        error_code=error.code,
        error_params=error.params,
    )
    page = alice_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert "More than one person is in this photo" in page
    spanish = _spanish(alice_client).get(reverse("media:detail", args=[record.pk]))
    assert "Hay más de una persona en esta foto" in spanish.content.decode()
    context = {"uploads": [record], "patient": alice, "user": alice}
    with translation.override("es"):  # the summary on the result and clinic pages
        summary = render_to_string("media/_camera_checks.html", context)
    assert "No se pudo analizar: Hay más de una persona en esta foto" in summary


def test_an_unknown_code_still_gets_a_message() -> None:
    with translation.override("es"):
        assert vision_message("from_a_newer_release", {}) == (
            "No se pudo analizar este archivo; pruebe con otra foto u otro vídeo."
        )
