"""The clinician's timeline of a patient holds her appointments and the emails sent about
them, newest first, each read through the audited door."""

from __future__ import annotations

from typing import Any

import pytest

from upperback.web.care.timeline import patient_timeline
from upperback.web.clinic import actions
from upperback.web.clinic.messages import CONFIRMATION
from upperback.web.clinic.tasks import send_appointment_email
from upperback.web.records.models import AuditEvent

from .conftest import EARLY, MONDAY, la

pytestmark = pytest.mark.django_db


def test_an_appointment_and_its_confirmation_are_on_the_timeline(
    alice: Any, physiatrist: Any, location: Any, consultation: Any
) -> None:
    appointment = actions.book(
        patient=alice,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=la(MONDAY.year, MONDAY.month, MONDAY.day, 10),
        now=EARLY,
    )
    assert send_appointment_email.call(appointment.pk, CONFIRMATION) is True
    events = patient_timeline(physiatrist.user, alice.pk)
    kinds = [e.kind for e in events]
    assert kinds == ["message", "appointment"]  # the email came after the booking
    assert "New spine consultation with Dr. Priya Shah" in events[1].label
    assert "2030-06-03 10:00" in events[1].detail
    assert events[0].label == "Email sent: Booking confirmation"
    seen = AuditEvent.objects.filter(actor=physiatrist.user, patient=alice, action="timeline.read")
    assert seen.count() == 4  # assessments, check-ins, camera checks, appointments


def test_another_patient_opens_no_timeline(alice: Any, bob: Any) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        patient_timeline(bob, alice.pk)
