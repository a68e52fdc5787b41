"""The second-factor page: enrol an authenticator (secret, QR code, first code, then ten
recovery codes shown once), or, with one enrolled, ask for a code. Staff only."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from . import second_factor
from .views import landing_page


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else landing_page(request.user)


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not second_factor.needs_second_factor(user):
        raise Http404
    target = _next(request)
    if user.is_verified():
        return redirect(target)
    if second_factor.has_authenticator(user):
        return _verify(request, user, target)
    if request.session.get(second_factor.ENROL_SESSION_KEY) == user.pk:
        return _enrol(request, user, target)
    return _needs_link(request, user, target)


# One emailed link per account session per this many seconds (the button cannot flood her
# inbox).
LINK_EMAIL_SECONDS = 60
_LINK_SENT_AT = "upperback_enrol_link_sent_at"


def _needs_link(
    request: HttpRequest, user: Any, target: str, *, problem: bool = False
) -> HttpResponse:
    """No authenticator and no link opened: the password alone enrols nothing."""
    sent = False
    if request.method == "POST" and request.POST.get("send") == "1":
        now = timezone.now().timestamp()
        if now - float(request.session.get(_LINK_SENT_AT, 0)) >= LINK_EMAIL_SECONDS:
            second_factor.send_enrolment_link(user=user, absolute=request.build_absolute_uri)
            request.session[_LINK_SENT_AT] = now
        sent = True
    context = {"sent": sent, "next": target, "problem": problem}
    return render(request, "registration/two_factor_link.html", context)


@login_required
def enrol_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The emailed or staff-sent link: opened in the account's own logged-in session, it
    lets that session enrol an authenticator (the token leaves the address bar at once)."""
    user: Any = request.user
    if not second_factor.needs_second_factor(user):
        raise Http404
    if second_factor.has_authenticator(user):
        return redirect("two_factor")  # enrolled already: the link is spent
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        pk = None
    valid = pk == user.pk and second_factor.enrolment_tokens.check_token(user, token)
    if not valid:
        return _needs_link(request, user, landing_page(user), problem=True)
    request.session[second_factor.ENROL_SESSION_KEY] = user.pk
    return redirect("two_factor")


def _verify(request: HttpRequest, user: Any, target: str) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.check_code(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # a key seen before the second step is worth nothing
            return redirect(target)
        form.add_error(
            "code",
            _("That code is not right or was used already. Try the next one."),
        )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": target})


def _enrol(request: HttpRequest, user: Any, target: str) -> HttpResponse:
    device = second_factor.pending_authenticator(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_authenticator(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session.pop(second_factor.ENROL_SESSION_KEY, None)
            request.session.cycle_key()
            done = {"codes": codes, "next": target}
            return render(request, "registration/two_factor_codes.html", done)
        form.add_error(
            "code",
            _("That code is not right. Check your phone's clock; type the newest code."),
        )
    context: dict[str, Any] = {
        "form": form,
        "next": target,
        "secret": second_factor.secret_of(device),
        "qr": mark_safe(_qr_svg(device.config_url)),  # our own SVG, from our own URL
    }
    return render(request, "registration/two_factor_enrol.html", context)
