"""Login (throttled) and sign-up for patients (clinicians are made by the clinic's admin)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import devices, throttle
from .models import User

THROTTLED = _(
    "Too many wrong passwords for this address from here. Try again later, log in from a"
    " device you used before, or reset your password."
)


class EmailLoginForm(AuthenticationForm):
    """Django's login form, its username shown as an email field: phones offer the email
    keyboard and password managers still recognise the login (autocomplete="username")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.widget = forms.EmailInput(attrs={**field.widget.attrs, "autocomplete": "username"})


class ThrottleMixin:
    """Wrong passwords are counted per address and source, per source, per address, or
    (from a browser the address logged in on before) per address and device, and each lock
    grows longer (accounts.throttle): a stranger's guesses never lock the owner out of her
    own browser, nor out of another place. Any address is counted, known or not, so the
    refusal says nothing about whether an account exists. The counts are in the database:
    atomic, shared by all processes, kept on restart."""

    cleaned_data: dict[str, Any]
    request: Any

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "").strip().lower()
        source = throttle.client_source(self.request)
        device = devices.known_device(self.request, email)
        if email and not throttle.reserve_attempt(email, source=source, device=device):
            raise forms.ValidationError(THROTTLED, code="throttled")
        try:
            data: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if email:
                throttle.record_failure(
                    email, source=source, device=device
                )  # (its attempt stays counted)
            raise
        if email:
            throttle.clear_attempts(email, source=source, device=device)
        return data


class ThrottledLoginForm(ThrottleMixin, EmailLoginForm):
    """The app's login form."""


class ThrottledAdminLoginForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's login form, under the same count: locked here is locked there."""


class SignupForm(forms.Form):
    """The first step: where to send the link. Says nothing about existing accounts."""

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )


def phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("Phone number (optional)"),
        help_text=_("For the clinic to call you back when your care is urgent."),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


def consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("The clinic may call me on this number about my care"), required=False
    )


def clean_phone_number(value: Any) -> str:
    """Digits with the usual separators, 7 to 15 digits (E.164's longest); blank is fine."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"[\s().-]", "", raw)
    if not re.fullmatch(r"\+?\d{7,15}", digits):
        raise forms.ValidationError(
            _("Enter a phone number of 7 to 15 digits (spaces, dashes and + are fine).")
        )
    return raw


def _consent_needs_a_number(form: forms.Form, data: dict[str, Any]) -> None:
    if data.get("phone_call_consent") and not data.get("phone") and "phone" not in form.errors:
        form.add_error("phone", _("Give the number the clinic may call, or untick the box."))


class ChoosePasswordForm(forms.Form):
    """The second step, from the emailed link: the password, checked by every validator
    (its likeness to the address and name too)."""

    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    phone = phone_field()
    phone_call_consent = consent_field()

    def __init__(self, *args: Any, email: str, first_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidate = User(email=email, first_name=first_name)

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        _consent_needs_a_number(self, data)
        return data


class PhoneForm(forms.Form):
    """The phone number and the consent to be called, changed after sign-up."""

    phone = phone_field()
    phone_call_consent = consent_field()

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _consent_needs_a_number(self, data)
        return data
