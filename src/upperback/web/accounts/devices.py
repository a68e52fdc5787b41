"""Known devices: a browser where an address logged in before carries a signed cookie saying
so, and from it the login throttle counts only that address and that device
(accounts.throttle). A stranger's wrong passwords from elsewhere never stop the right one
from the owner's own browser.

The cookie is signed with the server's key (it cannot be made or altered elsewhere), holds
for each address (a digest of it, never the address) a random device id, up to MAX_ADDRESSES
addresses per browser (a shared clinic computer), and lasts a year. It proves only that this
browser logged in as that address once; the password is still checked.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .throttle import address_key

COOKIE = "upperback_device"
SALT = "upperback.accounts.known-device"
MAX_ADDRESSES = 5
MAX_AGE = 365 * 24 * 60 * 60
_REMEMBER = "_upperback_remember_device"


def _entries(request: HttpRequest) -> list[list[str]]:
    raw = request.COOKIES.get(COOKIE, "")
    if not raw:
        return []
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(data, list):
        return []
    return [
        e
        for e in data
        if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
    ]


def _short(email: str) -> str:
    return address_key(email)[:32]


def known_device(request: HttpRequest | None, email: str) -> str | None:
    """This browser's device id for the address, if it logged in as it before."""
    if request is None or not email:
        return None
    short = _short(email)
    return next((device for address, device in _entries(request) if address == short), None)


@receiver(user_logged_in)
def _remember_after_login(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is not None and str(getattr(user, "email", None) or ""):
        setattr(request, _REMEMBER, str(user.email))


class KnownDeviceMiddleware:
    """Sets (or renews) the cookie on the answer to a successful login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        email = getattr(request, _REMEMBER, "")
        if email:
            short = _short(email)
            entries = [e for e in _entries(request) if e[0] != short]
            device = known_device(request, email) or secrets.token_urlsafe(16)
            entries = [[short, device], *entries][:MAX_ADDRESSES]
            response.set_cookie(
                COOKIE,
                signing.dumps(entries, salt=SALT),
                max_age=MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
