"""`{% optional_include "media/_progress.html" %}`: a slot other apps may fill.

The records pages offer named places (the patient's progress page, the clinician's review
page, the result page) where another app's template is rendered with the page's context when
it exists, and nothing when it does not, so apps stay optional and independent.

`{{ consult.within_days|within_days }}`: a consultation's time limit in words ("today",
"within 3 days"), never a symbol and a unit.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag(takes_context=True)
def optional_include(context: Any, name: str) -> SafeString:
    try:
        found = get_template(name)
    except template.TemplateDoesNotExist:
        return mark_safe("")
    return mark_safe(found.render(context.flatten(), context.get("request")))


@register.filter
def within_days(days: int | None) -> str:
    if days is None:
        return ""
    if days <= 0:
        return gettext("today")
    return ngettext("within %(days)s day", "within %(days)s days", days) % {"days": days}
