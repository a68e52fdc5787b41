"""Upload, status and results pages; files served only through the access door."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import get_args

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from upperback.clinical import StepId
from upperback.vision import VisionError
from upperback.web.headers import COACHING_PAGE_POLICY, FACE_FRAME_POLICY
from upperback.web.ratelimit import rate_limited
from upperback.web.records.access import access_assessment, access_patient

from . import actions, analysis_texts, live, live_page, storage, upload_limit
from .access import access_upload, access_uploads, may_place_points
from .forms import PointsForm, UploadForm
from .models import MediaUpload
from .vision_messages import vision_message

SERVED_INLINE = {"image/jpeg", "image/png", "video/mp4"}


def _plan_step(raw: str) -> str:
    """The plan step the upload link names, if it is one (the link is the patient's to edit)."""
    return raw if raw in get_args(StepId) else ""


@login_required
@rate_limited("uploads", methods=("POST",))
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
                plan_step=_plan_step(request.GET.get("plan_step", "")),
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
        # Reopened, the page shows the points saved last (the script draws their markers).
        "saved_points": _saved_points(record),
    }
    return render(request, "media/detail.html", context)


def _saved_points(record: MediaUpload) -> dict[str, str]:
    """tragus_x ... c7_y of the saved points, as the hidden fields' values ("" when none)."""
    points = record.points or {}
    return {
        f"{name}_{axis}": f"{points[name][index]:.1f}" if name in points else ""
        for name in ("tragus", "c7")
        for index, axis in enumerate("xy")
    }


@login_required
def serve_file(request: HttpRequest, upload_id: int, name: str) -> FileResponse:
    record = access_upload(request.user, upload_id, purpose="media.file")
    # A picture with words on it, in the reader's language when there is a copy in it.
    language = (get_language() or "en").split("-")[0]
    name = name if "." not in name else ""
    localised = record.pictures.get(f"{name}.{language}")
    stored = record.stored_name if name == "original" else localised or record.pictures.get(name)
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
        try:
            actions.place_points(
                upload=record,
                tragus=(data["tragus_x"], data["tragus_y"]),
                c7=(data["c7_x"], data["c7_y"]),
            )
        except VisionError as error:  # points no neck can have: nothing saved, say which
            messages.error(request, vision_message(error.code, error.params))
        else:
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
