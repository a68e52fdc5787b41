"""Background work of messaging, run by `manage.py worker`: the new-message notice, and the
patient's preferences as the weekly check-in reminder (care.tasks) consults them.

No user asks here (a worker has no request): these read a patient's preferences and the
emails she was sent, to decide whether one more may go.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from django_tasks import task

from upperback.web import queues
from upperback.web.accounts.models import User
from upperback.web.clinic import outbox

from . import actions, emails, policy
from .models import EmailKind, EmailPreferences, Message, SentEmail

Decision = Literal["send", "hold", "later"]


def preferences_of(patient: User) -> EmailPreferences:
    found = EmailPreferences.objects.filter(patient=patient).first()
    return found or policy.default_preferences(patient)


def sent_in_last_week(patient_id: int, now: dt.datetime) -> int:
    """Non-essential emails sent to the patient in the 7 days before `now`."""
    return SentEmail.objects.filter(
        patient_id=patient_id,
        sent_at__gt=now - policy.WEEK,
        kind__in=[EmailKind.CHECKIN_REMINDER, EmailKind.MESSAGE_NOTICE],
    ).count()


def may_email(patient: User, kind: str, now: dt.datetime) -> bool:
    prefs = preferences_of(patient)
    return policy.within_cap(prefs, sent_in_last_week(patient.pk, now), kind)


def checkin_due(patient: User, iso_year: int, iso_week: int) -> dt.datetime | None:
    """When the patient wants that week's reminder (her day and hour)."""
    return policy.reminder_due(preferences_of(patient), iso_year, iso_week)


def checkin_decision(
    patient: User, iso_year: int, iso_week: int
) -> tuple[Decision, dt.datetime | None]:
    """For a week's queued reminder: send it now, hold it (paused, unsubscribed, the cap
    reached), or later (she moved her day or hour since it was queued: at the new time)."""
    now = timezone.now()
    prefs = preferences_of(patient)
    due = policy.reminder_due(prefs, iso_year, iso_week)
    if prefs.paused:
        return "hold", due
    if due is not None and due > now:
        return "later", due
    sent = sent_in_last_week(patient.pk, now)
    return ("send" if policy.within_cap(prefs, sent, EmailKind.CHECKIN_REMINDER) else "hold"), due


@task(queue_name=queues.URGENT)  # a clinician's answer, and safety notices: first
def send_message_notice(message_id: int, attempt: int = 1) -> bool:
    """Email the patient that a clinician wrote, at most once; whether it sent."""
    message = Message.objects.select_related("thread__patient").get(pk=message_id)
    kind = EmailKind.SAFETY_NOTICE if message.safety else EmailKind.MESSAGE_NOTICE
    patient = message.thread.patient
    if not may_email(patient, kind, timezone.now()) or not actions.claim_notice(
        message_id=message_id
    ):
        return False
    try:
        emails.notice_email(message, essential=policy.is_essential(kind)).send()
    except Exception:
        actions.unclaim_notice(message_id=message_id)
        outbox.retry_later(send_message_notice, message_id, attempt=attempt)
        raise
    actions.record_sent(patient_id=patient.pk, kind=kind)
    return True
