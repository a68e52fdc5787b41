"""The clinician whose calendar holds an appointment cancels it, with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from upperback.web.accounts.models import Role, User
from upperback.web.clinic import actions, setup
from upperback.web.clinic.models import (
    Appointment,
    AppointmentType,
    Clinician,
    Location,
    OccupiedCell,
    Status,
)
from upperback.web.clinic.slots import find_slots
from upperback.web.records.models import AuditEvent

from .conftest import make_user, run_due_tasks

pytestmark = pytest.mark.django_db

REASON = "Dr. Shah is away at a conference that day."


def new_audit_rows() -> Any:
    """The audit rows written from now on (the log is append-only: no row is ever deleted)."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return AuditEvent.objects.filter(pk__gt=last)


def client_for(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def booking(
    alice: User, physiatrist: Clinician, location: Location, consultation: AppointmentType
) -> Appointment:
    start = timezone.now() + dt.timedelta(days=3)
    slot = find_slots(
        appointment_type=consultation,
        clinician_id=physiatrist.pk,
        start=start,
        end=start + dt.timedelta(days=14),
    )[0]
    return actions.book(
        patient=alice,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=slot.starts_at,
    )


def url(appointment: Appointment) -> str:
    return reverse("clinic:clinic_cancel", args=[appointment.pk])


def staff(clinician: Clinician, **kwargs: Any) -> Client:
    assert clinician.user is not None
    return client_for(clinician.user, **kwargs)


def test_the_clinician_cancels_with_a_reason(booking: Appointment, physiatrist: Clinician) -> None:
    response = staff(physiatrist).post(url(booking), {"reason": f"  {REASON}  "})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("clinic:calendar"))
    cancelled = Appointment.objects.get(pk=booking.pk)
    assert cancelled.status == Status.CANCELLED
    assert cancelled.cancellation_reason == REASON
    assert not OccupiedCell.objects.filter(appointment=booking).exists()
    assert AuditEvent.objects.filter(
        actor=physiatrist.user, action="clinic.clinic_cancel", outcome="allowed"
    ).exists()


def test_the_clinic_may_cancel_inside_the_patients_window(
    booking: Appointment, physiatrist: Clinician
) -> None:
    Appointment.objects.filter(pk=booking.pk).update(
        starts_at=timezone.now() + dt.timedelta(hours=2),
        ends_at=timezone.now() + dt.timedelta(hours=3),
    )
    staff(physiatrist).post(url(booking), {"reason": REASON})
    assert Appointment.objects.get(pk=booking.pk).status == Status.CANCELLED


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_without_a_reason_it_is_refused_naming_the_field(
    booking: Appointment,
    physiatrist: Clinician,
    reason: str | None,
) -> None:
    data = {} if reason is None else {"reason": reason}
    response = staff(physiatrist).post(url(booking), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "reason" in body
    assert "Give the reason for the cancellation." in body
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED


def test_the_action_itself_wants_a_reason_from_the_clinic(booking: Appointment) -> None:
    with pytest.raises(actions.NotBookable):
        actions.cancel(appointment=booking, by_clinic=True, reason=" ")
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED


def test_get_is_refused_and_post_needs_the_csrf_token(
    booking: Appointment, physiatrist: Clinician
) -> None:
    assert staff(physiatrist).get(url(booking)).status_code == 405
    assert staff(physiatrist, csrf=True).post(url(booking), {"reason": REASON}).status_code == 403
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED


def test_another_clinician_and_the_patient_get_404_and_a_refusal_in_the_log(
    booking: Appointment,
    location: Location,
) -> None:
    other_user = make_user("eve@clinic.example", Role.CLINICIAN)
    setup.create_clinician(
        name="Dr. Eve", specialty="physiatrist", credentials="MD", user=other_user
    )
    events = new_audit_rows()
    assert client_for(other_user).post(url(booking), {"reason": REASON}).status_code == 404
    assert client_for(booking.patient).post(url(booking), {"reason": REASON}).status_code == 404
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED
    rows = {(e.actor_id, e.action, e.outcome, e.patient_id) for e in events.all()}
    assert rows == {
        (other_user.pk, "clinic.clinic_cancel", "refused", booking.patient_id),
        (booking.patient_id, "clinic.clinic_cancel", "refused", booking.patient_id),
    }


def test_the_cancelled_slot_can_be_booked_again_at_once(
    booking: Appointment,
    physiatrist: Clinician,
    location: Location,
    consultation: AppointmentType,
    bob: User,
) -> None:
    with pytest.raises(actions.SlotTaken):
        actions.book(
            patient=bob,
            clinician=physiatrist,
            location=location,
            appointment_type=consultation,
            starts_at=booking.starts_at,
        )
    staff(physiatrist).post(url(booking), {"reason": REASON})
    again = actions.book(
        patient=bob,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=booking.starts_at,
    )
    assert again.status == Status.BOOKED
    assert OccupiedCell.objects.filter(appointment=again).count() == 4


def test_the_patient_sees_the_reason_on_her_appointment_page(
    booking: Appointment,
    physiatrist: Clinician,
) -> None:
    staff(physiatrist).post(url(booking), {"reason": REASON})
    page = client_for(booking.patient).get(reverse("clinic:appointment", args=[booking.pk]))
    body = page.content.decode()
    assert "Reason given by the clinic" in body
    assert "Dr. Shah is away at a conference that day." in body


def test_the_keeper_sees_the_cancel_form_and_the_patient_does_not(
    booking: Appointment,
    physiatrist: Clinician,
) -> None:
    page = reverse("clinic:appointment", args=[booking.pk])
    assert url(booking) in staff(physiatrist).get(page).content.decode()
    assert url(booking) not in client_for(booking.patient).get(page).content.decode()
    day = booking.starts_at.astimezone(booking.location.zone).date().isoformat()
    calendar = staff(physiatrist).get(f"{reverse('clinic:calendar')}?date={day}")
    assert url(booking) in calendar.content.decode()


def test_the_patient_gets_one_email_with_the_reason_and_no_clinical_details(
    booking: Appointment,
    physiatrist: Clinician,
    mailoutbox: list[Any],
) -> None:
    run_due_tasks()  # the booking's confirmation
    mailoutbox.clear()
    client = staff(physiatrist)
    client.post(url(booking), {"reason": REASON})
    assert client.post(url(booking), {"reason": REASON}).status_code == 302  # already
    run_due_tasks()
    run_due_tasks()  # a second run sends nothing more
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.com"]
    assert REASON in mail.body
    assert "Test Spine Clinic" in mail.body
    for clinical in ("consultation", "physiatr", "Shah,", "DO, ABPMR", "assessment"):
        assert clinical.lower() not in mail.body.lower()
    assert not mail.attachments


def test_a_spanish_speaking_patient_gets_the_email_in_spanish(
    booking: Appointment,
    physiatrist: Clinician,
    mailoutbox: list[Any],
) -> None:
    User.objects.filter(pk=booking.patient_id).update(preferred_language="es")
    run_due_tasks()
    mailoutbox.clear()
    staff(physiatrist).post(url(booking), {"reason": REASON})
    run_due_tasks()
    assert mailoutbox[0].subject == "Su cita está cancelada"
    assert "Motivo: " + REASON in mailoutbox[0].body
