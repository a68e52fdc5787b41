"""Users log in with their email address; a role decides what they may see."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CLINICIAN = "clinician", _("Clinician")
    ADMIN = "admin", _("Clinic administrator")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.PATIENT)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create(email, password, **fields)


class User(AbstractUser):  # type: ignore[django-manager-missing]
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT)
    preferred_language = models.CharField(max_length=8, default="en")
    # Optional, asked at sign-up: the number the clinic calls back on when the care is urgent,
    # and whether she agreed to be called on it.
    phone = models.CharField(_("phone number"), max_length=32, blank=True)
    phone_call_consent = models.BooleanField(_("agrees to be called"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc, assignment]

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role in (Role.CLINICIAN, Role.ADMIN)

    def __str__(self) -> str:
        return self.email


class LoginThrottle(models.Model):
    """Password checks counted on one key (accounts.throttle: an address and a source, a
    source, an address, an address and a known device; digests only) in the current window,
    and its lock: one row, updated atomically, so every server process shares it and a
    restart keeps it."""

    key = models.CharField(max_length=64, primary_key=True)
    kind = models.CharField(max_length=8, default="pair")
    # The address's digest, so a reset or the admin can clear every key of one address.
    address = models.CharField(max_length=64, blank=True, db_index=True)
    failures = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    lockouts = models.PositiveIntegerField(default=0, help_text="locks so far: each is longer")

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:12]}… {self.failures}"


def recovery_digest(code: str) -> str:
    """A recovery code as stored: an HMAC under the server's key of the code as typed
    (spaces, dashes and case ignored). Someone who copies the table learns no code, and
    cannot try codes against it without the key either."""
    from django.utils.crypto import salted_hmac

    plain = "".join(ch for ch in code.lower() if ch.isalnum())
    return salted_hmac("upperback.accounts.recovery-code", plain, algorithm="sha256").hexdigest()


class RecoveryCodes(Device):  # type: ignore[misc]  # (django-otp has no types)
    """One-time recovery codes, stored hashed (django-otp's static tokens are plain text):
    a code is shown once when made, then only its digest is kept; using it deletes it."""

    def verify_token(self, token: Any) -> bool:
        deleted, _ = RecoveryCode.objects.filter(
            device=self, digest=recovery_digest(str(token))
        ).delete()
        return bool(deleted)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return "recovery code"  # never the digest


class RateCounter(models.Model):
    """Requests to one costly endpoint in the current window, for one account or one source
    (upperback.web.ratelimit; the key is a digest): one row, updated atomically, shared by
    every server process."""

    key = models.CharField(max_length=64, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count}"
