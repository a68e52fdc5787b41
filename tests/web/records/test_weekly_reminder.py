"""The weekly check-in reminder: one email per patient per ISO week while her plan runs, however
often the task runs (twice, after a killed worker's lease, by a restarted worker), and a
reminder on the home page until she checks in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upperback.clinical import Assessment, Intake, plan_ends_on
from upperback.web.care.tasks import (
    WEEKLY_TASK,
    ensure_scheduled,
    remind_all,
    send_weekly_reminders,
)
from upperback.web.clinic.outbox import requeue_abandoned
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord, WeeklyReminder


def run_worker() -> None:
    call_command("worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def checkin_mails(mail: list[Any]) -> list[Any]:
    return [m for m in mail if m.extra_headers.get("Message-ID", "").startswith("<checkin-")]


@pytest.fixture
def plan(alice: Any, desk_worker: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))


def _ends(record: AssessmentRecord) -> dt.date:
    ends = plan_ends_on(
        Assessment.model_validate(record.assessment), 1, timezone.localdate(record.created_at)
    )
    assert ends is not None
    return ends


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock itself
def test_the_task_run_twice_in_a_week_mails_once(
    plan: AssessmentRecord, bob: Any, mailoutbox: list[Any]
) -> None:
    today = timezone.localdate()
    assert remind_all(today) == 1
    assert remind_all(today) == 0
    send_weekly_reminders.call(schedule_next=False)
    run_worker()
    run_worker()
    assert [m.to for m in checkin_mails(mailoutbox)] == [["alice@example.com"]]  # not Dr Bob
    reminder = WeeklyReminder.objects.get()
    assert reminder.sent_at is not None
    assert (reminder.iso_year, reminder.iso_week) == today.isocalendar()[:2]


def test_the_next_week_has_its_own_reminder_until_the_plan_ends(plan: AssessmentRecord) -> None:
    today = timezone.localdate()
    assert remind_all(today) == 1
    assert remind_all(today + dt.timedelta(weeks=1)) == 1
    ends = _ends(plan)
    assert remind_all(ends + dt.timedelta(days=7)) == 0  # the plan has ended
    assert WeeklyReminder.objects.count() == 2


def test_the_reminder_row_and_its_email_task_commit_together(plan: AssessmentRecord) -> None:
    remind_all(timezone.localdate())
    queued = DBTaskResult.objects.filter(task_path__endswith=".send_checkin_reminder")
    assert [row.args_kwargs["args"] for row in queued] == [[WeeklyReminder.objects.get().pk]]


def test_a_patient_without_a_plan_gets_no_reminder(alice: Any) -> None:
    assert remind_all(timezone.localdate()) == 0


def test_the_task_queues_its_next_run_a_day_later_and_is_scheduled_once(
    plan: AssessmentRecord,
) -> None:
    assert ensure_scheduled() is True
    assert ensure_scheduled() is False  # one is waiting already
    DBTaskResult.objects.all().delete()
    assert send_weekly_reminders.call() == 1
    nxt = DBTaskResult.objects.get(task_path=WEEKLY_TASK)
    assert nxt.run_after is not None and nxt.run_after > timezone.now() + dt.timedelta(hours=23)


@pytest.mark.django_db(transaction=True)
def test_a_run_abandoned_by_a_killed_worker_runs_again_and_still_mails_once(
    plan: AssessmentRecord, mailoutbox: list[Any], settings: Any
) -> None:
    result = send_weekly_reminders.enqueue(schedule_next=False)
    # The worker was killed while running it, long ago: the row says RUNNING.
    long_ago = timezone.now() - dt.timedelta(seconds=settings.TASK_LEASE_SECONDS + 60)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago
    )
    remind_all(timezone.localdate())  # it had made the reminder before it died
    assert requeue_abandoned() == 1
    run_worker()
    run_worker()
    assert len(checkin_mails(mailoutbox)) == 1
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


def test_the_home_page_reminds_until_the_week_has_a_check_in(
    alice: Any, alice_client: Client, plan: AssessmentRecord
) -> None:
    assert 'id="checkin-reminder"' in alice_client.get("/").content.decode()
    actions.add_progress(patient=alice, pain_now=3)
    assert 'id="checkin-reminder"' not in alice_client.get("/").content.decode()


def test_the_home_page_has_no_reminder_without_a_plan_or_for_a_clinician(
    alice_client: Client, bob_client: Client
) -> None:
    assert 'id="checkin-reminder"' not in alice_client.get("/").content.decode()
    assert 'id="checkin-reminder"' not in bob_client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_no_check_in_reminder_while_the_care_is_an_emergency(
    plan: AssessmentRecord, bob: Any
) -> None:
    """The care record decides: a clinician who raised the care to an emergency stops the
    weekly check-in reminder, though the engine's plan would still be running."""
    actions.override_assessment(
        record=plan, author=bob, new_triage="emergency", reason="new chest pain on the phone"
    )
    assert remind_all(timezone.localdate()) == 0
    actions.override_assessment(record=plan, author=bob, new_triage="soon", reason="seen in ED")
    assert remind_all(timezone.localdate()) == 1
