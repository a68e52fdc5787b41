"""The email that says "you have a new message" carries no health data: not a word of the
message, its subject, the patient's intake answers or the clinician's name; only a link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from upperback.clinical import Intake
from upperback.web.messaging import actions
from upperback.web.messaging.models import Message, SentEmail, Thread
from upperback.web.messaging.tasks import send_message_notice
from upperback.web.records import actions as records_actions

WORDS = re.compile(r"[A-Za-zÀ-ÿ]{4,}")
FIXED_TEXT = (
    "You have a new message. Your care team has sent you a message. Log in to read it. "
    "If you have chest pain, trouble breathing or sudden weakness, call 911 now. Fewer emails."
)


def _words(value: Any) -> set[str]:
    """Every word of four letters or more in a text, or in the strings of a nested answer."""
    if isinstance(value, dict):
        return set().union(*(_words(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_words(v) for v in value)) if value else set()
    return {w.lower() for w in WORDS.findall(value)} if isinstance(value, str) else set()


def _email_text(message: Any) -> str:
    headers = " ".join(str(v) for v in message.extra_headers.values())
    return f"{message.subject}\n{message.body}\n{headers}".lower()


FIXED = {w.lower() for w in WORDS.findall(FIXED_TEXT)}


@pytest.fixture
def answers(alice: Any, desk_worker: dict[str, Any]) -> dict[str, Any]:
    records_actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    return desk_worker


def test_the_notice_has_only_a_link_and_no_word_of_the_message_or_the_answers(
    thread: Thread, bob: Any, answers: dict[str, Any], mailoutbox: list[Any]
) -> None:
    reply = actions.post_message(
        thread=thread,
        author=bob,
        body="Your thoracic stiffness sounds mechanical; reduce the pullovers to two sets.",
    )
    assert send_message_notice.call(reply.pk) is True
    [notice] = mailoutbox
    text = _email_text(notice)
    said = _words(reply.body) | _words(thread.subject) | _words(answers)
    said |= _words(Message.objects.filter(thread=thread).first().body)  # type: ignore[union-attr]
    said |= {"nguyen", "bob"}  # the clinician's name says what kind of care she gets
    # The email's own fixed sentences (the same for every patient) may share a common word
    # ("your") with a message; nothing else of hers may appear.
    assert {w for w in said - FIXED if re.search(rf"\b{w}\b", text)} == set()
    assert f"/messages/{thread.pk}/" in notice.body
    assert notice.to == ["alice@example.com"]


def test_the_notice_is_the_same_whatever_the_message_says(
    thread: Thread, bob: Any, mailoutbox: list[Any]
) -> None:
    first = actions.post_message(thread=thread, author=bob, body="Short.")
    second = actions.post_message(thread=thread, author=bob, body="A long answer " * 300)
    send_message_notice.call(first.pk)
    send_message_notice.call(second.pk)
    bodies = [m.body for m in mailoutbox]
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # nothing in it depends on the message


def test_the_notice_in_spanish_is_as_bare(
    thread: Thread, bob: Any, alice: Any, mailoutbox: list[Any]
) -> None:
    records_actions.set_language(user=alice, language="es")
    reply = actions.post_message(thread=thread, author=bob, body="Rigidez torácica leve: descanse.")
    send_message_notice.call(reply.pk)
    [notice] = mailoutbox
    assert notice.subject == "Tiene un mensaje nuevo"
    assert not _words(reply.body) & _words(_email_text(notice))


def test_a_patients_own_message_mails_nobody_and_a_notice_goes_once(
    thread: Thread, alice: Any, bob: Any, mailoutbox: list[Any]
) -> None:
    actions.post_message(thread=thread, author=alice, body="One more thing")
    reply = actions.post_message(thread=thread, author=bob, body="Noted")
    assert send_message_notice.call(reply.pk) is True
    assert send_message_notice.call(reply.pk) is False  # a duplicate task sends nothing
    assert len(mailoutbox) == 1
    assert SentEmail.objects.filter(patient=alice).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock itself
def test_the_notice_is_queued_with_the_message_and_the_worker_sends_it(
    alice: Any, bob: Any, bob_client: Client
) -> None:
    from django.core.management import call_command

    thread = actions.start_thread(patient=alice, subject="Question", body="Is it normal?")
    bob_client.post(f"/messages/{thread.pk}/", {"body": "Yes, it is common."})
    call_command("worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "common" not in mail.outbox[0].body
