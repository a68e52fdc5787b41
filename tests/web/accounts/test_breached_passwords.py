"""Passwords found in breaches, easy to guess, or built on the address are refused, offline
(zxcvbn's bundled lists: the suite blocks the network)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from upperback.web.accounts.models import User
from upperback.web.accounts.passwords import BreachedPasswordValidator, EmailPartsValidator

ANN = User(email="ann.rivers@example.com", first_name="Ann")


def _codes(password: str, user: User | None = ANN) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as refused:
        return {str(e.code) for e in refused.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Passw0rd!", "password_breached"),
        ("P@ssword1", "password_breached"),
        ("iloveyou99", "password_breached"),
        ("Dec2026!", "password_guessable"),
        ("Monday2026", "password_"),
        ("Letmein2026!", "password_"),
    ],
)
def test_breached_and_guessable_passwords_are_refused(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        BreachedPasswordValidator().validate(password, ANN)
    # (Monday2026: "monday" is itself a breached password; either reason refuses it.)
    assert str(refused.value.error_list[0].code).startswith(code)
    assert any(c.startswith(code) for c in _codes(password))  # it runs in the settings' list


@pytest.mark.parametrize("password", ["annrivers", "ann.rivers", "Rivers-2026!x", "AnnRivers99"])
def test_the_address_and_its_parts_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        EmailPartsValidator().validate(password, ANN)
    assert refused.value.error_list[0].code == "password_email_part"


@pytest.mark.parametrize(
    "password", ["correct-horse-battery-9", "a-long-pass-phrase-7", "summertime sadness 7"]
)
def test_good_passwords_pass_every_validator(password: str) -> None:
    assert _codes(password) == set()


def test_the_check_needs_no_network_and_is_quick() -> None:
    import time

    started = time.perf_counter()
    with pytest.raises(ValidationError):  # judged on its first 72 characters: a run
        BreachedPasswordValidator().validate("123456" * 20_000)
    assert time.perf_counter() - started < 2.0


@pytest.mark.django_db
def test_sign_up_refuses_the_local_part_and_says_why_in_spanish() -> None:
    client = Client()
    client.cookies["django_language"] = "es"
    client.post("/accounts/signup/", {"email": "marta.gomez@example.com"})
    link = re.search(r"http://testserver(/\S+)", str(mail.outbox[0].body))
    assert link
    for password, said in [
        ("marta.gomez", "contiene su dirección de correo"),
        ("Passw0rd!", "filtraciones de datos"),
        ("Dec2026!", "demasiado fácil de adivinar"),
    ]:
        answer = client.post(link.group(1), {"password1": password, "password2": password})
        assert said in answer.content.decode(), password
    assert not User.objects.filter(email="marta.gomez@example.com").exists()
