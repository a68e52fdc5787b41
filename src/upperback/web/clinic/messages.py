"""The patient's emails: a confirmation with the .ics, a reminder a day before, and a
notice when the clinic cancels.

All leave only after the booking commits (on_commit), so a rolled-back booking mails nobody.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .ics import appointment_ics
from .models import Appointment

REMINDER_BEFORE = dt.timedelta(hours=24)


def when(appointment: Appointment) -> str:
    local = appointment.starts_at.astimezone(appointment.location.zone)
    return f"{date_format(local, 'DATE_FORMAT')} {local:%H:%M} ({local.tzname()})"


def _email(appointment: Appointment, subject: str, intro: str) -> EmailMessage:
    location = appointment.location
    body = "\n".join(
        [
            intro,
            "",
            f"{appointment.appointment_type.name}: {appointment.clinician}",
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


def send_confirmation(appointment: Appointment) -> None:
    with translation.override(appointment.patient.preferred_language or "en"):
        message = _email(
            appointment,
            _("Your appointment is booked"),
            _("Your appointment at %(clinic)s is booked.") % {"clinic": appointment.location.name},
        )
        message.attach("appointment.ics", appointment_ics(appointment), "text/calendar")
    message.send()
    Appointment.objects.filter(pk=appointment.pk).update(confirmation_sent_at=timezone.now())


def send_reminder_email(appointment: Appointment) -> None:
    with translation.override(appointment.patient.preferred_language or "en"):
        message = _email(
            appointment,
            _("Reminder: your appointment tomorrow"),
            _("A reminder of your appointment at %(clinic)s.")
            % {"clinic": appointment.location.name},
        )
        message.attach("appointment.ics", appointment_ics(appointment), "text/calendar")
    message.send()


def after_booking(appointment: Appointment, *, now: dt.datetime) -> None:
    """Queue the confirmation and the reminder for when the booking commits."""
    pk = appointment.pk
    remind_at = appointment.starts_at - REMINDER_BEFORE
    if remind_at > now:  # booked less than a day ahead: the confirmation is the reminder
        transaction.on_commit(lambda: _enqueue_reminder(pk, remind_at))
    # robust: a mail server that is down is logged, and never turns a committed booking into
    # an error page (confirmation_sent_at stays empty, so the failure is visible).
    transaction.on_commit(lambda: send_confirmation(Appointment.objects.get(pk=pk)), robust=True)


def _enqueue_reminder(appointment_id: int, remind_at: dt.datetime) -> None:
    from .tasks import send_reminder

    send_reminder.using(run_after=remind_at).enqueue(appointment_id)


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
    ).send()


def after_clinic_cancellation(appointment: Appointment) -> None:
    """Queue the cancellation notice for when the cancellation commits (once, robustly)."""
    pk = appointment.pk
    transaction.on_commit(
        lambda: send_clinic_cancellation(Appointment.objects.get(pk=pk)), robust=True
    )
