"""A patient's progress as charts: the dated series read through the door, the words and the
date labels in the reader's language and time zone, drawn by `upperback.reports` (pure).

Each chart comes with its own table (the text alternative a screen reader or a printout
reads). The same series feed the page (SVG) and the PDF (PNG).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from upperback import reports
from upperback.clinical import important_improvement
from upperback.web.media.access import access_uploads
from upperback.web.media.analysis_texts import MEASURE_NAMES

from .access import access_progress
from .models import AssessmentRecord, ProgressEntry
from .presenting import reader_language


@dataclass(frozen=True)
class Chart:
    """One chart: its id (for the page), title, the figure to draw and its table."""

    id: str
    title: str
    figure: Any
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def svg(self) -> SafeString:
        # matplotlib escapes the texts it writes (an activity's name is the patient's words)
        return mark_safe(reports.as_svg(self.figure, label=self.title))

    def png(self) -> bytes:
        return reports.as_png(self.figure)


def _month_case(text: str) -> str:
    """Spanish writes month names in lower case ("3 nov"); Django's "M" capitalises them."""
    return text.lower() if reader_language() == "es" else text


def date_label(day: dt.date) -> str:
    """A short date in the active language: "3 Nov" / "3 nov"."""
    return _month_case(date_format(day, "j M"))


def long_date(day: dt.date) -> str:
    return _month_case(date_format(day, "j M Y"))


def local_day(moment: dt.datetime) -> dt.date:
    """The day of a stored moment in the reader's time zone (the active one)."""
    return timezone.localdate(moment)


def _intake_psfs(record: AssessmentRecord) -> list[dict[str, Any]]:
    return list(record.intake.get("function", {}).get("psfs", []))


def pain_chart(record: AssessmentRecord | None, entries: list[ProgressEntry]) -> Chart | None:
    points: list[tuple[dt.date, float]] = []
    baseline = None
    if record is not None:
        baseline = record.intake["pain"]["intensity_now"]
        points.append((local_day(record.created_at), baseline))
    start = points[0][0] if points else dt.date.min
    points.extend((e.recorded_on, e.pain_now) for e in entries if e.recorded_on >= start)
    if not points:
        return None
    band = important_improvement(baseline) if baseline is not None else None
    title = _("Pain over time")
    texts = {
        "title": title,
        "y_label": _("Pain (0-10)"),
        "pain": _("Pain"),
        "baseline": _("At the start"),
        "band": _("Clinically important improvement"),
    }
    figure = reports.pain_chart(
        points, baseline=baseline, improved_at_most=band, texts=texts, date_label=date_label
    )
    rows = tuple((long_date(d), f"{v:g}/10") for d, v in points)
    return Chart("chart-pain", title, figure, (_("Date"), _("Pain")), rows)


def psfs_chart(record: AssessmentRecord | None, entries: list[ProgressEntry]) -> Chart | None:
    series: dict[str, list[tuple[dt.date, float]]] = {}
    if record is not None:
        for row in _intake_psfs(record):
            series.setdefault(row["activity"], []).append(
                (local_day(record.created_at), row["score"])
            )
    for entry in entries:
        for row in entry.psfs:
            series.setdefault(row["activity"], []).append((entry.recorded_on, row["score"]))
    if not series:
        return None
    title = _("What you can do (PSFS, 0-10)")
    texts = {"title": title, "y_label": _("Ability (0-10)")}
    figure = reports.lines_chart(series, texts=texts, date_label=date_label, y_range=(0, 10.5))
    rows = tuple(
        (long_date(d), name, f"{v:g}/10") for name, points in series.items() for d, v in points
    )
    return Chart("chart-psfs", title, figure, (_("Date"), _("Activity"), _("Score")), rows)


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def sessions_per_week(days: list[dt.date]) -> list[tuple[dt.date, float]]:
    """Sessions counted per week (Monday), weeks without one shown as 0, oldest first."""
    if not days:
        return []
    counted = Counter(week_of(d) for d in days)
    first, last = min(counted), max(counted)
    weeks = [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return [(w, counted.get(w, 0)) for w in weeks]


def sessions_chart(session_days: list[dt.date], planned_per_week: float | None) -> Chart | None:
    """Exercise sessions per week against the plan. Fed for now by completed exercise camera
    checks (one per session); the check-ins' recorded sessions join `session_days` here."""
    weeks = sessions_per_week(session_days)
    if not weeks:
        return None
    title = _("Exercise sessions per week")
    texts = {
        "title": title,
        "y_label": _("Sessions"),
        "done": _("Done"),
        "planned": _("In your plan"),
    }
    figure = reports.sessions_chart(
        weeks, planned_per_week=planned_per_week, texts=texts, date_label=date_label
    )
    rows = tuple((_("Week of %(day)s") % {"day": long_date(w)}, f"{n:g}") for w, n in weeks)
    return Chart("chart-sessions", title, figure, (_("Week"), _("Sessions")), rows)


def posture_chart(photos: list[Any]) -> Chart | None:
    """Posture angles over time, one line per measure, from analysed photos (oldest first)."""
    series: dict[str, list[tuple[dt.date, float]]] = {}
    for photo in photos:
        for name, measure in (photo.result.get("measures") or {}).items():
            if measure.get("value_deg") is not None:
                label = str(MEASURE_NAMES.get(name, name))
                series.setdefault(label, []).append(
                    (local_day(photo.created_at), measure["value_deg"])
                )
    if not series:
        return None
    title = _("Posture angles over time")
    texts = {"title": title, "y_label": _("Degrees")}
    figure = reports.lines_chart(series, texts=texts, date_label=date_label)
    rows = tuple(
        (long_date(d), name, f"{v:g}°") for name, points in series.items() for d, v in points
    )
    return Chart("chart-posture", title, figure, (_("Date"), _("Measure"), _("Angle")), rows)


def planned_sessions_per_week(record: AssessmentRecord | None) -> float | None:
    """The plan's exercise sessions a week: its exercises' times a day, every day."""
    if record is None:
        return None
    per_day = [
        exercise.get("per_day") or 0
        for step in record.assessment.get("plan", [])
        for exercise in (step.get("details") or {}).get("exercises", [])
    ]
    return 7 * max(per_day) if any(per_day) else None


def done_uploads(user: Any, patient_id: int, *, purpose: str) -> list[Any]:
    """The patient's analysed camera checks, oldest first (through the door)."""
    uploads = access_uploads(user, patient_id, purpose=purpose).filter(status="done")
    return list(uploads.order_by("created_at"))


def progress_charts(
    user: Any, patient_id: int, record: AssessmentRecord | None, *, purpose: str
) -> list[Chart]:
    """Every chart there is data for, read through the door as `user`."""
    entries = access_progress(user, patient_id, purpose=purpose)
    uploads = done_uploads(user, patient_id, purpose=purpose)
    videos = [local_day(u.created_at) for u in uploads if u.kind == "video"]
    charts = [
        pain_chart(record, entries),
        psfs_chart(record, entries),
        sessions_chart(videos, planned_sessions_per_week(record)),
        posture_chart([u for u in uploads if u.kind == "photo"]),
    ]
    return [c for c in charts if c is not None]
