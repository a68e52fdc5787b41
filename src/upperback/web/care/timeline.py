"""The clinician's timeline of a patient: assessments and overrides, check-ins and what the
review decided at each, camera checks, appointments and the emails sent about them, newest
first. Every kind is read through the audited door, as the viewing user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upperback.web.clinic.access import access_patient_appointments
from upperback.web.media.access import access_uploads
from upperback.web.records.access import access_history, access_progress
from upperback.web.records.presenting import triage_title


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    kind: str  # a CSS class and test hook: assessment, override, check_in, review, ...
    label: str
    detail: str = ""
    url: str = ""
    date_only: bool = False


REVIEW_ACTIONS = {
    "step_up": lambda phase: _("Moved to phase %(n)s of the plan") % {"n": phase},
    "consult": lambda phase: _("A consultation was offered"),
    "retriage": lambda phase: _("Warning signs: assessed again"),
}


def _assessments(records: list[Any]) -> list[Event]:
    events = []
    for record in records:
        url = reverse("records:review", args=[record.pk])
        label = _("Assessment: %(triage)s") % {"triage": triage_title(record.triage)}
        events.append(Event(record.created_at, "assessment", label, record.knowledge_base, url))
        for o in record.overrides.select_related("author"):
            label = _("Override: %(old)s → %(new)s") % {
                "old": triage_title(o.old_triage),
                "new": triage_title(o.new_triage),
            }
            who = o.author.get_full_name() or o.author.email
            events.append(Event(o.created_at, "override", label, f"{who}: {o.reason}", url))
    return events


def _day_moment(day: dt.date, created: dt.datetime) -> dt.datetime:
    """A check-in dated `day` (maybe in the past), placed at its time of entry on that day."""
    local = timezone.localtime(created)
    return timezone.make_aware(dt.datetime.combine(day, local.time()))


def _check_ins(entries: list[Any]) -> list[Event]:
    events = []
    for entry in entries:
        at = _day_moment(entry.recorded_on, entry.created_at)
        scores = "; ".join(f"{row['activity']}: {row['score']}" for row in entry.psfs)
        detail = " · ".join(part for part in (scores, entry.note) if part)
        label = _("Check-in: pain %(pain)s/10") % {"pain": entry.pain_now}
        events.append(Event(at, "check_in", label, detail, date_only=True))
        if entry.action in REVIEW_ACTIONS:
            label = REVIEW_ACTIONS[entry.action](entry.phase)
            events.append(Event(at, "escalation", label, date_only=True))
    return events


def _camera_checks(uploads: list[Any]) -> list[Event]:
    events = []
    for upload in uploads:
        what = upload.get_kind_display()
        if upload.exercise_id:
            what = f"{what} ({upload.exercise_id})"
        url = reverse("media:detail", args=[upload.pk])
        detail = upload.get_status_display()
        if upload.status == "done" and upload.kind == "photo":
            detail = upload.headline_reading
        elif upload.status == "done":
            detail = _("%(n)s repetitions") % {"n": upload.result.get("repetitions", 0)}
        label = _("Camera check: %(what)s") % {"what": what}
        events.append(Event(upload.created_at, "camera_check", label, detail, url))
    return events


EMAILS = (
    ("confirmation_sent_at", gettext_lazy("Booking confirmation")),
    ("reminder_sent_at", gettext_lazy("Appointment reminder")),
    ("cancellation_notice_sent_at", gettext_lazy("Cancellation notice")),
)


def _appointments(appointments: list[Any]) -> list[Event]:
    events = []
    for a in appointments:
        when = timezone.localtime(a.starts_at)
        label = _("Appointment: %(type)s with %(who)s") % {
            "type": a.appointment_type.display_name,
            "who": a.clinician.name,
        }
        detail = f"{when:%Y-%m-%d %H:%M} · {a.get_status_display()}"
        events.append(Event(a.created_at, "appointment", label, detail))
        for field, name in EMAILS:
            sent = getattr(a, field)
            if sent is not None:
                label = _("Email sent: %(what)s") % {"what": name}
                events.append(Event(sent, "message", label, a.patient.email))
    return events


def patient_timeline(user: Any, patient_id: int) -> list[Event]:
    """Everything that happened in the patient's care, newest first (read as `user`)."""
    purpose = "timeline.read"
    records = list(access_history(user, patient_id, purpose=purpose))
    events = [
        *_assessments(records),
        *_check_ins(access_progress(user, patient_id, purpose=purpose)),
        *_camera_checks(list(access_uploads(user, patient_id, purpose=purpose))),
        *_appointments(access_patient_appointments(user, patient_id, purpose=purpose)),
    ]
    return sorted(events, key=lambda e: e.at, reverse=True)
