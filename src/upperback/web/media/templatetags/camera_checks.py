"""`{% load camera_checks %}{% camera_checks patient %}`: a patient's latest camera checks
(counts, posture readings and pictures), for the progress page and the clinician's view.

It reads through the access door with the viewing user, so it shows nothing to anyone else.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

from ..access import access_uploads

register = template.Library()
SHOWN = 5


@register.inclusion_tag("media/_camera_checks.html", takes_context=True)
def camera_checks(context: dict[str, Any], patient: Any) -> dict[str, Any]:
    user = context["request"].user
    try:
        uploads = list(access_uploads(user, patient.pk, purpose="media.summary")[:SHOWN])
    except Http404:
        uploads = []
    return {"uploads": uploads, "patient": patient, "user": user}
