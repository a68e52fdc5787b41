"""The weekly check-in reminder, by email (and on the home page), until the plan ends.

An outbox, as the clinic's emails (clinic.messages): `actions.remind_for_week` makes the
week's `WeeklyReminder` row and queues its email task in one transaction, so the row and the
task commit together or not at all. The row is unique per patient and ISO week: a second run
of the weekly task (a retry, a restarted worker, two workers at once) finds it and queues
nothing. The email task claims the row (`sent_at`) before sending, as the appointment
reminder does, so a duplicate task does not mail twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from upperback.web.messaging.actions import record_sent
from upperback.web.messaging.models import EmailKind
from upperback.web.messaging.policy import unsubscribe_headers
from upperback.web.records.models import WeeklyReminder


def message_id(reminder: WeeklyReminder) -> str:
    """The same id for every send of this week's reminder (a resend is recognisable)."""
    return (
        f"<checkin-{reminder.patient_id}-{reminder.iso_year}-W{reminder.iso_week:02d}"
        "@upperback.example>"
    )


def queue_email(reminder: WeeklyReminder) -> None:
    """Queue the reminder's email, in the caller's transaction."""
    from upperback.web.messaging.tasks import checkin_due

    from .tasks import send_checkin_reminder

    # On the patient's chosen day and hour of that week (messaging: her email preferences).
    due = checkin_due(reminder.patient, reminder.iso_year, reminder.iso_week)
    send_checkin_reminder.using(run_after=due).enqueue(reminder.pk)


def send_email(reminder: WeeklyReminder) -> None:
    """No clinical details: anyone with access to the inbox may read it."""
    patient = reminder.patient
    with translation.override(patient.preferred_language or "en"):
        body = "\n".join(
            [
                _("It is time for this week's check-in on your upper back plan."),
                _("Log in and open Progress: your pain, activities, exercise and any new signs."),
                "",
                _("If you have chest pain, trouble breathing or sudden weakness, call 911 now."),
            ]
        )
        subject = _("Your weekly check-in")
    # RFC 8058 one-click unsubscribe (messaging.policy), and the send counted for her cap.
    headers = {"Message-ID": message_id(reminder), **unsubscribe_headers(patient.pk)}
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[patient.email],
        headers=headers,
    ).send()
    record_sent(patient_id=patient.pk, kind=EmailKind.CHECKIN_REMINDER)
