"""Sign-up that reveals nothing about who has an account.

The visitor gives an email address (and a first name) and always gets the same answer: "check
your email". The address gets one email either way: for a new address, a signed link (valid
three days) to choose a password, which creates the account; for an address with an account,
a note that someone tried to sign up with it, with links to log in or reset the password.
Nothing is stored before the link is opened, so nobody can hold an address they do not read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
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
    token = signing.dumps(
        {"email": email, "first_name": first_name, "language": language}, salt=SALT
    )
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


def read_signup(token: str) -> dict[str, Any] | None:
    """The sign-up a link carries, or None if it was changed or is too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 60 * 60)
    except signing.BadSignature:  # (SignatureExpired is one too)
        return None
    return data if isinstance(data, dict) and data.get("email") else None
