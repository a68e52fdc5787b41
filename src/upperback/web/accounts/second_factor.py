"""The second factor (TOTP, with one-time recovery codes) that clinic staff must pass.

Clinicians, clinic administrators and anyone with `is_staff` need it: after the password, a
session is *verified* only once a code from their authenticator app (or a recovery code) is
accepted. Until then `SecondFactorMiddleware` lets such a session reach only the pages that
show no patient data (login, logout, language, password reset, the second-factor page
itself); every other page redirects there, and the API answers 403.

django-otp keeps the devices: a TOTP code is refused a second time (it remembers the last
time step used), a recovery code is deleted when used, and both slow down repeated wrong
codes (their own throttling, in the database).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
# Pages an unverified staff session may open: none shows patient data.
OPEN_VIEWS = frozenset(
    {
        "two_factor",
        "login",
        "logout",
        "switch_language",
        "set_language",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


def needs_second_factor(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_staff or user.is_superuser or getattr(user, "is_clinician", False))
    )


def has_authenticator(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@transaction.atomic
def pending_authenticator(*, user: Any) -> TOTPDevice:
    """The not yet confirmed authenticator being enrolled (the same secret on every reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed: base32."""
    return base64.b32encode(device.bin_key).decode()


@transaction.atomic
def confirm_authenticator(*, device: TOTPDevice, code: str) -> list[str] | None:
    """The first right code confirms the device; returns new recovery codes (shown once)."""
    if not device.verify_token(code.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user=device.user)


@transaction.atomic
def new_recovery_codes(*, user: Any) -> list[str]:
    """Ten one-time codes; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def check_code(*, user: Any, code: str) -> Any:
    """The device that accepts the code (and so cannot accept it again), or None."""
    cleaned = "".join(code.split()).lower()
    # Six digits: the app's code; anything else: a recovery code (eight characters).
    kind: Any = TOTPDevice if cleaned.isdigit() and len(cleaned) == 6 else StaticDevice
    # Locked rows: two requests with one code cannot both pass (the first one uses it).
    for device in kind.objects.select_for_update().filter(user=user, confirmed=True):
        if device.verify_token(cleaned):
            return device
    return None


class SecondFactorMiddleware:
    """Staff sessions reach nothing but OPEN_VIEWS until their second factor is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not needs_second_factor(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Second factor required."}, status=403)
        return redirect_to_login(request.get_full_path(), reverse("two_factor"), "next")
