"""The clinician's inbox: the longest waiting first, the clinic's answer-time target shown
(one working day by default, a setting), threads past it marked, a thread assigned to a
clinician; the front desk's list of who is waiting and for how long (no message, no
subject); a bounded number of queries whatever the number of threads."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from upperback.web.messaging import actions, policy
from upperback.web.messaging.models import Thread
from upperback.web.records import actions as records_actions

LA = ZoneInfo("America/Los_Angeles")


def _thread_at(patient: Any, when: dt.datetime, subject: str) -> Thread:
    thread = actions.start_thread(patient=patient, subject=subject, body="A question")
    Thread.objects.filter(pk=thread.pk).update(waiting_since=when, last_message_at=when)
    return thread


def _patients(count: int) -> list[Any]:
    return [
        records_actions.create_patient(email=f"p{n}@example.com", password=None, first_name=f"P{n}")
        for n in range(count)
    ]


def test_the_inbox_sorts_by_waiting_time_and_marks_threads_past_the_target(
    alice: Any, carol: Any, bob_client: Client
) -> None:
    now = timezone.now()
    recent = _thread_at(alice, now - dt.timedelta(hours=1), "Recent question")
    old = _thread_at(carol, now - dt.timedelta(days=5), "Old question")
    page = bob_client.get("/clinic/messages/")
    rows = page.context["inbox"].rows
    assert [r.thread.pk for r in rows] == [old.pk, recent.pk]
    assert [r.late for r in rows] == [True, False]
    html = page.content.decode()
    assert "The clinic answers within 1 working day." in html
    assert "2 waiting, 1 past the target." in html
    assert html.count("Past the target</span>") == 1


def test_the_target_is_a_setting(alice: Any, bob_client: Client, settings: Any) -> None:
    settings.MESSAGING_ANSWER_TARGET_WORKING_DAYS = 10
    _thread_at(alice, timezone.now() - dt.timedelta(days=5), "Old question")
    page = bob_client.get("/clinic/messages/")
    assert "within 10 working days" in page.content.decode()
    assert [r.late for r in page.context["inbox"].rows] == [False]


def test_working_days_skip_the_weekend() -> None:
    friday = dt.datetime(2030, 6, 7, 15, 0, tzinfo=LA)
    saturday = dt.datetime(2030, 6, 8, 10, 0, tzinfo=LA)
    assert policy.answer_due(friday) == dt.datetime(2030, 6, 10, 15, 0, tzinfo=LA)  # Monday
    assert policy.answer_due(saturday) == dt.datetime(2030, 6, 11, 0, 0, tzinfo=LA)  # Tuesday
    # "Late" is the same sum read backwards: due and late never disagree.
    monday_evening = dt.datetime(2030, 6, 10, 18, 0, tzinfo=LA)
    assert friday < policy.late_cutoff(monday_evening)
    assert not saturday < policy.late_cutoff(monday_evening)


def test_an_answer_ends_the_wait_and_a_new_patient_message_starts_it(
    alice: Any, bob: Any, bob_client: Client
) -> None:
    thread = actions.start_thread(patient=alice, subject="Q", body="First")
    assert thread.waiting_since is not None
    bob_client.post(f"/messages/{thread.pk}/", {"body": "An answer"})
    thread.refresh_from_db()
    assert thread.waiting_since is None
    assert bob_client.get("/clinic/messages/").context["inbox"].rows == []
    answered = bob_client.get("/clinic/messages/?show=answered").context["inbox"].rows
    assert [r.thread.pk for r in answered] == [thread.pk]
    actions.post_message(thread=thread, author=alice, body="Thanks, one more")
    thread.refresh_from_db()
    assert thread.waiting_since is not None


def test_a_thread_is_assigned_to_a_clinician(alice: Any, bob: Any, bob_client: Client) -> None:
    thread = actions.start_thread(patient=alice, subject="Q", body="First")
    answer = bob_client.post(f"/messages/{thread.pk}/assign/", {"clinician": str(bob.pk)})
    assert answer.status_code == 302
    thread.refresh_from_db()
    assert thread.assigned_to == bob
    assert "Bob Nguyen" in bob_client.get("/clinic/messages/").content.decode()
    bob_client.post(f"/messages/{thread.pk}/assign/", {"clinician": str(alice.pk)})
    thread.refresh_from_db()
    assert thread.assigned_to == bob  # a patient is not a choice


def test_the_front_desk_sees_who_waits_and_how_long_but_no_subject(
    alice: Any, bob_client: Client
) -> None:
    _thread_at(alice, timezone.now() - dt.timedelta(hours=3), "Private subject")
    html = bob_client.get("/clinic/messages/waiting/").content.decode()
    assert "Alice" in html
    assert "3\xa0hours" in html
    assert "Private subject" not in html
    assert "A question" not in html


def _inbox_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/clinic/messages/").status_code == 200
    return len(queries)


def test_the_inbox_costs_the_same_queries_with_more_threads(bob_client: Client) -> None:
    """A page of 50: its query, two counts, the audit rows of the 50 shown (one chained
    insert at the request's end), whatever the total. The time at 10,000: bench/messaging.py."""
    now = timezone.now()
    patients = _patients(3)
    for n in range(55):
        _thread_at(patients[n % 3], now - dt.timedelta(minutes=n), f"t{n}")
    _inbox_queries(bob_client)  # the session's first request of the page stores its activity
    at_55 = _inbox_queries(bob_client)
    for n in range(55, 200):
        _thread_at(patients[n % 3], now - dt.timedelta(minutes=n), f"t{n}")
    assert _inbox_queries(bob_client) == at_55
    assert at_55 <= 20
    page = bob_client.get("/clinic/messages/?page=4")
    assert page.context["inbox"].page == 4
    assert len(page.context["inbox"].rows) == 50
