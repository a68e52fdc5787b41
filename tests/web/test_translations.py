"""Every gettext catalogue under src/upperback/web is compiled and current, and the Spanish
catalogue covers every text of the patient-facing templates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client
from django.utils import translation

from upperback.web import compilemessages

WEB = Path(compilemessages.__file__).parent


def test_every_compiled_catalogue_is_current() -> None:
    assert list(compilemessages.catalogues()), "no catalogue found"
    assert compilemessages.stale() == [], "run: python -m upperback.web.compilemessages"


def test_every_template_text_has_a_spanish_translation() -> None:
    catalogue = polib.pofile(str(WEB / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid for e in catalogue if e.msgstr or e.msgstr_plural}
    mine = [*(WEB / "templates").rglob("*.html")]
    wanted = {
        m.group(2)
        for path in mine
        for m in re.finditer(r'{%\s*translate\s+(["\'])(.*?)\1', path.read_text())
    }
    assert wanted - translated == set()


def test_every_python_text_of_the_web_app_has_a_spanish_translation() -> None:
    catalogue = polib.pofile(str(WEB / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid for e in catalogue if e.msgstr}
    modules = [*(WEB / "records").glob("*.py"), *(WEB / "accounts").glob("*.py")]
    wanted = {
        m.group(1)
        for path in modules
        for m in re.finditer(r'\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', path.read_text())
    }
    assert wanted, "the pattern found no texts"
    assert wanted - translated == set()


def test_labels_are_translated_at_runtime() -> None:
    from upperback.web.records.intake_fields import SYMPTOMS
    from upperback.web.records.presenting import triage_title

    with translation.override("es"):
        # Triage levels are worded by the knowledge base, the questions by gettext.
        assert triage_title("emergency").startswith("Emergencia")
        assert str(SYMPTOMS["coughing_blood"]) != "Coughing up blood"


@pytest.mark.django_db
def test_the_language_switch_turns_the_home_page_spanish() -> None:
    client = Client()
    client.post("/accounts/language/", {"language": "es", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="es">' in page
    assert "Esto no es un diagnóstico." in page


def test_the_switch_is_remembered_on_the_account(alice: Any, alice_client: Client) -> None:
    alice_client.post("/accounts/language/", {"language": "es", "next": "/"})
    alice.refresh_from_db()
    assert alice.preferred_language == "es"
    assert "Mis evaluaciones" in alice_client.get("/assessments/").content.decode()


def test_login_speaks_the_accounts_language(alice: Any) -> None:
    from upperback.web.records import actions

    actions.set_language(user=alice, language="es")
    client = Client()
    client.post(
        "/accounts/login/", {"username": alice.email, "password": "correct-horse-battery-9"}
    )
    assert '<html lang="es">' in client.get("/").content.decode()


def test_reasons_name_the_answers_in_plain_words() -> None:
    from upperback.web.records.intake_fields import field_words

    with translation.override("en"):
        assert field_words(["pain.onset", "age", "symptoms"]) == (
            "how it started, your age, your symptoms"
        )
    with translation.override("es"):
        assert field_words(["pain.night_pain", "unknown.field"]) == (
            "el dolor por la noche, unknown.field"
        )
