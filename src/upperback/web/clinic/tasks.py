"""Background work for the clinic, run by `manage.py db_worker` (django-tasks)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .messages import send_reminder_email
from .models import Appointment, Status


@task()
def send_reminder(appointment_id: int) -> bool:
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
    appointment = Appointment.objects.select_related(
        "patient", "clinician", "location", "appointment_type"
    ).get(pk=appointment_id)
    try:
        send_reminder_email(appointment)
    except Exception:
        # Unclaim so a retry can send; the failure is recorded on the task result.
        Appointment.objects.filter(pk=appointment_id).update(reminder_sent_at=None)
        raise
    return True
