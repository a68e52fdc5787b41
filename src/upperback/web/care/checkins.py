"""What a check-in needs besides its form: the dosage each exercise is at, the camera checks
counted as sessions, and the plan as it stands now (phase, dosage and why) for the page.

The engine decides every level and phase (`escalate`, `current_dosage`); this module reads
what was stored and what the camera finished, and shapes it for the page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.apps import apps
from django.utils import timezone

from upperback.care import CareState
from upperback.clinical import current_dosage, kb_name, plan_ends_on, reason_text
from upperback.web.records.models import AssessmentRecord, ProgressEntry
from upperback.web.records.presenting import localized, reader_language

# The engine's actions that come with a consultation offer.
CONSULT_ACTIONS = ("step_up", "consult")
# Camera checks count for the week before a check-in, at most this many days back.
WEEK = dt.timedelta(days=7)


def reviewed(entries: list[ProgressEntry]) -> list[ProgressEntry]:
    """The check-ins the engine reviewed (they carry a phase and a dosage), oldest first."""
    return [e for e in entries if e.action]


def levels_now(entries: list[ProgressEntry]) -> dict[str, int]:
    """The dosage level of each exercise after the last reviewed check-in ({}: level 1)."""
    done = reviewed(entries)
    return dict(done[-1].dosage) if done else {}


def _in_reader_language(reason: str, stored: str) -> str:
    """A stored reason in the reader's language (the stored words when the id is unknown)."""
    return reason_text(reason, reader_language()) or stored


def _exercise_name(change: dict[str, Any]) -> str:
    """The exercise's name in the reader's language (a stored decision keeps the words of
    the language it was made in)."""
    try:
        return kb_name("exercise", change["exercise"], reader_language())
    except KeyError:
        return str(change.get("name", ""))


def active_exercises(record: AssessmentRecord, state: CareState | None) -> set[str] | None:
    """The exercises of the plan's steps that are active in the care now (a declined or
    removed step's exercises are not asked about or dosed); None: no state, all of them."""
    if state is None or state.assessment_id != record.pk:
        return None
    active = {s.step for s in state.active_steps}
    return {
        exercise["id"]
        for step in record.assessment.get("plan", [])
        if step["step"] in active
        for exercise in step.get("details", {}).get("exercises", [])
    }


def doses(
    record: AssessmentRecord, entries: list[ProgressEntry], state: CareState | None = None
) -> list[dict[str, Any]]:
    """Each exercise of the plan as it stands: the last stored decision, or level 1; only the
    exercises of steps active in the care now."""
    done = reviewed(entries)
    keep = active_exercises(record, state)
    if done and done[-1].dosage_changes:
        found = [
            {
                **c,
                "name": _exercise_name(c),
                "because": _in_reader_language(c.get("reason", ""), c["because"]),
            }
            for c in done[-1].dosage_changes
        ]
    else:
        phase = done[-1].phase if done else 1
        found = [dose.model_dump() for dose in current_dosage(localized(record), phase)]
    return [d for d in found if keep is None or d["exercise"] in keep]


def plan_now(
    record: AssessmentRecord, entries: list[ProgressEntry], state: CareState | None = None
) -> dict[str, Any]:
    """The phase the plan is in, since when, why, and each exercise's dosage and why; the
    phase, its start and the next review from the care state when there is one."""
    done = reviewed(entries)
    last = done[-1] if done else None
    care = state if state is not None and state.assessment_id == record.pk else None
    since = last.phase_started_on if last else timezone.localdate(record.created_at)
    return {
        "phase": care.phase if care is not None else (last.phase if last else 1),
        "since": care.phase_started_on if care is not None and care.phase_started_on else since,
        "next_review": care.next_review if care is not None else None,
        "because": _in_reader_language(last.reason, last.because) if last else "",
        # The engine moved the phase or asked for a consultation: the offer stays on the plan.
        "offer_consult": bool(last and last.action in CONSULT_ACTIONS),
        "doses": doses(record, entries, state),
    }


def camera_sessions(
    user: Any, patient_id: int, exercises: list[str], since: dt.date | None, today: dt.date
) -> dict[str, int]:
    """Finished camera checks and live coaching sessions of the plan's exercises since the
    last check-in (at most a week back), by exercise id: each counts as one session."""
    if not apps.is_installed("upperback.web.media") or not exercises:
        return {}
    from upperback.web.media.access import access_uploads

    start = max(since + dt.timedelta(days=1), today - WEEK) if since else today - WEEK
    uploads = access_uploads(user, patient_id, purpose="progress.camera_checks")
    counted: Counter[str] = Counter()
    for upload in uploads:
        on = timezone.localdate(upload.analysed_at) if upload.analysed_at else None
        if (
            upload.status == "done"
            and upload.exercise_id in exercises
            and on is not None
            and start <= on <= today
        ):
            counted[upload.exercise_id] += 1
    # A live coaching session (the pose ran in her browser; the server recounted the sets)
    # is a session of its exercise too, on the day it started.
    from upperback.web.media.access import access_live_sessions

    for live in access_live_sessions(user, patient_id, purpose="progress.live_sessions"):
        on = timezone.localdate(live.started_at)
        if live.sets and live.exercise_id in exercises and start <= on <= today:
            counted[live.exercise_id] += 1
    return dict(counted)


def last_check_in(entries: list[ProgressEntry]) -> dt.date | None:
    return entries[-1].recorded_on if entries else None


def due_this_week(entries: list[ProgressEntry], today: dt.date) -> bool:
    """No check-in yet in the ISO week of `today`."""
    week = today.isocalendar()[:2]
    return not any(e.recorded_on.isocalendar()[:2] == week for e in entries)


def plan_running(record: AssessmentRecord, entries: list[ProgressEntry], today: dt.date) -> bool:
    """The record's plan has steps and has not ended by `today` (the engine's
    `plan_ends_on`, from the phase the last reviewed check-in stored)."""
    began = timezone.localdate(record.created_at)
    done = reviewed([e for e in entries if e.recorded_on >= began])
    last = done[-1] if done else None
    phase = last.phase if last else 1
    started = last.phase_started_on if last and last.phase_started_on else began
    ends = plan_ends_on(localized(record), phase, started)
    return ends is not None and today <= ends


def reminder_due(record: AssessmentRecord | None, entries: list[ProgressEntry]) -> bool:
    """The home page's reminder: a plan running and no check-in yet this week."""
    today = timezone.localdate()
    return (
        record is not None
        and plan_running(record, entries, today)
        and due_this_week(entries, today)
    )
