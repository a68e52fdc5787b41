"""Reminders the patient controls, over a simulated five weeks with the clock frozen and moved
an hour at a time: her day and hour, a pause, a change of mind after the reminder was queued,
the weekly cap on non-essential emails, safety messages never held back; the RFC 8058
one-click unsubscribe in every reminder email, working without a login; booking emails
never capped."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upperback.clinical import Intake
from upperback.web.care.tasks import remind_all
from upperback.web.messaging import actions, policy
from upperback.web.messaging.models import EmailKind, EmailPreferences, SentEmail
from upperback.web.records import actions as records_actions

LA = ZoneInfo("America/Los_Angeles")
START = dt.datetime(2030, 6, 3, 0, 0, tzinfo=LA)  # a Monday


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock(START)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def plan(alice: Any, clock: Clock, desk_worker: dict[str, Any]) -> Any:
    return records_actions.record_assessment(
        patient=alice, intake=Intake.model_validate(desk_worker)
    )


def run_due() -> None:
    """What `manage.py worker` does at this moment: run every queued task that is due."""
    now = timezone.now()
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("pk"):
        if row.run_after.year < 9999 and row.run_after > now:  # 9999: "no time set"
            continue
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
        import_string(row.task_path).call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])


def hour_by_hour(clock: Clock, until: dt.datetime, *, daily: bool = True) -> None:
    """Move the clock on an hour at a time; the daily reminder run at 01:00 each day."""
    while clock.at < until:
        clock.at += dt.timedelta(hours=1)
        if daily and clock.at.astimezone(LA).hour == 1:
            remind_all(timezone.localdate())
        run_due()


def prefer(alice: Any, **changes: Any) -> None:
    chosen = {"reminder_weekday": None, "reminder_hour": 9, "paused": False, "weekly_cap": 3}
    found = EmailPreferences.objects.filter(patient=alice).first()
    if found is not None:
        chosen.update(
            reminder_weekday=found.reminder_weekday,
            reminder_hour=found.reminder_hour,
            paused=found.paused,
            weekly_cap=found.weekly_cap,
        )
    actions.save_preferences(patient=alice, **{**chosen, **changes})


def sent(kind: str) -> list[dt.datetime]:
    rows = SentEmail.objects.filter(kind=kind).order_by("sent_at")
    return [r.sent_at.astimezone(LA).replace(tzinfo=None) for r in rows]


def test_a_month_of_reminders_follows_her_choices(
    alice: Any, bob: Any, plan: Any, clock: Clock, mailoutbox: list[Any]
) -> None:
    prefer(alice, reminder_weekday=3, reminder_hour=18)  # Thursdays at 18:00
    hour_by_hour(clock, START + dt.timedelta(days=7))
    prefer(alice, paused=True)  # week 2: paused
    hour_by_hour(clock, START + dt.timedelta(days=14))
    prefer(alice, paused=False, reminder_weekday=1, reminder_hour=7)  # week 3: Tuesday 7:00
    hour_by_hour(clock, START + dt.timedelta(days=14, hours=12))
    prefer(alice, reminder_weekday=2, reminder_hour=12)  # changed after it was queued
    hour_by_hour(clock, START + dt.timedelta(days=21, hours=9))
    # Week 4: two non-essential emails a week at most, and the reminder on Friday 12:00.
    prefer(alice, weekly_cap=2, reminder_weekday=4, reminder_hour=12)
    thread = actions.start_thread(patient=alice, subject="Question", body="Sore today")
    actions.post_message(thread=thread, author=bob, body="Rest a day")  # notice: Monday
    hour_by_hour(clock, START + dt.timedelta(days=24, hours=9))
    actions.post_message(thread=thread, author=bob, body="How is it?")  # notice: Thursday
    actions.post_message(thread=thread, author=bob, body="Call us", safety=True)
    hour_by_hour(clock, START + dt.timedelta(days=35))

    assert sent(EmailKind.CHECKIN_REMINDER) == [
        dt.datetime(2030, 6, 6, 18, 0),  # week 1: Thursday 18:00
        # week 2: paused; week 3: Wednesday 12:00, the day she moved it to once queued
        dt.datetime(2030, 6, 19, 12, 0),
        # week 4: Friday's held: Monday's and Thursday's notices reached the cap of 2
        dt.datetime(2030, 7, 5, 12, 0),  # week 5: Friday, the notices a week old
    ]
    assert sent(EmailKind.MESSAGE_NOTICE) == [
        dt.datetime(2030, 6, 24, 10, 0),
        dt.datetime(2030, 6, 27, 10, 0),
    ]
    assert sent(EmailKind.SAFETY_NOTICE) == [dt.datetime(2030, 6, 27, 10, 0)]  # never capped
    reminders = [m for m in mailoutbox if m.subject == "Your weekly check-in"]
    assert len(reminders) == 3
    assert all("List-Unsubscribe" in m.extra_headers for m in reminders)


def test_every_reminder_email_carries_the_one_click_unsubscribe(
    alice: Any, plan: Any, clock: Clock, mailoutbox: list[Any]
) -> None:
    hour_by_hour(clock, START + dt.timedelta(days=1))
    [reminder] = mailoutbox
    headers = reminder.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/messages/unsubscribe/")
    path = url.removeprefix("http://127.0.0.1:8000")
    # The mail client's one-click POST: no session, no CSRF token (RFC 8058).
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(path).status_code == 200  # a link scanner's GET changes nothing
    assert not EmailPreferences.objects.filter(patient=alice, unsubscribed=True).exists()
    answer = mail_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert EmailPreferences.objects.get(patient=alice).unsubscribed
    hour_by_hour(clock, START + dt.timedelta(days=15))
    assert len(mailoutbox) == 1  # no reminder since


def test_a_tampered_or_unknown_unsubscribe_link_is_a_404(alice: Any, anonymous: Client) -> None:
    token = policy.unsubscribe_token(alice.pk)
    assert anonymous.post(f"/messages/unsubscribe/{token}x/").status_code == 404
    other = policy.unsubscribe_token(alice.pk + 1000)
    assert anonymous.post(f"/messages/unsubscribe/{other}/").status_code == 404
    assert not EmailPreferences.objects.filter(unsubscribed=True).exists()


def test_unsubscribed_she_still_gets_safety_messages_but_no_notices(
    alice: Any, bob: Any, thread: Any, mailoutbox: list[Any]
) -> None:
    from upperback.web.messaging.tasks import send_message_notice

    actions.unsubscribe(patient_id=alice.pk)
    plain = actions.post_message(thread=thread, author=bob, body="Fine")
    safety = actions.post_message(thread=thread, author=bob, body="Please call", safety=True)
    assert send_message_notice.call(plain.pk) is False
    assert send_message_notice.call(safety.pk) is True
    assert len(mailoutbox) == 1 and "List-Unsubscribe" not in mailoutbox[0].extra_headers


def test_booking_confirmations_are_never_capped(alice: Any, mailoutbox: list[Any]) -> None:
    from upperback.web.clinic import actions as clinic_actions
    from upperback.web.clinic import setup
    from upperback.web.clinic.messages import CONFIRMATION
    from upperback.web.clinic.tasks import send_appointment_email

    prefer(alice, weekly_cap=0)
    actions.unsubscribe(patient_id=alice.pk)
    location = setup.create_location(
        name="Clinic", address="1 Main St", time_zone="America/Los_Angeles", phone="+1 310 555"
    )
    kind = setup.create_appointment_type(
        code="consult", name="Consultation", duration_minutes=60, specialties=["physiatrist"]
    )
    clinician = setup.create_clinician(name="Dr Shah", specialty="physiatrist", credentials="DO")
    setup.add_working_hours(
        clinician=clinician,
        location=location,
        weekdays=[0, 1, 2, 3, 4],
        starts=dt.time(8),
        ends=dt.time(17),
    )
    day = timezone.localdate() + dt.timedelta(days=14)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    appointment = clinic_actions.book(
        patient=alice,
        clinician=clinician,
        location=location,
        appointment_type=kind,
        starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=LA),
    )
    assert send_appointment_email.call(appointment.pk, CONFIRMATION) is True
    assert [m.subject for m in mailoutbox] == ["Your appointment is booked"]


def test_her_settings_page_saves_and_names_a_bad_field(alice: Any, alice_client: Client) -> None:
    page = alice_client.get("/messages/settings/").content.decode()
    assert 'id="preferences"' in page
    bad = alice_client.post(
        "/messages/settings/", {"reminder_weekday": "3", "reminder_hour": "25", "weekly_cap": "99"}
    )
    errors = bad.context["form"].errors
    assert set(errors) == {"reminder_hour", "weekly_cap"}
    good = alice_client.post(
        "/messages/settings/",
        {"reminder_weekday": "3", "reminder_hour": "18", "weekly_cap": "2", "paused": "on"},
    )
    assert good.status_code == 302
    prefs = EmailPreferences.objects.get(patient=alice)
    assert (prefs.reminder_weekday, prefs.reminder_hour, prefs.paused, prefs.weekly_cap) == (
        3,
        18,
        True,
        2,
    )
