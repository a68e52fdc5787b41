"""The patient's emails: a confirmation with the .ics, a reminder a day before, and a
notice when the clinic cancels.

A transactional outbox: each email is a task (django-tasks' database backend) enqueued inside
the booking's own transaction, so the task row commits with the booking or not at all; a
rolled-back booking mails nobody, and a committed one is mailed even if the web process dies
the moment after. The worker sends (tasks.py), retries on failure, and records the sending.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from . import wording
from .ics import appointment_ics
from .models import Appointment

REMINDER_BEFORE = dt.timedelta(hours=24)
CONFIRMATION = "confirmation"
CLINIC_CANCELLATION = "clinic_cancellation"


def when(appointment: Appointment) -> str:
    """The date and time in the reader's words: "Tuesday, December 8, 2026, 9:30 AM PST"."""
    return wording.when(appointment.starts_at.astimezone(appointment.location.zone))


def _email(appointment: Appointment, subject: str, intro: str) -> EmailMessage:
    location = appointment.location
    body = "\n".join(
        [
            intro,
            "",
            f"{appointment.appointment_type.display_name}: {appointment.clinician}",
            when(appointment),
            f"{location.name}, {location.address}",
            _("To change or cancel, call %(phone)s.") % {"phone": location.phone},
            _("In an emergency call %(number)s.") % {"number": location.emergency_number},
        ]
    )
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.patient.email],
    )


def message_id(appointment: Appointment, kind: str) -> str:
    """The same id every time this email is sent: a resend after a crash is recognisable (mail
    servers and clients drop a second copy with the same Message-ID)."""
    return f"<appointment-{appointment.pk}-{kind}@upperback.example>"


def send_confirmation(appointment: Appointment) -> None:
    """Booked, or moved: an appointment made by a reschedule says it was moved, not booked."""
    clinic = {"clinic": appointment.location.name}
    with translation.override(appointment.patient.preferred_language or "en"):
        if appointment.rescheduled_from_id is not None:
            subject = _("Your appointment is moved")
            intro = _("Your appointment at %(clinic)s is moved to this time.") % clinic
        else:
            subject = _("Your appointment is booked")
            intro = _("Your appointment at %(clinic)s is booked.") % clinic
        message = _email(appointment, subject, intro)
        message.extra_headers["Message-ID"] = message_id(appointment, CONFIRMATION)
        message.attach("appointment.ics", appointment_ics(appointment), "text/calendar")
    message.send()


def send_reminder_email(appointment: Appointment) -> None:
    with translation.override(appointment.patient.preferred_language or "en"):
        message = _email(
            appointment,
            _("Reminder: your appointment tomorrow"),
            _("A reminder of your appointment at %(clinic)s.")
            % {"clinic": appointment.location.name},
        )
        message.extra_headers["Message-ID"] = message_id(appointment, "reminder")
        message.attach("appointment.ics", appointment_ics(appointment), "text/calendar")
    message.send()


def after_booking(appointment: Appointment, *, now: dt.datetime) -> None:
    """Queue the confirmation and the reminder, in the booking's transaction."""
    from .tasks import send_appointment_email, send_reminder

    remind_at = appointment.starts_at - REMINDER_BEFORE
    if remind_at > now:  # booked less than a day ahead: the confirmation is the reminder
        send_reminder.using(run_after=remind_at).enqueue(appointment.pk)
    send_appointment_email.enqueue(appointment.pk, CONFIRMATION)


def send_clinic_cancellation(appointment: Appointment) -> None:
    """The clinic cancelled: when, where, the clinic's reason, how to book again.

    No clinical details (no appointment type, no clinician, no assessment): an email can be
    read by anyone with access to the patient's inbox."""
    location = appointment.location
    with translation.override(appointment.patient.preferred_language or "en"):
        subject = _("Your appointment is cancelled")
        body = "\n".join(
            [
                _("The clinic has cancelled your appointment at %(clinic)s on %(when)s.")
                % {"clinic": location.name, "when": when(appointment)},
                "",
                _("Reason: %(reason)s") % {"reason": appointment.cancellation_reason},
                "",
                _("To book another time, call %(phone)s or book online.")
                % {"phone": location.phone},
                _("In an emergency call %(number)s.") % {"number": location.emergency_number},
            ]
        )
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.patient.email],
        headers={"Message-ID": message_id(appointment, CLINIC_CANCELLATION)},
    ).send()


def after_clinic_cancellation(appointment: Appointment) -> None:
    """Queue the cancellation notice, in the cancellation's transaction."""
    from .tasks import send_appointment_email

    send_appointment_email.enqueue(appointment.pk, CLINIC_CANCELLATION)
