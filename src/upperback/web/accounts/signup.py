"""Sign-up that reveals nothing about who has an account.

The visitor gives an email address (and a first name) and always gets the same answer: "check
your email". The address gets one email either way: for a new address, a signed link (valid
three days) to choose a password, which creates the account; for an address with an account,
a note that someone tried to sign up with it, with links to log in or reset the password.
Nothing is stored before the link is opened, so nobody can hold an address they do not read.

The link's token is encrypted and authenticated (Fernet: AES-128-CBC with HMAC-SHA256 and a
timestamp), with a key derived from SECRET_KEY: it carries the address without showing it
(a signed token is readable base64, and a link travels through logs and mail relays).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import User

SALT = "upperback.accounts.signup"
LINK_DAYS = 3


def start_signup(
    *, email: str, first_name: str, language: str, absolute: Callable[[str], str]
) -> None:
    """Mail the address: the link to finish (a new address) or a warning (an existing one).
    `absolute(path)` makes a full address of a path (request.build_absolute_uri)."""
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _mail_existing(existing, absolute)
        return
    token = seal({"email": email, "first_name": first_name, "language": language})
    with translation.override(language):
        body = " ".join(
            [
                _("Welcome to Upperback."),
                _("To finish creating your account, open this link and choose a password."),
                _("The link works for %(days)s days.") % {"days": LINK_DAYS},
            ]
        )
        send_mail(
            _("Finish creating your Upperback account"),
            f"{body}\n\n{absolute(reverse('signup_confirm', args=[token]))}\n\n"
            + _("If you did not ask for an account, ignore this email: nothing was created."),
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )


def _mail_existing(user: User, absolute: Callable[[str], str]) -> None:
    with translation.override(user.preferred_language or "en"):
        body = " ".join(
            [
                _("Someone (perhaps you) tried to create an Upperback account with this address."),
                _("It already has an account, and nothing was changed."),
            ]
        )
        send_mail(
            _("Someone tried to sign up with your address"),
            f"{body}\n\n"
            + _("To use your account, log in:")
            + f" {absolute(reverse('login'))}\n"
            + _("Forgot your password? Choose a new one:")
            + f" {absolute(reverse('password_reset'))}\n",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


def has_account(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def _fernet() -> MultiFernet:
    """One key per secret (the current one first, then SECRET_KEY_FALLBACKS), each derived
    for this use only, so a rotated secret still opens the links mailed before."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(SALT, "link", secret=key, algorithm="sha256").digest()
                )
            )
            for key in secrets
        ]
    )


def seal(data: dict[str, Any]) -> str:
    """An opaque token for the link: nothing in it can be read without the server's key."""
    return _fernet().encrypt(json.dumps(data).encode()).decode()


def read_signup(token: str) -> dict[str, Any] | None:
    """The sign-up a link carries, or None if it was changed, forged or is too old."""
    try:
        plain = _fernet().decrypt_at_time(
            token.encode(), ttl=LINK_DAYS * 24 * 60 * 60, current_time=int(time.time())
        )
        data = json.loads(plain)
    except (InvalidToken, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("email") else None
