"""Messages pages: the patient's threads and compose box, a thread, the clinic's inbox and
waiting list, the patient's email preferences, the one-click unsubscribe.

Thin views: reads through messaging.access (the audited door), writes through actions.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from upperback.web.accounts.users import signed_in_user
from upperback.web.media import storage, upload_limit
from upperback.web.records.access import access_patient
from upperback.web.records.intake_fields import STEP_NAMES

from . import actions, policy
from .access import (
    access_inbox,
    access_message,
    access_own_threads,
    access_preferences,
    access_thread,
    clinicians,
    is_verified_staff,
    thread_messages,
)
from .forms import AssignForm, ComposeForm, PreferencesForm, ReplyForm, StaffReplyForm

SERVED_INLINE = {"image/jpeg", "image/png"}


def _form_with(form: Any, request: HttpRequest) -> Any:
    if upload_limit.was_too_large(request):  # the size handler skipped the photo: say why
        form.fields["photo"].error_messages["invalid"] = upload_limit.too_large_message()
        form.add_error("photo", upload_limit.too_large_message())
    return form


def _safety_context() -> dict[str, Any]:
    """The standing line's "check the warning signs" button: a new intake, which starts at
    its warning-sign step (the structured screen, never a reading of the message)."""
    return {"warning_step": STEP_NAMES[0]}


@login_required
def my_threads(request: HttpRequest) -> HttpResponse:
    if is_verified_staff(request.user):
        return redirect("messaging:inbox")
    threads = access_own_threads(request.user, purpose="messages.list")
    return render(request, "messaging/my_threads.html", {"threads": threads})


@login_required
def new_thread(request: HttpRequest) -> HttpResponse:
    patient = access_patient(
        request.user, request.user.pk, purpose="messages.compose", herself_only=True
    )
    form = _form_with(ComposeForm(request.POST or None, request.FILES or None), request)
    if request.method == "POST" and form.is_valid():
        try:
            thread = actions.start_thread(
                patient=patient,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                photo=form.cleaned_data["photo"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("Your message is sent. The care team will answer here."))
            return redirect("messaging:thread", thread_id=thread.pk)
    return render(request, "messaging/new.html", {"form": form, **_safety_context()})


@login_required
def thread_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    purpose = "messages.write" if request.method == "POST" else "messages.read"
    thread = access_thread(request.user, thread_id, purpose=purpose)
    staff = is_verified_staff(request.user)
    form_class = StaffReplyForm if staff else ReplyForm
    form = _form_with(form_class(request.POST or None, request.FILES or None), request)
    if request.method == "POST" and form.is_valid():
        try:
            actions.post_message(
                thread=thread,
                author=signed_in_user(request),
                body=form.cleaned_data["body"],
                photo=form.cleaned_data["photo"],
                safety=bool(form.cleaned_data.get("safety")),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("Your message is sent."))
            return redirect("messaging:thread", thread_id=thread.pk)
    context = {
        "thread": thread,
        "thread_messages": thread_messages(thread),
        "form": form,
        "staff": staff,
        "due": policy.answer_due(thread.waiting_since) if thread.waiting_since else None,
        **_safety_context(),
    }
    if staff:
        initial = {"clinician": thread.assigned_to_id}
        context["assign_form"] = AssignForm(initial=initial, clinicians=clinicians())
    return render(request, "messaging/thread.html", context)


@login_required
@require_POST
def assign(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id, purpose="messages.assign", staff_only=True)
    form = AssignForm(request.POST, clinicians=clinicians())
    if form.is_valid():
        chosen = form.cleaned_data["clinician"]
        person = next((c for c in clinicians() if c.pk == chosen), None)
        actions.assign_thread(thread=thread, clinician=person)
        flash.success(request, _("The thread's assignment is saved."))
    else:
        flash.error(request, _("Choose one of the clinic's clinicians."))
    return redirect("messaging:thread", thread_id=thread.pk)


@login_required
def photo(request: HttpRequest, message_id: int) -> FileResponse:
    message = access_message(request.user, message_id, purpose="messages.photo")
    if not message.photo_name:
        raise Http404("No photo.")
    suffix = PurePosixPath(message.photo_name).suffix
    content_type = mimetypes.guess_type(f"photo{suffix}")[0] or ""
    inline = content_type in SERVED_INLINE
    response = FileResponse(
        storage.open_stored(message.photo_name),  # the local folder or the object store
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=f"message-{message.pk}{suffix}",  # our words, never the uploader's
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = "answered" if request.GET.get("show") == "answered" else "waiting"
    page = _page_number(request.GET.get("page"))
    found = access_inbox(request.user, purpose="messages.inbox", page=page, show=show)
    context = {"inbox": found, "show": show, **_target_context()}
    return render(request, "messaging/inbox.html", context)


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    """The front desk's view: who is waiting and for how long, no subject, no message."""
    page = _page_number(request.GET.get("page"))
    found = access_inbox(request.user, purpose="messages.waiting", page=page)
    return render(request, "messaging/waiting.html", {"inbox": found, **_target_context()})


def _target_context() -> dict[str, Any]:
    from django.conf import settings

    return {"target_days": settings.MESSAGING_ANSWER_TARGET_WORKING_DAYS}


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    prefs = access_preferences(request.user, purpose="messages.preferences")
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_of(prefs))
    if request.method == "POST" and form.is_valid():
        actions.save_preferences(patient=signed_in_user(request), **form.cleaned_data)
        flash.success(request, _("Your email choices are saved."))
        return redirect("messaging:preferences")
    return render(request, "messaging/preferences.html", {"form": form, "prefs": prefs})


@csrf_exempt  # RFC 8058: the mail client POSTs without a session; the signed token is the key
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links: a GET never unsubscribes); POST, from
    the button or the mail client's one-click, stops the non-essential emails."""
    patient_id = policy.patient_id_of(token)
    if patient_id is None:
        raise Http404("No such link.")
    if request.method == "POST":
        if not actions.unsubscribe(patient_id=patient_id):
            raise Http404("No such link.")
        return render(request, "messaging/unsubscribed.html")
    return render(request, "messaging/unsubscribe.html")
