"""`{% load choosing %}{% choosing_summary record %}`: on the result and review pages, the
options link, her preferences and what they changed, and the plan agreed with her clinician.

It reads through the access door with the viewing user, so it shows nothing to anyone else.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

from ..access import access_choices, access_outcomes
from ..presenting import choice_rows, outcome_view, plan_rows, with_preferences

register = template.Library()


@register.inclusion_tag("choosing/_summary.html", takes_context=True)
def choosing_summary(
    context: dict[str, Any], record: Any, clinician_view: bool = False
) -> dict[str, Any]:
    user = context["request"].user
    try:
        _, preferences = access_choices(user, record.pk, purpose="choosing.summary")
        outcomes = access_outcomes(user, record, purpose="choosing.outcome.read")
    except Http404:
        return {"shown": False}
    preferred = with_preferences(preferences)
    return {
        "shown": True,
        "record": record,
        "clinician_view": clinician_view,
        "choices": choice_rows(preferences),
        "changes": preferred.changes if preferred else [],
        "preferred_plan": plan_rows(preferred) if preferred else [],
        "outcomes": [outcome_view(o) for o in outcomes],
    }
