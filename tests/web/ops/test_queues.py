"""Queues by priority: booking emails on `urgent`, analyses on `analysis`, the weekly reminder
run and its emails on `bulk`; a worker of one queue never picks another's tasks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upperback.web import queues
from upperback.web.care.tasks import send_checkin_reminder, send_weekly_reminders
from upperback.web.clinic.tasks import send_appointment_email, send_reminder
from upperback.web.media.tasks import analyse_upload


def test_each_task_is_on_its_queue() -> None:
    assert send_appointment_email.queue_name == queues.URGENT
    assert send_reminder.queue_name == queues.URGENT
    assert analyse_upload.queue_name == queues.ANALYSIS
    assert send_weekly_reminders.queue_name == queues.BULK
    assert send_checkin_reminder.queue_name == queues.BULK


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's lock itself
def test_the_urgent_worker_runs_urgent_tasks_whatever_waits_on_bulk() -> None:
    for n in range(30):
        send_checkin_reminder.enqueue(10_000 + n)  # no such reminders: they would do nothing
    send_appointment_email.enqueue(999_999, "confirmation")  # no such appointment: it fails
    call_command(
        "worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
        queue_name=queues.WORKERS[queues.URGENT],
    )
    urgent = DBTaskResult.objects.get(queue_name=queues.URGENT)
    assert urgent.status == TaskResultStatus.FAILED  # it ran (and found no appointment)
    bulk = DBTaskResult.objects.filter(queue_name=queues.BULK)
    assert set(bulk.values_list("status", flat=True)) == {TaskResultStatus.READY}
