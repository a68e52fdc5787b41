"""The clinician's pages: day and week calendar, attendance, cancellation by the clinic, the
private iCalendar feed."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from upperback.web.records.access import access_episodes
from upperback.web.records.presenting import localized, triage_title

from . import actions
from .access import (
    access_appointment,
    access_calendar,
    calendar_clinicians,
    keeps_calendar,
    staff_clinician,
)
from .forms import FIRST_DAY, LAST_DAY, AttendanceForm, ClinicCancelForm
from .ics import calendar
from .models import Appointment, Clinician, Location

FEED_PAST = dt.timedelta(days=30)


def _zone() -> Any:
    clinic = Location.objects.order_by("pk").first()
    return clinic.zone if clinic else timezone.get_current_timezone()


class _OutOfRange(Exception):
    pass


def _day(raw: str | None, zone: Any) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.now().astimezone(zone).date()
    except ValueError:
        raise Http404("Not a date: use YYYY-MM-DD.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _OutOfRange
    return day


def why_they_came(appointment: Appointment) -> str:
    """Why the patient came: the current triage and its consult reason, if from an assessment."""
    record = appointment.assessment
    if record is None:
        return appointment.note
    consult = localized(record).consult  # as the current triage has it, in the reader's words
    return f"{record.get_current_triage_display()}: {consult.because}"


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """One clinician's day or week, or the whole clinic's (every active clinician, by time)."""
    chosen = calendar_clinicians(request.user, request.GET.get("clinician"))
    clinic_wide = chosen is None
    clinicians = list(Clinician.objects.filter(is_active=True)) if chosen is None else chosen
    zone = _zone()
    week = request.GET.get("view") == "week"
    try:
        first = _day(request.GET.get("date"), zone)
    except _OutOfRange:
        return HttpResponseBadRequest(
            f"date: must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}",
            content_type="text/plain; charset=utf-8",
        )
    if week:
        first -= dt.timedelta(days=first.weekday())
    days = [first + dt.timedelta(days=n) for n in range(7 if week else 1)]
    start = dt.datetime.combine(days[0], dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    appointments = sorted(
        (
            a
            for clinician in clinicians
            for a in access_calendar(
                request.user,
                clinician,
                purpose="clinic.calendar",
                starts_before=end,
                ends_after=start,
            )
        ),
        key=lambda a: (a.starts_at, a.clinician.name),
    )
    # Each booking's triage is its patient's care now (the episode's state), all read at once.
    care = access_episodes(
        request.user, {a.patient_id for a in appointments}, purpose="clinic.calendar"
    )
    by_day = [
        {
            "day": d,
            "items": [
                {
                    "appointment": a,
                    "local": a.starts_at.astimezone(zone),
                    "why": why_they_came(a),
                    "triage": care[a.patient_id].triage,
                    "triage_title": triage_title(care[a.patient_id].triage or "self_care"),
                    "needs_review": care[a.patient_id].needs_review,
                    # Seeing is for all staff; marking or cancelling for its clinician or admin.
                    "may_act": keeps_calendar(request.user, a),
                }
                for a in appointments
                if a.starts_at.astimezone(zone).date() == d
            ],
        }
        for d in days
    ]
    step = dt.timedelta(days=7 if week else 1)
    return render(
        request,
        "clinic/calendar.html",
        {
            "clinician": None if clinic_wide else clinicians[0],
            "clinic_wide": clinic_wide,
            "which": "all" if clinic_wide else clinicians[0].pk,
            "by_day": by_day,
            "week": week,
            "first": first,
            "previous": first - step,
            "next": first + step,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def mark_attendance(request: HttpRequest, appointment_id: int) -> HttpResponse:
    found = access_appointment(
        request.user, appointment_id, purpose="clinic.attendance", calendar_only=True
    )
    clinician = staff_clinician(request.user, found.clinician_id)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose completed or no-show."))
    else:
        try:
            actions.mark_attendance(appointment=found, status=form.cleaned_data["status"])
            messages.success(request, _("Attendance recorded."))
        except actions.BookingError as refused:
            messages.error(request, str(refused))
    local_day = found.starts_at.astimezone(found.location.zone).date().isoformat()
    return redirect(f"{reverse('clinic:calendar')}?date={local_day}&clinician={clinician.pk}")


@login_required
@require_POST
def cancel_appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The clinician whose calendar holds it cancels, at any time, with a required reason."""
    found = access_appointment(
        request.user, appointment_id, purpose="clinic.clinic_cancel", calendar_only=True
    )
    clinician = staff_clinician(request.user, found.clinician_id)
    form = ClinicCancelForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "clinic/clinic_cancel_errors.html",
            {"form": form, "appointment": found},
            status=400,
        )
    try:
        actions.cancel(appointment=found, by_clinic=True, reason=form.cleaned_data["reason"])
    except actions.BookingError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The appointment is cancelled; the patient is emailed."))
    local_day = found.starts_at.astimezone(found.location.zone).date().isoformat()
    return redirect(f"{reverse('clinic:calendar')}?date={local_day}&clinician={clinician.pk}")


@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    clinician = staff_clinician(request.user)
    if request.method == "POST":
        clinician = actions.rotate_feed_token(clinician=clinician)
        messages.success(request, _("A new private address is made; the old one stops working."))
        return redirect("clinic:feed_settings")
    url = request.build_absolute_uri(reverse("clinic:feed", args=[clinician.feed_token]))
    return render(request, "clinic/feed_settings.html", {"clinician": clinician, "url": url})


def _clinician_with_token(token: str) -> Clinician:
    """The active clinician whose feed token this is, compared in constant time.

    A database lookup by token would answer faster or slower with how much of a guess was
    right; every active token is compared in full instead (a clinic has a few dozen)."""
    found = None
    offered = token.encode()
    active = Clinician.objects.filter(is_active=True, user__is_active=True).select_related("user")
    for clinician in active:
        if hmac.compare_digest(clinician.feed_token.encode(), offered):
            found = clinician
    if found is None:
        raise Http404("No such feed.")
    return found


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The clinician's own calendar program fetches this without a session: the token is
    the secret, so it is long, random and rotatable."""
    clinician = _clinician_with_token(token)
    # Each patient in the feed is a view of that patient's record by the clinician: audited.
    appointments = access_calendar(
        clinician.user, clinician, purpose="clinic.feed", starts_from=timezone.now() - FEED_PAST
    )

    def link(appointment: Appointment) -> str:
        return request.build_absolute_uri(reverse("clinic:appointment", args=[appointment.pk]))

    body = calendar(
        appointments, name=f"Upperback: {clinician.name}", for_clinician=True, link=link
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
