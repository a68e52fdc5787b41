"""The weekly check-in reminder, run by `manage.py worker` (django-tasks' database worker).

`send_weekly_reminders` runs once a day and queues its next run before it ends (the queued
task is a database row: it survives a restart; `ensure_scheduled`, called when the worker
starts, queues one if none is waiting). Each run makes at most one reminder per patient per
ISO week (`actions.remind_for_week`), so running it twice, or in two processes, mails once.
A patient gets reminders while her latest plan has not ended (the engine's `plan_ends_on`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upperback.web.accounts.models import Role, User
from upperback.web.care import checkins
from upperback.web.clinic import outbox

from . import actions, reminders
from .models import AssessmentRecord, ProgressEntry, WeeklyReminder

logger = logging.getLogger(__name__)

EVERY = dt.timedelta(days=1)
WEEKLY_TASK = "upperback.web.records.tasks.send_weekly_reminders"


def _latest_records() -> dict[int, AssessmentRecord]:
    latest: dict[int, AssessmentRecord] = {}
    records = AssessmentRecord.objects.filter(patient__role=Role.PATIENT, patient__is_active=True)
    for record in records.order_by("-created_at").select_related("patient"):
        latest.setdefault(record.patient_id, record)
    return latest


def plan_runs_on(record: AssessmentRecord, today: dt.date) -> bool:
    entries = list(ProgressEntry.objects.filter(patient_id=record.patient_id))
    return checkins.plan_running(record, entries, today)


def patients_to_remind(today: dt.date) -> list[User]:
    """Patients whose latest plan runs today and who have no reminder this ISO week yet."""
    year, week, _ = today.isocalendar()
    reminded = set(
        WeeklyReminder.objects.filter(iso_year=year, iso_week=week).values_list(
            "patient_id", flat=True
        )
    )
    return [
        record.patient
        for patient_id, record in _latest_records().items()
        if patient_id not in reminded and plan_runs_on(record, today)
    ]


def remind_all(today: dt.date) -> int:
    """This week's reminders that are due; how many were made (0 on a second run)."""
    made = [actions.remind_for_week(patient=p, on=today) for p in patients_to_remind(today)]
    return sum(1 for reminder in made if reminder is not None)


@task()
def send_weekly_reminders(schedule_next: bool = True) -> int:
    """Make this week's due reminders and queue the next run, in one transaction (a worker
    killed here leaves neither; the task runs again once its lease expires, clinic.outbox)."""
    try:
        with transaction.atomic():
            made = remind_all(timezone.localdate())
            if schedule_next:
                _schedule_next()
    except Exception:
        if schedule_next:
            _schedule_next()  # a failed run still keeps the chain going
        raise
    return made


def _schedule_next() -> None:
    send_weekly_reminders.using(run_after=timezone.now() + EVERY).enqueue()


def ensure_scheduled() -> bool:
    """Queue a run now unless one is waiting or running; whether it queued one."""
    waiting = DBTaskResult.objects.filter(
        task_path=WEEKLY_TASK, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    if waiting.exists():
        return False
    send_weekly_reminders.enqueue()
    return True


@task()
def send_checkin_reminder(reminder_id: int, attempt: int = 1) -> bool:
    """Send one week's reminder at most once. The claim is one conditional UPDATE: of any
    number of workers running this task for the same row, one sends. Returns whether it sent.
    The patient's preferences first: paused, unsubscribed or capped holds it; a day or hour
    she moved since it was queued sends it then (messaging.tasks.checkin_decision)."""
    if not _wanted_now(reminder_id):
        return False
    now = timezone.now()
    claimed = WeeklyReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=now
    )
    if not claimed:
        return False
    reminder = WeeklyReminder.objects.select_related("patient").get(pk=reminder_id)
    try:
        reminders.send_email(reminder)
    except Exception:
        WeeklyReminder.objects.filter(pk=reminder_id).update(sent_at=None)
        outbox.retry_later(send_checkin_reminder, reminder_id, attempt=attempt)
        raise
    return True


def _wanted_now(reminder_id: int) -> bool:
    from upperback.web.messaging.tasks import checkin_decision

    reminder = WeeklyReminder.objects.select_related("patient").get(pk=reminder_id)
    decision, due = checkin_decision(reminder.patient, reminder.iso_year, reminder.iso_week)
    if decision == "later":
        send_checkin_reminder.using(run_after=due).enqueue(reminder_id)
    return decision == "send"
