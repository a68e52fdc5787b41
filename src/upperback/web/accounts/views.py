"""Sign-up and the home page; login, logout and password reset are Django's own views."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import get_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from upperback.web.records import actions
from upperback.web.records.access import is_clinic_staff

from . import signup as signup_mail
from . import throttle
from .forms import ChoosePasswordForm, PhoneForm, SignupForm, ThrottledLoginForm


def landing_page(user: Any) -> str:
    """Where a login lands when it was not sent elsewhere: the clinic's staff on the queue,
    a patient on her home page."""
    if is_clinic_staff(user):
        return resolve_url("records:queue")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def signup(request: HttpRequest) -> HttpResponse:
    """The same answer for every address (see accounts.signup): a new one gets a link."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup_mail.start_signup(
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            language=get_language() or "en",
            absolute=request.build_absolute_uri,
        )
        return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def phone(request: HttpRequest) -> HttpResponse:
    """Her phone number and whether the clinic may call it, changed after sign-up (the
    clinician's review page and, for urgent care, the queue show them)."""
    user: Any = request.user
    initial = {"phone": user.phone, "phone_call_consent": user.phone_call_consent}
    form = PhoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.set_phone(
            user=user,
            phone=form.cleaned_data["phone"],
            may_call=form.cleaned_data["phone_call_consent"],
        )
        return redirect(f"{resolve_url('phone')}?saved=1")
    saved = request.method == "GET" and request.GET.get("saved") == "1"
    return render(request, "registration/phone.html", {"form": form, "saved": saved})


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_sent.html")


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: choose a password, and the account exists (logged in)."""
    if request.user.is_authenticated:
        return redirect("home")
    data = signup_mail.read_signup(token)
    if data is None:
        return render(request, "registration/signup_confirm.html", {"problem": "link"})
    if signup_mail.has_account(data["email"]):
        return render(request, "registration/signup_confirm.html", {"problem": "exists"})
    first_name = str(data.get("first_name") or "")
    form = ChoosePasswordForm(request.POST or None, email=data["email"], first_name=first_name)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.create_patient(
                email=data["email"],
                password=form.cleaned_data["password1"],
                first_name=first_name,
                language=str(data.get("language") or "en"),
                phone=form.cleaned_data["phone"],
                phone_call_consent=form.cleaned_data["phone_call_consent"],
            )
        except IntegrityError:  # the link opened twice at once: the first one made it
            return render(request, "registration/signup_confirm.html", {"problem": "exists"})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("records:intake")
    context = {"form": form, "email": data["email"]}
    return render(request, "registration/signup_confirm.html", context)


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the account for emails sent later."""
    return setlang(request)


def setlang(request: HttpRequest) -> HttpResponse:
    """Django's /i18n/setlang/ (a GET changes nothing), the choice stored on the account: it
    decides every page of a logged-in person (accounts.language)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    known = {code for code, _name in settings.LANGUAGES}
    if request.method == "POST" and request.user.is_authenticated and language in known:
        actions.set_language(user=request.user, language=language)
    return response


class LoginInPreferredLanguage(LoginView):
    """After login, pages speak the language the patient chose before (a cookie, as the
    language switch sets it)."""

    authentication_form = ThrottledLoginForm  # the email field, and wrong passwords slowed

    def get_success_url(self) -> str:
        return self.get_redirect_url() or landing_page(self.request.user)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().preferred_language
        if language in {code for code, _name in settings.LANGUAGES}:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response


class ResetClearsLocks(PasswordResetConfirmView):
    """Django's reset (the emailed link proves the address is hers): a new password also
    clears every login lock on the address, from any source (audited)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        throttle.unlock_address(user.email, actor_id=user.pk, why="reset")
        return response
