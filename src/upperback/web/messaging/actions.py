"""Every write of messaging: threads, messages (with an optional checked photo), assignment,
the patient's email preferences, the one-click unsubscribe, the ledger of emails sent.

Keyword-only, each in one transaction. A clinician's message queues its notice email in the
same transaction (an outbox, as the clinic's emails: the task row commits with the message
or not at all); the worker sends it (tasks.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upperback.web.accounts.models import Role, User
from upperback.web.media.actions import store_checked
from upperback.web.media.models import Kind
from upperback.web.records.models import CareEpisode

from . import policy
from .models import BODY_MAX, SUBJECT_MAX, EmailPreferences, Message, SentEmail, Thread


def _clean(text: str, *, field: str, limit: int) -> str:
    """The text stripped; a clear error naming the field when empty or too long."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError({field: _("Write something first.")})
    if len(cleaned) > limit:
        raise ValidationError(
            {
                field: _("At most %(limit)d characters (this has %(count)d).")
                % {"limit": limit, "count": len(cleaned)}
            }
        )
    return cleaned


def _store_photo(patient: User, photo: Any) -> tuple[str, str]:
    """The camera uploads' own size limit and content checks (media.actions.store_checked)."""
    try:
        stored, content_type, _size = store_checked(
            patient=patient, uploaded=photo, kind=Kind.PHOTO
        )
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from None
    return stored, content_type


@transaction.atomic
def start_thread(*, patient: User, subject: str, body: str, photo: Any = None) -> Thread:
    """The patient's new thread with her first message, in her open episode of care (if she
    has one): it waits for the clinic from now."""
    subject = _clean(subject, field="subject", limit=SUBJECT_MAX)
    body = _clean(body, field="body", limit=BODY_MAX)
    now = timezone.now()
    episode = CareEpisode.objects.filter(patient=patient, closed_at=None).first()
    thread = Thread.objects.create(
        patient=patient,
        episode=episode,
        subject=subject,
        created_at=now,
        last_message_at=now,
        waiting_since=now,
    )
    _add_message(thread=thread, author=patient, body=body, photo=photo, safety=False, now=now)
    return thread


@transaction.atomic
def post_message(
    *, thread: Thread, author: User, body: str, photo: Any = None, safety: bool = False
) -> Message:
    """A message in the thread. The patient's starts (or continues) the wait; the clinic's
    ends it and queues the patient's notice email."""
    body = _clean(body, field="body", limit=BODY_MAX)
    now = timezone.now()
    from_patient = author.pk == thread.patient_id
    message = _add_message(
        thread=thread,
        author=author,
        body=body,
        photo=photo,
        safety=safety and not from_patient,
        now=now,
    )
    if from_patient:
        waiting_since = thread.waiting_since or now
    else:
        waiting_since = None
        _queue_notice(message)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now, waiting_since=waiting_since)
    thread.last_message_at, thread.waiting_since = now, waiting_since
    return message


def _add_message(
    *, thread: Thread, author: User, body: str, photo: Any, safety: bool, now: Any
) -> Message:
    name, content_type = _store_photo(thread.patient, photo) if photo else ("", "")
    return Message.objects.create(
        thread=thread,
        author=author,
        from_patient=author.pk == thread.patient_id,
        body=body,
        safety=safety,
        created_at=now,
        photo_name=name,
        photo_type=content_type,
    )


def _queue_notice(message: Message) -> None:
    from .tasks import send_message_notice

    send_message_notice.enqueue(message.pk)


@transaction.atomic
def assign_thread(*, thread: Thread, clinician: User | None) -> Thread:
    if clinician is not None and clinician.role not in (Role.CLINICIAN, Role.ADMIN):
        raise ValidationError({"clinician": _("Choose one of the clinic's clinicians.")})
    Thread.objects.filter(pk=thread.pk).update(assigned_to=clinician)
    thread.assigned_to = clinician
    return thread


@transaction.atomic
def save_preferences(
    *, patient: User, reminder_weekday: int, reminder_hour: int, paused: bool, weekly_cap: int
) -> EmailPreferences:
    """The patient's choices; saving them also subscribes her again (she chose emails)."""
    prefs, _created = EmailPreferences.objects.update_or_create(
        patient=patient,
        defaults={
            "reminder_weekday": reminder_weekday,
            "reminder_hour": reminder_hour,
            "paused": paused,
            "weekly_cap": weekly_cap,
            "unsubscribed": False,
        },
    )
    return prefs


@transaction.atomic
def unsubscribe(*, patient_id: int) -> bool:
    """The one-click unsubscribe: no more non-essential emails. Whether the patient exists."""
    patient = User.objects.filter(pk=patient_id, role=Role.PATIENT).first()
    if patient is None:
        return False
    prefs = EmailPreferences.objects.filter(patient=patient).first()
    if prefs is None:
        prefs = policy.default_preferences(patient)
    prefs.unsubscribed = True
    prefs.save()
    return True


def record_sent(*, patient_id: int, kind: str) -> SentEmail:
    return SentEmail.objects.create(patient_id=patient_id, kind=kind, sent_at=timezone.now())


@transaction.atomic
def claim_notice(*, message_id: int) -> bool:
    """Mark the message's notice as sent, once: of several workers only one sends."""
    now = timezone.now()
    return bool(
        Message.objects.filter(pk=message_id, notice_sent_at__isnull=True).update(
            notice_sent_at=now
        )
    )


def unclaim_notice(*, message_id: int) -> None:
    Message.objects.filter(pk=message_id).update(notice_sent_at=None)
