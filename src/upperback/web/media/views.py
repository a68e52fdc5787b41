"""Upload, status and results pages; files served only through the access door."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from upperback.web.headers import COACHING_PAGE_POLICY, FACE_FRAME_POLICY
from upperback.web.records.access import access_assessment, access_patient

from . import actions, analysis_texts, live, live_page, storage, upload_limit
from .access import access_upload, access_uploads, may_place_points
from .forms import PointsForm, UploadForm

SERVED_INLINE = {"image/jpeg", "image/png", "video/mp4"}


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    # Only patients upload, their own photos and videos.
    patient = access_patient(
        request.user, request.user.pk, purpose="media.upload", herself_only=True
    )
    assessment_id = request.GET.get("assessment") or request.POST.get("assessment")
    assessment = (
        access_assessment(request.user, assessment_id, purpose="media.upload")
        if assessment_id
        else None
    )
    form = UploadForm(request.POST or None, request.FILES or None)
    if upload_limit.was_too_large(request):  # the handler skipped the file: say why
        form.fields["file"].error_messages["required"] = upload_limit.too_large_message()
    if request.method == "POST" and form.is_valid():
        try:
            record = actions.save_upload(
                patient=patient,
                uploaded=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                view=form.cleaned_data["view"],
                exercise_id=form.cleaned_data["exercise"] or "",
                assessment=assessment,
                plan_step=request.GET.get("plan_step", "")[:40],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("media:detail", upload_id=record.pk)
    return render(request, "media/upload.html", {"form": form, "assessment": assessment})


@login_required
def detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    record = access_upload(request.user, upload_id, purpose="media.view")
    context = {
        "upload": record,
        "measures": analysis_texts.measure_rows(record.result),
        "repetitions": record.result.get("per_repetition", []),
        "faults": analysis_texts.fault_rows(record.result),
        "warnings": analysis_texts.warnings(record.result),
        "can_place_points": may_place_points(request.user, record),
        "points_form": PointsForm(),
    }
    return render(request, "media/detail.html", context)


@login_required
def serve_file(request: HttpRequest, upload_id: int, name: str) -> FileResponse:
    record = access_upload(request.user, upload_id, purpose="media.file")
    stored = record.stored_name if name == "original" else record.pictures.get(name)
    if not stored:
        raise Http404("No such file.")
    suffix = PurePosixPath(stored).suffix
    # Only the types the checks let in are served as themselves, and shown inline; anything
    # else is a download the browser must not interpret (nosniff keeps it from guessing).
    content_type = mimetypes.guess_type(f"file{suffix}")[0] or ""
    inline = content_type in SERVED_INLINE
    response = FileResponse(
        storage.open_stored(stored),
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=f"upload-{record.pk}-{name}{suffix}",  # our words, never the uploader's
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def place_points(request: HttpRequest, upload_id: int) -> HttpResponse:
    record = access_upload(request.user, upload_id, purpose="media.points", to_place_points=True)
    form = PointsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions.place_points(
            upload=record,
            tragus=(data["tragus_x"], data["tragus_y"]),
            c7=(data["c7_x"], data["c7_y"]),
        )
        messages.success(request, _("Points saved: the craniovertebral angle is measured."))
    else:
        messages.error(request, _("Place the tragus and C7 on the photo first."))
    return redirect("media:detail", upload_id=record.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    uploads = access_uploads(request.user, request.user.pk, purpose="media.list")
    sessions = live.sessions_of(request.user, request.user.pk)
    context = {"uploads": uploads, "patient": request.user, "live_sessions": sessions}
    return render(request, "media/list.html", context)


@login_required
def patient_uploads(request: HttpRequest, patient_id: int) -> HttpResponse:
    uploads = access_uploads(request.user, patient_id, purpose="media.list")
    patient = access_patient(request.user, patient_id, purpose="media.list")
    sessions = live.sessions_of(request.user, patient_id)
    context = {"uploads": uploads, "patient": patient, "live_sessions": sessions}
    return render(request, "media/list.html", context)


@login_required
def live_coach(request: HttpRequest, exercise_id: str) -> HttpResponse:
    """Live coaching: the pose runs in the browser; only numbers reach the server."""
    patient = access_patient(request.user, request.user.pk, purpose="media.live", herself_only=True)
    assessment_id = request.GET.get("assessment")
    context = live_page.page_context(request.user, exercise_id, assessment_id)
    context["patient"] = patient
    response = render(request, "media/live.html", context)
    response.headers["Content-Security-Policy"] = COACHING_PAGE_POLICY
    return response


@login_required
@xframe_options_sameorigin
def live_faces(request: HttpRequest) -> HttpResponse:
    """The coaching page's face detector, framed by it (no patient data: it counts faces)."""
    response = render(request, "media/live_faces.html", live_page.face_frame_context())
    response.headers["Content-Security-Policy"] = FACE_FRAME_POLICY
    return response
