"""What the worker adds to django-tasks: a failed send is retried with back-off, and a task a
killed worker left RUNNING runs again after its lease (only tasks safe to run twice)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upperback.web.clinic import outbox
from upperback.web.clinic.messages import CONFIRMATION
from upperback.web.clinic.tasks import send_appointment_email
from upperback.web.media.tasks import analyse_upload

pytestmark = pytest.mark.django_db


def running_since(task: object, *args: object, seconds: int) -> DBTaskResult:
    result = task.enqueue(*args)  # type: ignore[attr-defined]
    row = DBTaskResult.objects.get(pk=result.id)
    started = timezone.now() - dt.timedelta(seconds=seconds)
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING, started_at=started
    )
    return row


def status(row: DBTaskResult) -> str:
    return str(DBTaskResult.objects.get(pk=row.pk).status)


def test_an_email_task_left_running_past_its_lease_runs_again() -> None:
    lease = 300  # settings.TASK_LEASE_SECONDS
    abandoned = running_since(send_appointment_email, 1, CONFIRMATION, seconds=lease + 1)
    busy = running_since(send_appointment_email, 2, CONFIRMATION, seconds=lease - 30)
    other = running_since(analyse_upload, 3, seconds=lease * 10)  # not known safe to rerun
    assert outbox.requeue_abandoned() == 1
    assert status(abandoned) == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=abandoned.pk).exists()
    assert status(busy) == TaskResultStatus.RUNNING
    assert status(other) == TaskResultStatus.RUNNING


def test_a_failed_send_is_retried_later_with_back_off_then_given_up() -> None:
    outbox.retry_later(send_appointment_email, 7, CONFIRMATION, attempt=3)
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs == {"args": [7, CONFIRMATION], "kwargs": {"attempt": 4}}
    wait = retry.run_after - timezone.now()
    assert dt.timedelta(minutes=3) < wait <= dt.timedelta(minutes=4)
    outbox.retry_later(send_appointment_email, 7, CONFIRMATION, attempt=outbox.MAX_ATTEMPTS)
    assert DBTaskResult.objects.count() == 1  # the last attempt queues no other
