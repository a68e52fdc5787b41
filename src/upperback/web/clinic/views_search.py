"""The search page: choose a day (each with its number of free times), then a time with one
of the clinicians free that day, a week at a time.

Opened from an assessment (`?assessment=<id>`), the specialty and window its current triage
and consult recommend are preselected, and the assessment id rides along in every link and
form, to the booking.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from upperback.web.records.access import access_assessment, access_episode, is_clinic_staff

from .chooser import PAGE_DAYS, Window, week
from .forms import SearchForm
from .models import Location
from .offers import DEFAULT_WINDOW_DAYS, Offer, care_offer, first_visit_type, recommendation


def _clinic() -> Location | None:
    return Location.objects.order_by("pk").first()


@login_required
def search_slots(request: HttpRequest) -> HttpResponse:
    record = _opened_from(request)
    if _emergency(request, record):
        context = {"record": record, "offer": Offer("emergency"), "clinic": _clinic()}
        return render(request, "clinic/emergency.html", context)
    return render_search(request, _form(request, record), record)


def _emergency(request: HttpRequest, record: Any) -> bool:
    """The patient's care now is an emergency: no times are offered, only the call-911 page
    (whether or not the search was opened from an assessment)."""
    if record is not None:
        return care_offer(request.user, record)[0] == "emergency"
    if is_clinic_staff(request.user):
        return False
    state = access_episode(request.user, request.user.pk, purpose="clinic.care")
    return state.booking == "call_911"


def _opened_from(request: HttpRequest) -> Any:
    raw = request.GET.get("assessment", "")
    if not raw.isdigit():
        return None
    return access_assessment(request.user, int(raw), purpose="clinic.search")


def _form(request: HttpRequest, record: Any) -> SearchForm:
    """The search as asked; from an assessment with no choice made yet, as it recommends."""
    if record is None or "specialty" in request.GET:
        return SearchForm(request.GET or None)
    # The consultation the CURRENT triage calls for (a clinician's override included).
    specialty, days = recommendation(*care_offer(request.user, record))
    if specialty is None:
        return SearchForm(initial={"assessment": record.pk, "days": days})
    data = request.GET.copy()
    data.update({"specialty": specialty, "days": str(days)})
    return SearchForm(data)


def render_search(
    request: HttpRequest, form: SearchForm, record: Any, *, error: str = "", status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "record": record,
        "clinic": _clinic(),
        "error": error,
        "can_book": record is None or request.user.pk == record.patient_id,
    }
    if form.is_bound and form.is_valid():
        context.update(_results(request, form))
    return render(request, "clinic/search.html", context, status=status)


def _results(request: HttpRequest, form: SearchForm) -> dict[str, Any]:
    data = form.cleaned_data
    visit_type = first_visit_type(data["specialty"])
    if visit_type is None:
        return {"searched": True, "week": None}
    clinic = _clinic()
    zone = clinic.zone if clinic else timezone.get_current_timezone()
    now = timezone.now()
    today = now.astimezone(zone).date()
    window = Window(
        max(data["date_from"] or today, today), data["days"] or DEFAULT_WINDOW_DAYS, zone
    )
    found = week(
        visit_type=visit_type,
        specialty=data["specialty"],
        window=window,
        page=_number(request.GET.get("page")),
        day=_day(request.GET.get("day")),
        now=now,
        clinician=data["clinician"],
        location=data["location"],
    )
    query = QueryDict(mutable=True)
    query.update({name: str(value) for name, value in form.data.items()})
    for day in found.days:
        day.link = _link(query, page=found.page, day=day.date.isoformat())
    return {
        "searched": True,
        "week": found,
        "window": window,
        "appointment_type": visit_type,
        "earlier": _earlier(query, window, found.page, today),
        "later": _later(query, window, found.page, found.has_later_in_window),
    }


def _earlier(query: QueryDict, window: Window, page: int, today: dt.date) -> str:
    """The week before: in this window, or, on the first week of a window that starts after
    today ("Later days" moved it on), the last week of the days before it, never before today."""
    if page > 0:
        return _link(query, page=page - 1)
    if window.first_day <= today:
        return ""
    before = max(today, window.first_day - dt.timedelta(days=window.days))
    last_day = window.first_day - dt.timedelta(days=1)
    return _link(query, date_from=before.isoformat(), page=(last_day - before).days // PAGE_DAYS)


def _later(query: QueryDict, window: Window, page: int, in_window: bool) -> str:
    """The next week of the window; after its last week, the same length of days after it."""
    if in_window:
        return _link(query, page=page + 1)
    after = window.first_day + dt.timedelta(days=window.days)
    return _link(query, date_from=after.isoformat(), page=None)


def _link(query: QueryDict, **changes: Any) -> str:
    changed = query.copy()
    changed.pop("day", None)
    for name, value in changes.items():
        changed.pop(name, None)
        if value is not None:
            changed[name] = str(value)
    return "?" + changed.urlencode()


def _number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0


def _day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None
