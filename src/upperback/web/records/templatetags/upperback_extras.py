"""`{% optional_include "media/_progress.html" %}`: a slot other apps may fill.

The records pages offer named places (the patient's progress page, the clinician's review
page, the result page) where another app's template is rendered with the page's context when
it exists, and nothing when it does not, so apps stay optional and independent.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def optional_include(context: Any, name: str) -> SafeString:
    try:
        found = get_template(name)
    except template.TemplateDoesNotExist:
        return mark_safe("")
    return mark_safe(found.render(context.flatten(), context.get("request")))
