"""Who sees a thread: Alice her own; Dr Bob (second factor passed) the clinic's; Carol,
an anonymous visitor and Dr Bob before his second factor nothing, on the pages and the API.
Every staff read writes an audit row."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from upperback.web.messaging import access, actions
from upperback.web.messaging.models import Message, Thread
from upperback.web.records.models import AuditEvent

from .conftest import jpeg


def _rows(actor: Any, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor_id=actor.pk, action=action).order_by("pk"))


def test_alice_and_verified_staff_read_the_thread(
    thread: Thread, alice_client: Client, bob_client: Client
) -> None:
    for client in (alice_client, bob_client):
        page = client.get(f"/messages/{thread.pk}/")
        assert page.status_code == 200
        assert "stiff every morning" in page.content.decode()


def test_another_patient_gets_a_404_and_cannot_write(thread: Thread, carol_client: Client) -> None:
    assert carol_client.get(f"/messages/{thread.pk}/").status_code == 404
    answer = carol_client.post(f"/messages/{thread.pk}/", {"body": "Let me in"})
    assert answer.status_code == 404
    assert Message.objects.filter(body="Let me in").count() == 0
    assert carol_client.get("/clinic/messages/").status_code == 404
    assert carol_client.get("/clinic/messages/waiting/").status_code == 404
    assert 'id="threads"' in carol_client.get("/messages/").content.decode()
    assert "Stiffness" not in carol_client.get("/messages/").content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(thread: Thread, anonymous: Client) -> None:
    for path in (
        f"/messages/{thread.pk}/",
        "/messages/",
        "/messages/new/",
        "/messages/settings/",
        "/clinic/messages/",
        "/clinic/messages/waiting/",
    ):
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], path


def test_a_clinician_without_the_second_factor_sees_nothing(
    thread: Thread, unverified_bob: Client
) -> None:
    for path in (f"/messages/{thread.pk}/", "/clinic/messages/", "/clinic/messages/waiting/"):
        answer = unverified_bob.get(path)
        assert answer.status_code == 302 and "/accounts/two-factor/" in answer["Location"], path
    assert unverified_bob.get(f"/api/v1/threads/{thread.pk}").status_code == 403
    assert unverified_bob.get("/api/v1/threads").status_code == 403


def test_the_door_itself_refuses_staff_without_the_second_factor(thread: Thread, bob: Any) -> None:
    """Any other way in (a new view, a command) meets the same rule: `bob` here is a plain
    user object, never verified."""
    from django.http import Http404

    with pytest.raises(Http404):
        access.access_thread(bob, thread.pk, purpose="test.read")
    with pytest.raises(Http404):
        access.access_inbox(bob, purpose="test.inbox")
    refused = AuditEvent.objects.filter(actor_id=bob.pk, outcome="refused")
    assert refused.count() == 2


def test_the_api_gives_only_the_patients_own_threads(
    thread: Thread,
    alice_client: Client,
    carol_client: Client,
    bob_client: Client,
    anonymous: Client,
) -> None:
    mine = alice_client.get("/api/v1/threads").json()
    assert [t["id"] for t in mine] == [thread.pk]
    assert carol_client.get("/api/v1/threads").json() == []
    assert alice_client.get(f"/api/v1/threads/{thread.pk}").json()["messages"][0]["author"] == "you"
    assert carol_client.get(f"/api/v1/threads/{thread.pk}").status_code == 404
    assert bob_client.get(f"/api/v1/threads/{thread.pk}").status_code == 404  # patients' own
    assert anonymous.get(f"/api/v1/threads/{thread.pk}").status_code == 401
    assert anonymous.get("/api/v1/threads").status_code == 401
    answer = carol_client.post(
        f"/api/v1/threads/{thread.pk}/messages", {"body": "hi"}, content_type="application/json"
    )
    assert answer.status_code == 404
    assert not Message.objects.filter(body="hi").exists()


def test_the_api_makes_threads_and_messages_and_names_a_bad_field(
    alice_client: Client,
) -> None:
    made = alice_client.post(
        "/api/v1/threads",
        {"subject": "A question", "body": "Is swimming fine?"},
        content_type="application/json",
    )
    assert made.status_code == 201
    thread_id = made.json()["id"]
    reply = alice_client.post(
        f"/api/v1/threads/{thread_id}/messages",
        {"body": "x" * 5001},
        content_type="application/json",
    )
    assert reply.status_code == 422
    assert any(line.startswith("body:") for line in reply.json()["errors"])
    blank = alice_client.post(
        f"/api/v1/threads/{thread_id}/messages", {"body": "   "}, content_type="application/json"
    )
    assert blank.status_code == 422 and blank.json()["errors"] == ["body: Write something first."]
    good = alice_client.post(
        f"/api/v1/threads/{thread_id}/messages", {"body": "Thanks"}, content_type="application/json"
    )
    assert good.status_code == 201 and good.json()["from_patient"] is True


def test_every_staff_read_writes_an_audit_row(
    thread: Thread, alice: Any, bob: Any, bob_client: Client
) -> None:
    message = actions.post_message(thread=thread, author=alice, body="A photo", photo=jpeg())
    bob_client.get(f"/messages/{thread.pk}/")
    b"".join(bob_client.get(f"/messages/photos/{message.pk}/").streaming_content)  # closes it
    bob_client.get("/clinic/messages/")
    bob_client.get("/clinic/messages/waiting/")
    read = _rows(bob, "messages.read")
    assert [(r.patient_id, r.object_type, r.outcome) for r in read] == [
        (alice.pk, "Thread", "allowed")
    ]
    assert [r.object_id for r in _rows(bob, "messages.photo")] == [str(message.pk)]
    # The inbox: one row for the page, one per thread shown (each names its patient).
    assert [r.patient_id for r in _rows(bob, "messages.inbox")] == [None, alice.pk]
    assert [r.patient_id for r in _rows(bob, "messages.waiting")] == [None, alice.pk]


def test_the_photo_is_served_to_whoever_may_read_the_thread_only(
    thread: Thread, alice: Any, alice_client: Client, carol_client: Client, anonymous: Client
) -> None:
    message = actions.post_message(thread=thread, author=alice, body="Here", photo=jpeg())
    url = f"/messages/photos/{message.pk}/"
    answer = alice_client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert answer["Cache-Control"] == "private, no-store"
    assert b"".join(answer.streaming_content).startswith(b"\xff\xd8")  # the JPEG itself
    assert carol_client.get(url).status_code == 404
    assert anonymous.get(url).status_code == 302


def test_a_message_with_a_nul_or_control_character_is_refused_by_name(
    alice_client: Client,
) -> None:
    """PostgreSQL cannot store NUL: the API refuses it with a 422 naming the field."""
    import json as _json

    for bad in ({"subject": "Hello\x00", "body": "fine"}, {"subject": "Hi", "body": "a\x1bb"}):
        response = alice_client.post(
            "/api/v1/threads", _json.dumps(bad), content_type="application/json"
        )
        assert response.status_code == 422, response.content
        field = "subject" if "\x00" in bad["subject"] else "body"
        assert field in response.content.decode()
    fine = {"subject": "Hi", "body": "line one\nline two\tand a tab"}
    response = alice_client.post(
        "/api/v1/threads", _json.dumps(fine), content_type="application/json"
    )
    assert response.status_code == 201
