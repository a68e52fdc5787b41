"""When an email may go to a patient, and when a message is late: plain rules, no writes.

- The weekly check-in reminder comes on the patient's chosen day and hour of its ISO week
  (`reminder_due`), not while she has paused it or used the one-click unsubscribe.
- Non-essential emails (the reminder, a new-message notice) stop once she has had her weekly
  cap of them in the last 7 days; essential ones (a safety message's notice here, and the
  clinic's booking emails, which never pass through this module) are never held back.
- A patient's message is answered on time within the clinic's target in working days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import ESSENTIAL, EmailPreferences

WEEK = dt.timedelta(days=7)
UNSUBSCRIBE_SALT = "upperback.messaging.unsubscribe"


def default_preferences(patient: Any) -> EmailPreferences:
    """What a patient who chose nothing gets (not saved): no set day, the clinic's cap."""
    return EmailPreferences(patient=patient, weekly_cap=settings.MESSAGING_WEEKLY_EMAIL_CAP)


def reminder_due(prefs: EmailPreferences, iso_year: int, iso_week: int) -> dt.datetime | None:
    """The patient's chosen day and hour in that ISO week, in the clinic's time zone; None
    when she chose no day (then it goes as soon as the week's reminder is made)."""
    if prefs.reminder_weekday is None:
        return None
    day = dt.date.fromisocalendar(iso_year, iso_week, prefs.reminder_weekday + 1)
    zone = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(prefs.reminder_hour), tzinfo=zone)


def is_essential(kind: str) -> bool:
    return kind in ESSENTIAL


def within_cap(prefs: EmailPreferences, sent_in_last_week: int, kind: str) -> bool:
    """An essential email always; else only under the weekly cap and while subscribed."""
    if is_essential(kind):
        return True
    return not prefs.unsubscribed and sent_in_last_week < prefs.weekly_cap


# The clinic's clock for answer times: only Monday to Friday run (the wall clock of the
# clinic's time zone, a week of five days). A message sent on Saturday is due as one sent at
# Monday 00:00; "due" and "late" are the same sum read both ways, so they never disagree.
_EPOCH = dt.datetime(2000, 1, 3)  # a Monday
_DAY = dt.timedelta(days=1)


def _working_time(moment: dt.datetime) -> dt.timedelta:
    local = timezone.localtime(moment).replace(tzinfo=None)
    weeks, rest = divmod(local - _EPOCH, WEEK)
    return weeks * 5 * _DAY + min(rest, 5 * _DAY)


def _moment(working: dt.timedelta) -> dt.datetime:
    weeks, rest = divmod(working, 5 * _DAY)
    local = _EPOCH + weeks * WEEK + rest
    return local.replace(tzinfo=timezone.get_current_timezone())


def _target() -> dt.timedelta:
    return settings.MESSAGING_ANSWER_TARGET_WORKING_DAYS * _DAY


def answer_due(waiting_since: dt.datetime) -> dt.datetime:
    """When the clinic's answer is due: the target in working days after the message."""
    return _moment(_working_time(waiting_since) + _target())


def late_cutoff(now: dt.datetime) -> dt.datetime:
    """A thread waiting since before this is past the target (one indexed comparison)."""
    return _moment(_working_time(now) - _target())


def _signer() -> signing.Signer:
    # No timestamp: the link in an old email keeps working, and every email carries the same.
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(patient_id: int) -> str:
    """A signed token naming the patient: the link works without a login, and nobody can
    make one for another patient without the secret key."""
    return _signer().sign_object(patient_id)


def patient_id_of(token: str) -> int | None:
    try:
        value = _signer().unsign_object(token)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(patient_id: int) -> str:
    return absolute(reverse("messaging:unsubscribe", args=[unsubscribe_token(patient_id)]))


def unsubscribe_headers(patient_id: int) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the mail client POSTs `List-Unsubscribe=One-Click`
    to the address in `List-Unsubscribe`, without a login."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(patient_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
