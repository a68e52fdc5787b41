"""The second factor (TOTP, with one-time recovery codes) that clinic staff must pass.

Clinicians, clinic administrators and anyone with `is_staff` need it: after the password, a
session is *verified* only once a code from their authenticator app (or a recovery code) is
accepted. Until then `SecondFactorMiddleware` lets such a session reach only the pages that
show no patient data (login, logout, language, password reset, the second-factor page
itself); every other page redirects there, and the API answers 403.

django-otp keeps the authenticator: a TOTP code is refused a second time (it remembers the
last time step used). Recovery codes are ours (accounts.models.RecoveryCodes): stored hashed,
shown once, deleted when used. Wrong codes are free FREE_WRONG_CODES times (a typo, the code
that changed while typing: the right one a second later works), then each waits twice as
long as the one before.

Enrolment needs a link: an unenrolled staff account's password alone enrols nothing (whoever
first had a new account's password could otherwise register their own phone). The link is
emailed to the account's address (asked for from the second-factor page) or sent by staff
from the admin; it works for that account only, for PASSWORD_RESET_TIMEOUT, and stops
working once an authenticator is enrolled.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import redirect_to_login
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCode, RecoveryCodes

RECOVERY_CODES = 10
# Recovery codes: ten characters with no look-alikes (0/o, 1/l/i), about 49 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
FREE_WRONG_CODES = 3
MAX_CODE_PAUSE_SECONDS = 15 * 60
ENROL_SESSION_KEY = "upperback_second_factor_enrol"
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
# Pages an unverified staff session may open: none shows patient data.
OPEN_VIEWS = frozenset(
    {
        "two_factor",
        "two_factor_enrol_link",
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


def _recovery_code() -> str:
    text = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{text[:5]}-{text[5:]}"


@transaction.atomic
def new_recovery_codes(*, user: Any) -> list[str]:
    """Ten one-time codes, returned once to be shown once; only their digests are kept. Any
    earlier ones stop working (django-otp's plain-text ones too)."""
    StaticDevice.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=_digest(code)) for code in codes
    )
    return codes


def _digest(code: str) -> str:
    from .models import recovery_digest

    return recovery_digest(code)


def code_pause(device: TOTPDevice, now: dt.datetime | None = None) -> float:
    """Seconds left before another code may be tried: none for the first FREE_WRONG_CODES
    wrong ones, then 1, 2, 4 … seconds (up to a quarter of an hour) after the last."""
    count: int = device.throttling_failure_count
    last: dt.datetime | None = device.throttling_failure_timestamp
    if count < FREE_WRONG_CODES or last is None:
        return 0.0
    wait = min(2.0 ** (count - FREE_WRONG_CODES), float(MAX_CODE_PAUSE_SECONDS))
    return max(0.0, wait - ((now or timezone.now()) - last).total_seconds())


@transaction.atomic
def check_code(*, user: Any, code: str) -> Any:
    """The device that accepts the code (and so cannot accept it again), or None."""
    cleaned = "".join(code.split()).lower()
    # Locked rows: two requests with one code cannot both pass (the first one uses it).
    authenticators = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    if any(code_pause(device) > 0 for device in authenticators):
        return None
    # Six digits: the app's code; anything else: a recovery code.
    if cleaned.isdigit() and len(cleaned) == 6:
        for device in authenticators:
            if device.verify_token(cleaned):  # (counts its own failures, resets on success)
                return device
        return None
    for codes in RecoveryCodes.objects.select_for_update().filter(user=user, confirmed=True):
        if codes.verify_token(cleaned):
            return codes
    for device in authenticators:  # a wrong recovery code counts as a wrong code
        device.throttle_increment(commit=True)
    return None


class EnrolmentTokens(PasswordResetTokenGenerator):
    """Like a password-reset link: signed, timed, for one account, and void once an
    authenticator is enrolled (or the password changes)."""

    key_salt = "upperback.accounts.second-factor-enrolment"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{user.password}{timestamp}{user.is_active}{has_authenticator(user)}"


enrolment_tokens = EnrolmentTokens()


def enrolment_path(user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("two_factor_enrol_link", args=[uid, enrolment_tokens.make_token(user)])


def send_enrolment_link(*, user: Any, absolute: Callable[[str], str]) -> None:
    """Email the account its enrolment link (to its own address only)."""
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    with translation.override(user.preferred_language or "en"):
        body = _(
            "To set up the second step of your Upperback login, log in, then open this link"
            " on the same browser. It works for %(days)s days."
        ) % {"days": days}
        send_mail(
            _("Set up your Upperback authenticator"),
            f"{body}\n\n{absolute(enrolment_path(user))}\n\n"
            + _("If you did not expect this email, tell your clinic: nothing was changed."),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


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
