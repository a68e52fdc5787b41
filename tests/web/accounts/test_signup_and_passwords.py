"""Sign-up answers the same for a new and an existing address (an email either way), makes
the account only from the emailed link, and refuses passwords built on the site's own words
or on a season and a year, in English and Spanish."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from upperback.web.accounts.models import User
from upperback.web.accounts.passwords import ProductWordsValidator

pytestmark = pytest.mark.django_db

GOOD = "a-long-pass-phrase-7"


def _sign_up(email: str, language: str = "en") -> Any:
    client = Client()
    client.cookies["django_language"] = language
    answer = client.post("/accounts/signup/", {"email": email, "first_name": "Ann"})
    return answer, client.get(answer["Location"]) if answer.status_code == 302 else None


def _without_csrf(page: Any) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())


def _link(message: Any) -> str:
    found = re.search(r"http://testserver(/accounts/signup/confirm/\S+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_a_new_and_an_existing_address_get_the_same_answer_and_one_email_each(
    alice: Any,
) -> None:
    new, new_page = _sign_up("ann@example.com")
    old, old_page = _sign_up("Alice@Example.com")
    assert (new.status_code, new["Location"]) == (old.status_code, old["Location"])
    assert _without_csrf(new_page) == _without_csrf(old_page)
    assert [m.to for m in mail.outbox] == [["ann@example.com"], ["alice@example.com"]]
    assert "/accounts/signup/confirm/" in mail.outbox[0].body
    warning = mail.outbox[1]
    assert warning.subject == "Someone tried to sign up with your address"
    assert "http://testserver/accounts/login/" in warning.body
    assert "http://testserver/accounts/password-reset/" in warning.body
    assert "/accounts/signup/confirm/" not in warning.body
    assert User.objects.count() == 1  # nothing made before the link is opened


def test_the_link_makes_the_account_once(db: None) -> None:
    _sign_up("ann@example.com")
    link = _link(mail.outbox[0])
    client = Client()
    page = client.get(link)
    assert "ann@example.com" in page.content.decode()
    done = client.post(link, {"password1": GOOD, "password2": GOOD})
    assert (done.status_code, done["Location"]) == (302, "/intake/")
    user = User.objects.get(email="ann@example.com")
    assert (user.first_name, user.role, user.check_password(GOOD)) == ("Ann", "patient", True)
    again = Client().post(link, {"password1": "another-pass-phrase-8", "password2": "x"})
    assert "This address already has an account." in again.content.decode()
    assert User.objects.get(email="ann@example.com").check_password(GOOD)


def test_a_changed_or_old_link_makes_nothing(db: None, settings: Any) -> None:
    _sign_up("ann@example.com")
    link = _link(mail.outbox[0])
    forged = link.replace("/confirm/", "/confirm/x")
    answer = Client().post(forged, {"password1": GOOD, "password2": GOOD})
    assert "This link is not valid or is too old." in answer.content.decode()
    import time

    from upperback.web.accounts import signup

    later = time.time() + 3 * 24 * 60 * 60 + 120  # three days and two minutes on
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signup.time, "time", lambda: later)
        answer = Client().post(link, {"password1": GOOD, "password2": GOOD})
    assert "This link is not valid or is too old." in answer.content.decode()
    assert not User.objects.filter(email="ann@example.com").exists()


def test_the_link_does_not_show_the_address(db: None) -> None:
    """Issue 22, item 10: an opaque token, not the address in readable base64."""
    import base64

    _sign_up("ann@example.com")
    token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    padded = token + "=" * (-len(token) % 4)
    for start in range(4):  # base64 read from any offset
        text = base64.urlsafe_b64decode(("A" * start + padded)[: len(padded) // 4 * 4] + "==")
        assert b"ann@" not in text and b"example" not in text
    assert "ann" not in token


def test_the_emails_speak_the_visitors_or_the_accounts_language(alice: Any) -> None:
    alice.preferred_language = "es"
    alice.save(update_fields=["preferred_language"])
    _sign_up("ana@example.com", language="es")
    _sign_up(alice.email, language="en")
    assert mail.outbox[0].subject == "Termine de crear su cuenta de Upperback"
    assert mail.outbox[1].subject == "Alguien intentó registrarse con su dirección"


@pytest.mark.parametrize("password", ["upperback", "Upperback1", "Summer2026"])
def test_the_sites_own_words_and_seasons_are_refused(password: str, db: None) -> None:
    _sign_up("ann@example.com")
    answer = Client().post(_link(mail.outbox[0]), {"password1": password, "password2": password})
    assert answer.status_code == 200
    assert answer.context["form"].errors["password1"]
    assert not User.objects.filter(email="ann@example.com").exists()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("upperback", "password_product_word"),
        ("Upperback1", "password_product_word"),
        ("Upper Back 2026!", "password_product_word"),
        ("Demo1234", "password_product_word"),
        ("Summer2026", "password_season_year"),
        ("invierno-2025", "password_season_year"),
        ("Otoño2026!", "password_season_year"),
        ("2026December", "password_season_year"),
    ],
)
def test_the_validator_names_why(password: str, code: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        ProductWordsValidator().validate(password)
    assert refused.value.error_list[0].code == code


@pytest.mark.parametrize(
    "password", ["correct-horse-battery-9", "democracy-rules-42", "summertime sadness 7"]
)
def test_the_validator_lets_other_passwords_through(password: str) -> None:
    ProductWordsValidator().validate(password)


def test_the_validators_run_in_settings_with_djangos_own() -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for password in ("upperback", "Upperback1", "Summer2026", "password123", "short"):
        with pytest.raises(ValidationError):
            validate_password(password)


def test_the_refusal_speaks_spanish(db: None) -> None:
    client = Client()
    client.cookies["django_language"] = "es"
    client.post("/accounts/signup/", {"email": "ana@example.com"})
    link = _link(mail.outbox[0])
    for password, said in [
        ("Upperback1", "el nombre o las palabras de este sitio"),
        ("Verano2026", "estación o un mes con un año"),
    ]:
        answer = client.post(link, {"password1": password, "password2": password})
        assert said in answer.content.decode(), password
