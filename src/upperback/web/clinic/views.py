"""The patient's pages: book from an assessment, search, upcoming and past, cancel,
reschedule, .ics. Thin: the access door reads, the actions write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from upperback.web.accounts.users import signed_in_user
from upperback.web.records.access import access_assessment, is_clinic_staff

from . import actions
from .access import access_appointment, access_own_appointments, keeps_calendar
from .forms import BookForm, ClinicCancelForm, RescheduleForm, SearchForm
from .ics import appointment_ics
from .models import Location, Status
from .offers import DEFAULT_WINDOW_DAYS, Offer, care_offer, offer_for, present, search
from .views_search import render_search
from .views_staff import why_they_came


def _clinic() -> Location | None:
    return Location.objects.order_by("pk").first()


def _render_offer(
    request: HttpRequest, record: Any, offer: Offer, *, error: str = "", status: int = 200
) -> HttpResponse:
    template = "clinic/emergency.html" if offer.situation == "emergency" else "clinic/offer.html"
    context = {
        "record": record,
        "offer": offer,
        "clinic": _clinic(),
        "error": error,
        "can_book": request.user.pk == record.patient_id,
    }
    return render(request, template, context, status=status)


@login_required
def book_for_assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    record = access_assessment(request.user, assessment_id, purpose="clinic.offer")
    return _render_offer(request, record, offer_for(*care_offer(request.user, record)))


@login_required
@require_POST
def book(request: HttpRequest) -> HttpResponse:
    form = BookForm(request.POST)
    if not form.is_valid():
        return render(request, "clinic/form_errors.html", {"form": form}, status=400)
    data = form.cleaned_data
    record = None
    if data["assessment"]:
        record = access_assessment(
            request.user, data["assessment"], purpose="clinic.book", herself_only=True
        )
    try:
        appointment = actions.book(
            patient=signed_in_user(request),
            clinician=data["clinician"],
            location=data["location"],
            appointment_type=data["appointment_type"],
            starts_at=data["starts_at"],
            assessment=record,
        )
    except actions.BookingError as refused:
        return _refused(request, record, data, str(refused))
    messages.success(request, _("Your appointment is booked. A confirmation is on its way."))
    return redirect("clinic:appointment", appointment.pk)


def _refused(request: HttpRequest, record: Any, data: dict[str, Any], reason: str) -> HttpResponse:
    """The loser of a race: say so, and show the times still free."""
    if record is not None:
        offer = offer_for(*care_offer(request.user, record))
        return _render_offer(request, record, offer, error=reason, status=409)
    form = SearchForm({"specialty": data["clinician"].specialty, "days": DEFAULT_WINDOW_DAYS})
    return render_search(request, form, None, error=reason, status=409)


@login_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    appointments = access_own_appointments(request.user, purpose="clinic.appointments")
    now = timezone.now()
    upcoming = [a for a in appointments if a.status == Status.BOOKED and a.ends_at > now]
    past = [a for a in appointments if a not in upcoming]
    past.reverse()
    return render(request, "clinic/my_appointments.html", {"upcoming": upcoming, "past": past})


@login_required
def appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    found = access_appointment(request.user, appointment_id, purpose="clinic.appointment")
    why = why_they_came(found) if is_clinic_staff(request.user) else ""
    clinic_may_cancel = found.status == Status.BOOKED and keeps_calendar(request.user, found)
    return render(
        request,
        "clinic/appointment.html",
        {
            "appointment": found,
            "why": why,
            "clinic_may_cancel": clinic_may_cancel,
            "cancel_form": ClinicCancelForm() if clinic_may_cancel else None,
        },
    )


@login_required
def appointment_ics_download(request: HttpRequest, appointment_id: int) -> HttpResponse:
    found = access_appointment(request.user, appointment_id, purpose="clinic.appointment.ics")
    response = HttpResponse(appointment_ics(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{found.pk}.ics"'
    return response


def _own(request: HttpRequest, appointment_id: int, purpose: str) -> Any:
    return access_appointment(request.user, appointment_id, purpose=purpose, patient_only=True)


@login_required
@require_POST
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    found = _own(request, appointment_id, "clinic.appointment.cancel")
    try:
        actions.cancel(appointment=found)
    except actions.BookingError as refused:
        messages.error(request, str(refused))
        return redirect("clinic:appointment", found.pk)
    messages.success(request, _("Your appointment is cancelled."))
    return redirect("clinic:my_appointments")


@login_required
def reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    found = _own(request, appointment_id, "clinic.appointment.reschedule")
    error, status = "", 200
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                moved = actions.reschedule(
                    appointment=found,
                    clinician=form.cleaned_data["clinician"],
                    starts_at=form.cleaned_data["starts_at"],
                )
            except actions.BookingError as refused:
                error, status = str(refused), 409
            else:
                messages.success(request, _("Your appointment is moved."))
                return redirect("clinic:appointment", moved.pk)
        else:
            error, status = _("Choose one of the times offered."), 400
    # The patient's own clinician first (a move keeps the person who knows her), then others.
    window = dt.timedelta(days=30)
    same = search(
        found.appointment_type, found.clinician.specialty, window, clinician=found.clinician
    )
    others = [
        slot
        for slot in search(found.appointment_type, found.clinician.specialty, window)
        if slot.clinician_id != found.clinician_id
    ]
    slots = same + others
    return render(
        request,
        "clinic/reschedule.html",
        {"appointment": found, "slots": present(slots), "error": error},
        status=status,
    )
