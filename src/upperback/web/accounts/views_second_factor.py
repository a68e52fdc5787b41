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
from django.utils.http import url_has_allowed_host_and_scheme
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
    return _enrol(request, user, target)


def _verify(request: HttpRequest, user: Any, target: str) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.check_code(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
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
