"""The patient's own threads and messages in the JSON API (/api/v1/threads), for a future
mobile app. The same door and actions as the pages: a thread that is not the caller's is a
404, an anonymous caller gets 401, clinic staff without the second factor 403 (the
middleware), a text too long or empty a 422 naming the field. Photos are attached on the
web page only for now; a message says whether it has one (`has_photo`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Path, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from upperback.web.records.access import access_patient

from . import actions
from .access import access_own_threads, access_thread, thread_messages
from .models import BODY_MAX, SUBJECT_MAX, Message, Thread

router = Router(tags=["messages"], auth=django_auth)


class ErrorOut(Schema):
    """The same shape, and so the same OpenAPI component, as web/api.py's ErrorOut."""

    detail: str
    errors: list[str] = []


class MessageOut(Schema):
    id: int
    created_at: dt.datetime
    from_patient: bool
    author: str = Field(description="'you', or the clinician's name")
    body: str
    safety: bool
    has_photo: bool


class ThreadOut(Schema):
    id: int
    subject: str
    created_at: dt.datetime
    last_message_at: dt.datetime
    waiting_for_clinic: bool


class ThreadDetailOut(ThreadOut):
    messages: list[MessageOut]


# No NUL or other control characters (PostgreSQL refuses NUL in text; the others break pages
# and emails); a message keeps its line breaks and tabs, a subject is one line.
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class ThreadIn(Schema):
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX, pattern=ONE_LINE)
    body: str = Field(min_length=1, max_length=BODY_MAX, pattern=TEXT)


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=BODY_MAX, pattern=TEXT)


def _answers(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    return {**success, **{code: ErrorOut for code in errors}}


def _thread_id() -> Any:
    """A thread id: a positive 64-bit integer (a larger one would overflow the database)."""
    return Path(..., ge=1, le=2**63 - 1)  # type: ignore[type-arg]


def _caller(request: HttpRequest) -> Any:
    return getattr(request, "auth")  # noqa: B009 (ninja sets it; HttpRequest does not declare it)


def _thread_out(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "subject": thread.subject,
        "created_at": thread.created_at,
        "last_message_at": thread.last_message_at,
        "waiting_for_clinic": thread.waiting_since is not None,
    }


def _message_out(message: Message) -> dict[str, Any]:
    author = "you" if message.from_patient else message.author.get_full_name() or "care team"
    return {
        "id": message.pk,
        "created_at": message.created_at,
        "from_patient": message.from_patient,
        "author": author,
        "body": message.body,
        "safety": message.safety,
        "has_photo": bool(message.photo_name),
    }


def _invalid(error: ValidationError) -> Status[dict[str, Any]]:
    lines = [f"{field}: {text}" for field, texts in error.message_dict.items() for text in texts]
    return Status(
        422, {"detail": gettext("The request is not valid; see errors."), "errors": lines}
    )


@router.get("/threads", response=_answers({200: list[ThreadOut]}, 401, 403, 404))
def list_threads(request: HttpRequest) -> Any:
    """The caller's own threads, the latest first."""
    threads = access_own_threads(_caller(request), purpose="api.messages.list")
    return [_thread_out(t) for t in threads]


@router.post("/threads", response=_answers({201: ThreadDetailOut}, 400, 401, 403, 404, 422))
def create_thread(request: HttpRequest, payload: ThreadIn) -> Any:
    """A new thread to the care team with its first message (not for emergencies: call 911)."""
    caller = _caller(request)
    patient = access_patient(caller, caller.pk, purpose="api.messages.compose", herself_only=True)
    try:
        thread = actions.start_thread(patient=patient, subject=payload.subject, body=payload.body)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, {**_thread_out(thread), "messages": _messages(thread)})


def _messages(thread: Thread) -> list[dict[str, Any]]:
    return [_message_out(m) for m in thread_messages(thread)]


def _own_thread(request: HttpRequest, thread_id: int, purpose: str) -> Thread:
    return access_thread(_caller(request), thread_id, purpose=purpose, herself_only=True)


@router.get("/threads/{thread_id}", response=_answers({200: ThreadDetailOut}, 401, 403, 404, 422))
def get_thread(request: HttpRequest, thread_id: int = _thread_id()) -> Any:
    """One of the caller's threads with its messages, oldest first."""
    thread = _own_thread(request, thread_id, "api.messages.read")
    return {**_thread_out(thread), "messages": _messages(thread)}


@router.post(
    "/threads/{thread_id}/messages",
    response=_answers({201: MessageOut}, 400, 401, 403, 404, 422),
)
def post_message(request: HttpRequest, payload: MessageIn, thread_id: int = _thread_id()) -> Any:
    """A message in one of the caller's threads."""
    thread = _own_thread(request, thread_id, "api.messages.write")
    try:
        message = actions.post_message(thread=thread, author=_caller(request), body=payload.body)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _message_out(message))
