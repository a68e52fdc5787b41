"""The weekly check-in reminder, run by `manage.py worker` (django-tasks' database worker).

`send_weekly_reminders` runs once a day, on the bulk queue, in batches of short transactions,
and queues its next run before it ends (the queued
task is a database row: it survives a restart; `ensure_scheduled`, called when the worker
starts, queues one if none is waiting). Each run makes at most one reminder per patient per
ISO week (`actions.remind_for_week`), so running it twice, or in two processes, mails once.
A patient gets reminders while her latest plan has not ended (the engine's `plan_ends_on`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upperback.web import queues
from upperback.web.accounts.models import Role, User
from upperback.web.care import checkins
from upperback.web.clinic import outbox
from upperback.web.records.models import (
    AssessmentRecord,
    CareEpisode,
    ProgressEntry,
    WeeklyReminder,
)

from . import actions as care_actions
from . import reminders

logger = logging.getLogger(__name__)

EVERY = dt.timedelta(days=1)
WEEKLY_TASK = "upperback.web.care.tasks.send_weekly_reminders"


# Patients read per batch; each batch's reminders (and their email tasks) are written in one
# short transaction, so the run never holds SQLite's write lock for long (docs/benchmarks.md:
# the longest hold over 100,000 patients) and a booking's confirmation goes out meanwhile.
BATCH = 100
RENEW_EVERY_S = 30.0  # well inside any lease (settings.TASK_LEASE_SECONDS)


def _patient_batches() -> Iterator[list[int]]:
    """Active patients' ids in ascending batches (read with the lock free)."""
    last = 0
    patients = User.objects.filter(role=Role.PATIENT, is_active=True).order_by("pk")
    while True:
        ids = list(patients.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _due_in(ids: list[int], today: dt.date) -> list[User]:
    """Of these patients, those whose latest plan runs today and who have no reminder this
    ISO week yet."""
    year, week, _ = today.isocalendar()
    reminded = set(
        WeeklyReminder.objects.filter(iso_year=year, iso_week=week, patient_id__in=ids).values_list(
            "patient_id", flat=True
        )
    )
    latest: dict[int, AssessmentRecord] = {}
    records = AssessmentRecord.objects.filter(patient_id__in=[i for i in ids if i not in reminded])
    for record in records.order_by("-created_at").select_related("patient"):
        latest.setdefault(record.patient_id, record)
    entries: dict[int, list[ProgressEntry]] = defaultdict(list)
    for entry in ProgressEntry.objects.filter(patient_id__in=list(latest)):
        entries[entry.patient_id].append(entry)
    # The care record decides too: an emergency has no plan to check in on (the call-911 page
    # is all it gets), so no check-in reminder goes to it.
    emergencies = set(
        CareEpisode.objects.filter(
            patient_id__in=list(latest), closed_at=None, triage="emergency"
        ).values_list("patient_id", flat=True)
    )
    return [
        record.patient
        for patient_id, record in latest.items()
        if patient_id not in emergencies
        and checkins.plan_running(record, entries[patient_id], today)
    ]


def plan_runs_on(record: AssessmentRecord, today: dt.date) -> bool:
    entries = list(ProgressEntry.objects.filter(patient_id=record.patient_id))
    return checkins.plan_running(record, entries, today)


def patients_to_remind(today: dt.date) -> list[User]:
    """Patients whose latest plan runs today and who have no reminder this ISO week yet."""
    return [patient for ids in _patient_batches() for patient in _due_in(ids, today)]


def remind_all(today: dt.date) -> int:
    """This week's reminders that are due; how many were made (0 on a second run).

    Batch by batch: the reading outside any transaction, each batch's writes in its own.
    A run killed half way has committed whole batches (each reminder with its email task);
    run again, it finds them and goes on with the rest."""
    made, renewed = 0, time.monotonic()
    for ids in _patient_batches():
        due = _due_in(ids, today)
        if time.monotonic() - renewed >= RENEW_EVERY_S:
            _renew_lease()
            renewed = time.monotonic()
        if not due:
            continue
        with transaction.atomic():
            made += sum(1 for p in due if care_actions.remind_for_week(patient=p, on=today))
    return made


def _renew_lease() -> None:
    """A long run (minutes over 100,000 patients) is not abandoned: its task's lease starts
    again (clinic.outbox reruns a task RUNNING past settings.TASK_LEASE_SECONDS)."""
    DBTaskResult.objects.filter(task_path=WEEKLY_TASK, status=TaskResultStatus.RUNNING).update(
        started_at=timezone.now()
    )


@task(queue_name=queues.BULK)
def send_weekly_reminders(schedule_next: bool = True) -> int:
    """Make this week's due reminders (in short batches) and queue the next run, once
    (a failed run still keeps the chain going; a rerun after a kill queues no second)."""
    try:
        made = remind_all(timezone.localdate())
    finally:
        if schedule_next:
            _schedule_next()
    return made


def _schedule_next() -> None:
    """Queue tomorrow's run unless one is waiting already (this run's own row is RUNNING)."""
    waiting = DBTaskResult.objects.filter(task_path=WEEKLY_TASK, status=TaskResultStatus.READY)
    if not waiting.exists():
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


@task(queue_name=queues.BULK)
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


def unclaim_checkin_reminder(reminder_id: int) -> None:
    """Undo a check-in reminder's claim (clinic.outbox: its worker was killed before it sent)."""
    WeeklyReminder.objects.filter(pk=reminder_id).update(sent_at=None)
