"""`{% visitor_safety %}`: the warning-sign step on the home page, for a visitor (no account):
the first question is on the first page, and an emergency answer goes straight to call 911."""

from __future__ import annotations

from typing import Any

from django import template

from upperback.web.records import draft_answers
from upperback.web.records.visitor import FIRST, SESSION_KEY, safety_form

register = template.Library()


@register.inclusion_tag("records/_visitor_safety.html", takes_context=True)
def visitor_safety(context: Any) -> dict[str, Any]:
    request = context.get("request")
    held = (request.session.get(SESSION_KEY) if request is not None else None) or {}
    initial = draft_answers.initial(dict(held.get("answers") or {}), FIRST)
    return {
        "form": safety_form(initial=initial),
        "csrf_token": context.get("csrf_token"),
        "started": bool(held.get("done")),
    }
