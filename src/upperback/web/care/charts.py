"""A patient's progress as charts: the dated series read through the door, the words and the
date labels in the reader's language and time zone, drawn by `upperback.reports` (pure).

Each chart comes with its own table (the text alternative a screen reader or a printout
reads). The same series feed the page (SVG) and the PDF (PNG).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from upperback import reports
from upperback.clinical import important_improvement
from upperback.web.media.access import access_uploads
from upperback.web.media.analysis_texts import MEASURE_NAMES
from upperback.web.records.access import access_progress
from upperback.web.records.models import AssessmentRecord, ProgressEntry
from upperback.web.records.presenting import reader_language

log = logging.getLogger(__name__)

# A page shows the same charts until a new reading arrives: keep the drawings of the latest
# inputs (a chart's SVG takes about a millisecond; the cache keeps a busy page from doing it
# again). The key is every input of the drawing (the points, the words, the reader's
# language), so a new reading, a new language or another time zone draws afresh.
_DRAWN: OrderedDict[tuple[str, str], Any] = OrderedDict()
_DRAWN_MAX = 512
_DRAWN_LOCK = threading.Lock()


def _drawn(key: tuple[str, str], draw: Callable[[], Any]) -> Any:
    with _DRAWN_LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    value = draw()
    with _DRAWN_LOCK:
        _DRAWN[key] = value
        while len(_DRAWN) > _DRAWN_MAX:
            _DRAWN.popitem(last=False)
    return value


@dataclass(frozen=True)
class Chart:
    """One chart: its id (for the page), title, how to draw it and its table.

    `inputs` names everything the drawing depends on; `draw` draws it (only when a page or
    a report asks, and once for the same inputs)."""

    id: str
    title: str
    draw: Callable[[], Any]
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    inputs: str = ""

    def _key(self, kind: str) -> tuple[str, str]:
        return (kind, f"{self.id}|{reader_language()}|{self.title}|{self.inputs}|{self.rows!r}")

    def svg(self) -> SafeString:
        """The chart as inline SVG; if it cannot be drawn, a line that says so (the page
        and the chart's table are shown all the same, and the error is logged)."""
        try:
            # as_svg escapes the texts it writes (an activity's name is the patient's words)
            text: str = _drawn(
                self._key("svg"), lambda: reports.as_svg(self.draw(), label=self.title)
            )
        except Exception:
            log.exception("The chart %s could not be drawn (svg)", self.id)
            return format_html('<p class="chart-missing" role="status">{}</p>', not_drawn())
        return mark_safe(text)

    def plot(self) -> reports.Plot:
        """The chart laid out, for the PDF (the caller says what is missing if this raises)."""
        plot: reports.Plot = _drawn(self._key("plot"), self.draw)
        return plot


def not_drawn() -> str:
    return _("This chart could not be drawn; its readings are in the table below.")


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

    def draw() -> Any:
        return reports.pain_chart(
            points, baseline=baseline, improved_at_most=band, texts=texts, date_label=date_label
        )

    rows = tuple((long_date(d), f"{v:g}/10") for d, v in points)
    inputs = repr((points, baseline, band, texts))
    return Chart("chart-pain", title, draw, (_("Date"), _("Pain")), rows, inputs)


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

    def draw() -> Any:
        return reports.lines_chart(series, texts=texts, date_label=date_label, y_range=(0, 10.5))

    rows = tuple(
        (long_date(d), name, f"{v:g}/10") for name, points in series.items() for d, v in points
    )
    inputs = repr((series, texts))
    return Chart("chart-psfs", title, draw, (_("Date"), _("Activity"), _("Score")), rows, inputs)


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

    def draw() -> Any:
        return reports.sessions_chart(
            weeks, planned_per_week=planned_per_week, texts=texts, date_label=date_label
        )

    rows = tuple((_("Week of %(day)s") % {"day": long_date(w)}, f"{n:g}") for w, n in weeks)
    inputs = repr((weeks, planned_per_week, texts))
    return Chart("chart-sessions", title, draw, (_("Week"), _("Sessions")), rows, inputs)


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

    def draw() -> Any:
        return reports.lines_chart(series, texts=texts, date_label=date_label)

    rows = tuple(
        (long_date(d), name, f"{v:g}°") for name, points in series.items() for d, v in points
    )
    inputs = repr((series, texts))
    return Chart("chart-posture", title, draw, (_("Date"), _("Measure"), _("Angle")), rows, inputs)


def planned_sessions_per_week(record: AssessmentRecord | None) -> float | None:
    """The plan's exercise sessions a week, counted per exercise as the check-ins count them:
    each exercise's times a day, every day."""
    if record is None:
        return None
    per_day = [
        exercise.get("per_day") or 0
        for step in record.assessment.get("plan", [])
        for exercise in (step.get("details") or {}).get("exercises", [])
    ]
    return 7 * sum(per_day) if any(per_day) else None


def session_days(
    user: Any,
    patient_id: int,
    entries: list[ProgressEntry],
    uploads: list[Any],
    *,
    purpose: str,
) -> list[dt.date]:
    """One date per exercise session: those each check-in recorded (sessions she reported,
    and the camera checks and live sessions it counted), then the camera checks and live
    sessions since the last check-in, which no check-in has counted yet."""
    from upperback.web.media.access import access_live_sessions

    days = [e.recorded_on for e in entries for _ in range(sum(e.sessions_done().values()))]
    last = entries[-1].recorded_on if entries else None
    videos = [local_day(u.created_at) for u in uploads if u.kind == "video" and u.exercise_id]
    lives = [
        local_day(s.started_at)
        for s in access_live_sessions(user, patient_id, purpose=purpose)
        if s.sets
    ]
    days.extend(d for d in [*videos, *lives] if last is None or d > last)
    return days


def done_uploads(user: Any, patient_id: int, *, purpose: str) -> list[Any]:
    """The patient's analysed camera checks, oldest first (through the door)."""
    uploads = access_uploads(user, patient_id, purpose=purpose).filter(status="done")
    return list(uploads.order_by("created_at"))


def progress_charts(
    user: Any,
    patient_id: int,
    record: AssessmentRecord | None,
    *,
    purpose: str,
    entries: list[ProgressEntry] | None = None,
) -> list[Chart]:
    """Every chart there is data for, read through the door as `user` (`entries`: the
    check-ins the caller already read through it, not read twice)."""
    if entries is None:
        entries = access_progress(user, patient_id, purpose=purpose)
    uploads = done_uploads(user, patient_id, purpose=purpose)
    builders: list[tuple[str, Callable[[], Chart | None]]] = [
        ("chart-pain", lambda: pain_chart(record, entries)),
        ("chart-psfs", lambda: psfs_chart(record, entries)),
        (
            "chart-sessions",
            lambda: sessions_chart(
                session_days(user, patient_id, entries, uploads, purpose=purpose),
                planned_sessions_per_week(record),
            ),
        ),
        ("chart-posture", lambda: posture_chart([u for u in uploads if u.kind == "photo"])),
    ]
    charts = [_built(chart_id, build) for chart_id, build in builders]
    return [c for c in charts if c is not None]


def _built(chart_id: str, build: Callable[[], Chart | None]) -> Chart | None:
    """One chart's series, or, if gathering them fails, a chart that says it could not be
    drawn (the other charts are shown all the same; the error is logged)."""
    try:
        return build()
    except Exception:
        log.exception("The chart %s could not be made from its readings", chart_id)
        return Chart(chart_id, _("A chart"), _unreadable, (), ())


def _unreadable() -> Any:
    raise ValueError("the chart's readings could not be read")
