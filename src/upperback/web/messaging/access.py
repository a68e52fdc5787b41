"""Every read of messages goes through the records access door (`open_door`): it checks the
permission, writes the audit row and answers 404 for anything else. A patient sees only her
own threads; the clinic's staff see the clinic's patients' threads, and only once their
second factor is verified (the middleware says so for every page; this says it again for any
other way in). Staff reads of the inbox write one audit row per thread shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from upperback.web.accounts.models import Role, User
from upperback.web.records.access import (
    _entry,
    _log,
    access_patient,
    is_clinic_staff,
    is_herself,
    open_door,
    refuse,
)

from . import policy
from .models import EmailPreferences, Message, Thread

INBOX_PAGE = 50


def is_verified_staff(user: Any) -> bool:
    """Clinic staff who passed the second factor in this session."""
    verified = getattr(user, "is_verified", None)
    return is_clinic_staff(user) and callable(verified) and bool(verified())


def may_read_thread(user: Any, patient: User) -> bool:
    """One condition a line: the patient herself; verified staff, for a clinic patient."""
    if is_herself(user, patient):
        return True
    return is_verified_staff(user) and patient.role == Role.PATIENT


def access_thread(
    user: Any, thread_id: Any, *, purpose: str, staff_only: bool = False, herself_only: bool = False
) -> Thread:
    """A thread `user` may read; `staff_only` for the clinic's acts (assign), `herself_only`
    for the API (the patient's own threads)."""

    def rule(u: Any, thread: Thread) -> bool:
        return (
            may_read_thread(u, thread.patient)
            and (not staff_only or is_verified_staff(u))
            and (not herself_only or is_herself(u, thread.patient))
        )

    query = Thread.objects.select_related("patient", "assigned_to")
    return open_door(user, query, thread_id, purpose=purpose, allowed=rule)


def thread_messages(thread: Thread) -> list[Message]:
    """The messages of a thread already opened through `access_thread` (no second audit)."""
    return list(Message.objects.filter(thread=thread).select_related("author"))


def access_message(user: Any, message_id: Any, *, purpose: str) -> Message:
    """One message (its photo), for whoever may read its thread."""
    query = Message.objects.select_related("thread__patient")
    return open_door(
        user, query, message_id, purpose=purpose, allowed=lambda u, m: may_read_thread(u, m.patient)
    )


def access_own_threads(user: Any, *, purpose: str) -> list[Thread]:
    """The patient's own threads, the latest first."""
    patient = access_patient(user, getattr(user, "pk", None), purpose=purpose, herself_only=True)
    return list(Thread.objects.filter(patient=patient).select_related("assigned_to"))


def access_preferences(user: Any, *, purpose: str) -> EmailPreferences:
    """The patient's own email preferences (the defaults, unsaved, until she chooses)."""
    patient = access_patient(user, getattr(user, "pk", None), purpose=purpose, herself_only=True)
    found = EmailPreferences.objects.filter(patient=patient).first()
    return found or policy.default_preferences(patient)


@dataclass(frozen=True)
class InboxRow:
    thread: Thread
    waiting_for: dt.timedelta | None
    due: dt.datetime | None
    late: bool


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    waiting: int
    late: int
    page: int
    pages: int


def _inbox_query(show: str) -> QuerySet[Thread]:
    threads = Thread.objects.select_related("patient", "assigned_to")
    if show == "answered":
        return threads.filter(waiting_since__isnull=True).order_by("-last_message_at", "id")
    return threads.filter(waiting_since__isnull=False).order_by("waiting_since", "id")


def _row(thread: Thread, now: dt.datetime, cutoff: dt.datetime) -> InboxRow:
    since = thread.waiting_since
    if since is None:
        return InboxRow(thread, None, None, late=False)
    return InboxRow(thread, now - since, policy.answer_due(since), late=since < cutoff)


def access_inbox(user: Any, *, purpose: str, page: int = 1, show: str = "waiting") -> Inbox:
    """One page of the clinic's threads, the longest waiting first, for verified staff.

    A fixed number of queries whatever the number of threads: the page (indexed on
    `waiting_since`), two counts, and the audit rows of the threads shown."""
    if not is_verified_staff(user):
        raise refuse(user, purpose=purpose, patient=None)
    now = timezone.now()
    cutoff = policy.late_cutoff(now)
    waiting = Thread.objects.filter(waiting_since__isnull=False)
    counts = (waiting.count(), waiting.filter(waiting_since__lt=cutoff).count())
    total = counts[0] if show != "answered" else _inbox_query(show).count()
    pages = max(1, -(-total // INBOX_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * INBOX_PAGE
    threads = list(_inbox_query(show)[start : start + INBOX_PAGE])
    # Each patient's name is patient data: the log answers "who saw her, when", as the queue's
    # (written with the request's other rows, in one chained insert: records.access.visit).
    _log(
        [
            _entry(user, purpose=purpose, patient=None, obj=None, allowed=True),
            *(
                _entry(user, purpose=purpose, patient=t.patient, obj=t, allowed=True)
                for t in threads
            ),
        ]
    )
    rows = [_row(t, now, cutoff) for t in threads]
    return Inbox(rows, waiting=counts[0], late=counts[1], page=page, pages=pages)


def clinicians() -> list[User]:
    """Who a thread can be assigned to: the clinic's active clinicians (no patient data)."""
    return list(
        User.objects.filter(role=Role.CLINICIAN, is_active=True).order_by("last_name", "email")
    )
