"""Threads of messages between a patient and her care team; her email preferences; a ledger
of the non-essential emails sent to her (for the weekly cap).

A thread belongs to the patient (`patient`) and to the episode of care open when it began
(`episode`, the care record's `CareEpisode`; none before her first assessment).
`waiting_since` is the time of the patient's oldest message not yet answered by the clinic
(None once the clinic has answered): the inbox sorts on it, through its index, so a page
costs the same at 100 or 10,000 threads.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from upperback.web.accounts.models import User

SUBJECT_MAX = 120
BODY_MAX = 5000


class Thread(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="threads"
    )
    # The episode of care open when the thread began (None before her first assessment):
    # the thread stays hers whatever becomes of the episode.
    episode = models.ForeignKey(
        "records.CareEpisode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threads",
    )
    subject = models.CharField(max_length=SUBJECT_MAX)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_threads",
    )
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    waiting_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["waiting_since", "id"], name="thread_waiting"),
            models.Index(fields=["-last_message_at", "id"], name="thread_recent"),
            models.Index(fields=["patient", "-last_message_at"], name="thread_patient"),
        ]

    def __str__(self) -> str:
        return f"thread {self.pk} of {self.patient_id}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_written"
    )
    from_patient = models.BooleanField()
    body = models.TextField(max_length=BODY_MAX)
    # A clinician's message marked as safety: its notice is never held back by the weekly cap.
    safety = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    # An optional photo, checked and stored as the camera uploads are (media.actions).
    photo_name = models.CharField(max_length=255, blank=True)
    photo_type = models.CharField(max_length=16, blank=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk} in thread {self.thread_id}"

    @property
    def patient(self) -> User:
        """The thread's patient: the access door reads `.patient` of what it opens."""
        return self.thread.patient


class EmailPreferences(models.Model):
    """What the patient chose: when the weekly check-in reminder comes, a pause, and how many
    non-essential emails a week at most. `unsubscribed` is set by the one-click link."""

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    # None: no day chosen, the reminder goes when the week's reminder is made (Monday's run).
    reminder_weekday = models.PositiveSmallIntegerField(
        _("Day of the weekly reminder"), null=True, blank=True, validators=[MaxValueValidator(6)]
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("Time of the weekly reminder"), default=9, validators=[MaxValueValidator(23)]
    )
    paused = models.BooleanField(_("Pause the weekly reminder"), default=False)
    unsubscribed = models.BooleanField(default=False)
    weekly_cap = models.PositiveSmallIntegerField(
        _("Non-essential emails a week, at most"),
        validators=[MinValueValidator(0), MaxValueValidator(14)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"email preferences of {self.patient_id}"


class EmailKind(models.TextChoices):
    CHECKIN_REMINDER = "checkin_reminder", _("Weekly check-in reminder")
    MESSAGE_NOTICE = "message_notice", _("New message notice")
    SAFETY_NOTICE = "safety_notice", _("Safety message notice")


ESSENTIAL = frozenset({EmailKind.SAFETY_NOTICE})


class SentEmail(models.Model):
    """One email sent to a patient by this app or the reminder: the cap counts these."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_emails"
    )
    kind = models.CharField(max_length=24, choices=EmailKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["patient", "sent_at"], name="sentemail_patient")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.patient_id} at {self.sent_at:%Y-%m-%d %H:%M}"
