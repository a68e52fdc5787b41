"""A reminder's send claims its row before it mails: a worker killed between the two left the
row claimed and the task running. The rerun of that abandoned task must still mail it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upperback.clinical import Intake
from upperback.web.care import actions as care_actions
from upperback.web.clinic.outbox import requeue_abandoned
from upperback.web.records import actions
from upperback.web.records.models import WeeklyReminder


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's lock itself
def test_a_checkin_reminder_claimed_by_a_killed_worker_is_still_mailed(
    alice: Any, desk_worker: dict[str, Any], mailoutbox: list[Any]
) -> None:
    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    reminder = care_actions.remind_for_week(patient=alice, on=timezone.localdate())
    assert reminder is not None
    # As the killed worker left it: the row claimed, its task running since long ago, no mail.
    long_ago = timezone.now() - dt.timedelta(hours=1)
    WeeklyReminder.objects.filter(pk=reminder.pk).update(sent_at=long_ago)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=long_ago)
    assert requeue_abandoned() == 1
    call_command("worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.sent_at > long_ago


@pytest.mark.django_db
def test_a_long_weekly_run_renews_its_lease(
    alice: Any, desk_worker: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from upperback.web.care import tasks

    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    tasks.send_weekly_reminders.enqueue(schedule_next=False)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=long_ago)
    monkeypatch.setattr(tasks, "RENEW_EVERY_S", 0.0)  # every batch
    assert tasks.remind_all(timezone.localdate()) == 1
    assert DBTaskResult.objects.get(task_path=tasks.WEEKLY_TASK).started_at > long_ago
    assert requeue_abandoned() == 0  # alive, not abandoned
