"""Background work for the clinic, run by `manage.py worker` (django-tasks' database worker).

The emails are an outbox: `messages` enqueues them in the booking's transaction; here the
worker sends them. A failed send is retried later (RETRY_DELAYS); a task a killed worker left
running is run again once its lease expires (`outbox.requeue_abandoned`). Each email records
its sending on the appointment, and a run that finds it recorded sends nothing, so a retry or a
duplicate in the queue does not mail twice. The one window left is a worker killed between
the send and that record (a few milliseconds): the rerun sends again, under the same
Message-ID. At least once, never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils import timezone
from django_tasks import task

from upperback.web import queues

from . import outbox
from .messages import (
    CLINIC_CANCELLATION,
    CONFIRMATION,
    send_clinic_cancellation,
    send_confirmation,
    send_reminder_email,
)
from .models import Appointment, Status

logger = logging.getLogger(__name__)

# kind -> (the field that records the sending, the sender)
EMAILS: dict[str, tuple[str, Callable[[Appointment], None]]] = {
    CONFIRMATION: ("confirmation_sent_at", send_confirmation),
    CLINIC_CANCELLATION: ("cancellation_notice_sent_at", send_clinic_cancellation),
}


def _appointment(appointment_id: int) -> Appointment:
    return Appointment.objects.select_related(
        "patient", "clinician", "location", "appointment_type"
    ).get(pk=appointment_id)


@task(queue_name=queues.URGENT)
def send_appointment_email(appointment_id: int, kind: str, attempt: int = 1) -> bool:
    """Send one of the appointment's emails unless it was sent; returns whether it sent."""
    field, send = EMAILS[kind]
    appointment = _appointment(appointment_id)
    if getattr(appointment, field) is not None:
        return False
    try:
        send(appointment)
    except Exception:
        outbox.retry_later(send_appointment_email, appointment_id, kind, attempt=attempt)
        raise
    recorded = {f"{field}__isnull": True}
    Appointment.objects.filter(pk=appointment_id, **recorded).update(**{field: timezone.now()})
    return True


@task(queue_name=queues.URGENT)
def send_reminder(appointment_id: int, attempt: int = 1) -> bool:
    """Send the day-before reminder at most once; none for a cancelled or moved appointment.

    The claim is one conditional UPDATE: of any number of workers running this task for the
    same appointment, exactly one sees a row updated and sends. Returns whether it sent.
    """
    now = timezone.now()
    claimed = Appointment.objects.filter(
        pk=appointment_id, status=Status.BOOKED, reminder_sent_at__isnull=True, starts_at__gt=now
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    appointment = _appointment(appointment_id)
    try:
        send_reminder_email(appointment)
    except Exception:
        # Unclaim so the retry can send; the failure is recorded on the task result.
        Appointment.objects.filter(pk=appointment_id).update(reminder_sent_at=None)
        outbox.retry_later(send_reminder, appointment_id, attempt=attempt)
        raise
    return True


def unclaim_reminder(appointment_id: int) -> None:
    """Undo a day-before reminder's claim (outbox: its worker was killed before it sent)."""
    Appointment.objects.filter(pk=appointment_id).update(reminder_sent_at=None)
