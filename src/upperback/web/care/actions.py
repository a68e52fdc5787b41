"""Care's writes: keyword-only arguments, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from upperback.web.accounts.models import User
from upperback.web.records.models import WeeklyReminder


def remind_for_week(*, patient: User, on: dt.date) -> WeeklyReminder | None:
    """The patient's check-in reminder for the ISO week of `on`, and its email queued in the
    same transaction; None when this week's reminder exists already (a second run)."""
    from .reminders import queue_email

    year, week, _ = on.isocalendar()
    try:
        with transaction.atomic():
            reminder = WeeklyReminder.objects.create(patient=patient, iso_year=year, iso_week=week)
            queue_email(reminder)
    except IntegrityError:
        return None
    return reminder
