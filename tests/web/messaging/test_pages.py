"""The compose box and the thread page: a photo through the camera uploads' checks and size
limit, bounded texts with clear errors, the standing "not for emergencies" line with the
warning-sign questions one click away, English and Spanish, the navigation link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from upperback.web.media import storage
from upperback.web.messaging.models import Message, Thread

from .conftest import jpeg

APP = Path(__file__).resolve().parents[3] / "src" / "upperback" / "web" / "messaging"


def _compose(client: Client, **fields: Any) -> Any:
    data = {"subject": "Stiff in the morning", "body": "Is it normal?", **fields}
    return client.post("/messages/new/", data)


def test_a_patient_sends_a_message_with_a_photo(alice_client: Client) -> None:
    answer = _compose(alice_client, photo=jpeg())
    thread = Thread.objects.get()
    assert answer["Location"] == f"/messages/{thread.pk}/"
    message = Message.objects.get()
    assert message.photo_type == "jpeg"
    assert storage.absolute(message.photo_name).is_file()
    page = alice_client.get(answer["Location"]).content.decode()
    assert f'src="/messages/photos/{message.pk}/"' in page
    assert 'alt="Photo attached to this message"' in page


def test_a_file_that_is_not_a_photo_is_refused_by_the_upload_checks(alice_client: Client) -> None:
    fake = SimpleUploadedFile("x.jpg", b"not an image at all" * 10, content_type="image/jpeg")
    answer = _compose(alice_client, photo=fake)
    assert answer.status_code == 200
    assert answer.context["form"].errors["photo"]
    assert not Thread.objects.exists()


def test_a_photo_over_the_upload_limit_names_the_limit(alice_client: Client, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    answer = _compose(alice_client, photo=jpeg())
    assert "The file is too large: the limit is" in str(answer.context["form"].errors["photo"])
    assert not Thread.objects.exists()


def test_texts_are_bounded_with_a_clear_error(alice_client: Client) -> None:
    answer = _compose(alice_client, body="x" * 5001)
    assert "at most 5000 characters (it has 5001)" in str(answer.context["form"].errors["body"])
    answer = _compose(alice_client, subject="s" * 121)
    assert "subject" in answer.context["form"].errors
    answer = _compose(alice_client, body="   ")
    assert answer.context["form"].errors["body"]
    assert not Thread.objects.exists()
    assert _compose(alice_client, body="x" * 5000).status_code == 302


def test_the_compose_box_says_not_for_emergencies_with_the_warning_signs_one_click_away(
    alice_client: Client,
) -> None:
    page = alice_client.get("/messages/new/").content.decode()
    assert "Messages are not for emergencies." in page
    assert 'href="tel:911"' in page
    assert 'action="/intake/new/"' in page
    # The one click: a new intake, at its warning-sign step (the structured screen).
    answer = alice_client.post("/intake/new/")
    assert re.fullmatch(r"/intake/\d+/safety/", answer["Location"])


def test_the_patients_reply_box_has_the_line_and_the_clinicians_has_the_safety_box(
    alice_client: Client, bob_client: Client
) -> None:
    _compose(alice_client)
    thread = Thread.objects.get()
    mine = alice_client.get(f"/messages/{thread.pk}/").content.decode()
    assert 'id="not-for-emergencies"' in mine and 'name="safety"' not in mine
    theirs = bob_client.get(f"/messages/{thread.pk}/").content.decode()
    assert 'name="safety"' in theirs and 'id="assign"' in theirs


def test_the_pages_speak_spanish(alice_client: Client) -> None:
    alice_client.post("/accounts/language/", {"language": "es", "next": "/"})
    page = alice_client.get("/messages/new/").content.decode()
    assert "Los mensajes no son para emergencias." in page
    assert "Revisar ahora las señales de alarma" in page
    assert ">Mensajes</a>" in page  # the navigation


def test_the_navigation_links_to_messages(alice_client: Client, bob_client: Client) -> None:
    assert 'href="/messages/"' in alice_client.get("/").content.decode()
    assert 'href="/clinic/messages/"' in bob_client.get("/").content.decode()
    assert bob_client.get("/messages/")["Location"] == "/clinic/messages/"


def test_every_text_of_the_app_has_a_spanish_translation() -> None:
    catalogue = polib.pofile(str(APP / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid for e in catalogue if e.msgstr or e.msgstr_plural}
    templates = {
        m.group(2)
        for path in (APP / "templates").rglob("*.html")
        for m in re.finditer(r'{%\s*translate\s+(["\'])(.*?)\1', path.read_text())
    }
    python = {
        m.group(1)
        for path in APP.glob("*.py")
        for m in re.finditer(r'\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', path.read_text())
    }
    assert templates and python
    assert (templates | python) - translated == set()


def test_a_thread_belongs_to_her_open_episode_of_care(
    alice: Any, carol: Any, desk_worker: dict[str, Any]
) -> None:
    from upperback.clinical import Intake
    from upperback.web.messaging import actions
    from upperback.web.records import actions as records_actions

    before = actions.start_thread(patient=carol, subject="Q", body="No assessment yet")
    assert before.episode is None
    records_actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    thread = actions.start_thread(patient=alice, subject="Q", body="After my assessment")
    assert thread.episode is not None and thread.episode.patient_id == alice.pk
