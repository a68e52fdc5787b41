"""The "you have a new message" email: no health data at all, only a link.

Not the message, not its subject, not the clinician's name or specialty: an inbox is often
read by others (a shared family account, a work phone's notifications). The patient follows
the link and logs in to read it. A non-essential notice carries the RFC 8058 one-click
unsubscribe headers; a safety message's notice is essential and carries none.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import policy
from .models import Message


def notice_message_id(message: Message) -> str:
    """The same id every time this notice is sent: a resend after a crash is recognisable."""
    return f"<message-{message.pk}-notice@upperback.example>"


def notice_email(message: Message, *, essential: bool) -> EmailMessage:
    patient = message.thread.patient
    link = policy.absolute(reverse("messaging:thread", args=[message.thread_id]))
    with translation.override(patient.preferred_language or "en"):
        subject = _("You have a new message")
        lines = [
            _("Your care team has sent you a message."),
            _("Log in to read it: %(link)s") % {"link": link},
            "",
            _("If you have chest pain, trouble breathing or sudden weakness, call 911 now."),
        ]
        if not essential:
            lines += [
                "",
                _("Fewer emails: %(link)s") % {"link": policy.unsubscribe_url(patient.pk)},
            ]
    headers = {"Message-ID": notice_message_id(message)}
    if not essential:
        headers.update(policy.unsubscribe_headers(patient.pk))
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[patient.email],
        headers=headers,
    )
