"""`{% checkin_reminder %}`: the home page's weekly check-in reminder, for a patient whose plan
is running and who has not checked in this ISO week (read through the audited door)."""

from __future__ import annotations

from typing import Any

from django import template

from upperback.web.accounts.models import Role
from upperback.web.care import checkins
from upperback.web.records.access import access_history, access_progress

register = template.Library()


@register.inclusion_tag("records/_checkin_reminder.html", takes_context=True)
def checkin_reminder(context: Any) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not user.is_authenticated or user.role != Role.PATIENT:
        return {"due": False}
    latest = access_history(user, user.pk, purpose="home.checkin_reminder").first()
    if latest is None:
        return {"due": False}
    entries = access_progress(user, user.pk, purpose="home.checkin_reminder")
    return {"due": checkins.reminder_due(latest, entries)}
