"""Sign-up for patients (clinicians are created by the clinic's admin)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .models import User

LOGIN_FAILURES_ALLOWED = 10
LOGIN_LOCK_SECONDS = 15 * 60
THROTTLED = _("Too many wrong passwords for this address. Try again in 15 minutes.")


class EmailLoginForm(AuthenticationForm):
    """Django's login form, its username shown as an email field: phones offer the email
    keyboard and password managers still recognise the login (autocomplete="username")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.widget = forms.EmailInput(attrs={**field.widget.attrs, "autocomplete": "username"})


def _failures_key(email: str) -> str:
    return "login-failures:" + hashlib.sha256(email.encode()).hexdigest()


class ThrottledLoginForm(EmailLoginForm):
    """Ten wrong passwords for one address within 15 minutes stop password checks for that
    address until the window ends: a guesser is slowed to a crawl. Any address is counted,
    known or not, so the refusal says nothing about whether an account exists."""

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "").strip().lower()
        key = _failures_key(email)
        if email and cache.get(key, 0) >= LOGIN_FAILURES_ALLOWED:
            raise forms.ValidationError(THROTTLED, code="throttled")
        try:
            data = super().clean()
        except forms.ValidationError:
            if email and not cache.add(key, 1, LOGIN_LOCK_SECONDS):
                cache.incr(key)
            raise
        cache.delete(key)
        return data


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = User(email=data.get("email", ""), first_name=data.get("first_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
