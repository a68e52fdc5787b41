"""Thin views over the clinic's actions and slot search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def book_for_assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return HttpResponse("Consultation booking is coming soon.")
