"""Every write to the clinic's calendar: keyword-only arguments, one transaction each.

The double-booking guard is the database's: `_hold` inserts one OccupiedCell per 15 minutes
and the unique constraint on (clinician, cell) refuses any overlap, whichever request loses
the race and whichever engine runs it. Views call these after the access door.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upperback.care import Booked, Ended, booking_refusal
from upperback.web.accounts.models import User
from upperback.web.records import episodes
from upperback.web.records.models import AssessmentRecord

from . import messages
from .models import Appointment, AppointmentType, Clinician, Location, OccupiedCell, Status
from .slots import cells, find_slots


class BookingError(Exception):
    """A booking the clinic cannot accept; the message is for the patient."""


class SlotTaken(BookingError):
    def __init__(self) -> None:
        super().__init__(_("That time was just taken. Here are the times still free."))


class NotBookable(BookingError):
    pass


class CancellationClosed(BookingError):
    pass


def _check_offered(
    *,
    clinician: Clinician,
    location: Location,
    appointment_type: AppointmentType,
    starts_at: dt.datetime,
    now: dt.datetime,
) -> None:
    """The time must be one the slot search offers: working hours, no time off, future."""
    if clinician.specialty not in appointment_type.specialties:
        raise NotBookable(
            _("%(who)s does not offer %(what)s.")
            % {"who": clinician.name, "what": appointment_type.name}
        )
    offered = find_slots(
        appointment_type=appointment_type,
        clinician_id=clinician.pk,
        location=location,
        start=starts_at,
        end=starts_at + appointment_type.duration,
        now=now,
    )
    if not any(slot.starts_at == starts_at for slot in offered):
        if starts_at <= now:
            raise NotBookable(_("That time has passed."))
        # Busy or outside the clinician's hours: either way it is not free.
        raise SlotTaken()


def _check_care_allows(
    patient_id: int, location: Location, starts_at: dt.datetime, now: dt.datetime
) -> None:
    """What the patient's care now allows to be booked (the episode's state): an emergency
    nothing (the call-911 page instead); urgent care only the next 24 hours (else the phone)."""
    refused = booking_refusal(episodes.open_state(patient_id), starts_at, now)
    if refused == "call_911":
        raise NotBookable(
            _(
                "Your answers need emergency care now: call 911 or go to the nearest emergency "
                "department. A clinic visit cannot be booked instead."
            )
        )
    if refused == "urgent_window":
        raise NotBookable(
            _(
                "Your care is urgent: book a time within the next 24 hours, or call the clinic "
                "on %(phone)s."
            )
            % {"phone": location.phone}
        )


def _booked(appointment: Appointment, now: dt.datetime) -> None:
    episodes.record(
        patient=appointment.patient_id,
        event=Booked(
            at=now,
            appointment_id=appointment.pk,
            starts_at=appointment.starts_at,
            specialty=appointment.clinician.specialty,
        ),
    )


def _ended(appointment: Appointment, now: dt.datetime) -> None:
    episodes.record(
        patient=appointment.patient_id,
        event=Ended(at=now, appointment_id=appointment.pk, status=appointment.status),
    )


def _hold(appointment: Appointment) -> None:
    """Insert the appointment's cells; IntegrityError means another booking owns one."""
    OccupiedCell.objects.bulk_create(
        OccupiedCell(clinician_id=appointment.clinician_id, appointment=appointment, starts_at=c)
        for c in cells(appointment.starts_at, appointment.ends_at)
    )


def _release(appointment: Appointment, status: str, now: dt.datetime) -> None:
    appointment.status = status
    appointment.status_changed_at = now
    appointment.save(update_fields=["status", "status_changed_at"])
    appointment.cells.all().delete()


def book(
    *,
    patient: User,
    clinician: Clinician,
    location: Location,
    appointment_type: AppointmentType,
    starts_at: dt.datetime,
    assessment: AssessmentRecord | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Book one appointment, or raise SlotTaken / NotBookable. Emails after commit."""
    now = now or timezone.now()
    _check_care_allows(patient.pk, location, starts_at, now)
    _check_offered(
        clinician=clinician,
        location=location,
        appointment_type=appointment_type,
        starts_at=starts_at,
        now=now,
    )
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                patient=patient,
                clinician=clinician,
                location=location,
                appointment_type=appointment_type,
                starts_at=starts_at,
                ends_at=starts_at + appointment_type.duration,
                note=note,
                assessment=assessment,
            )
            _hold(appointment)
            _booked(appointment, now)
            messages.after_booking(appointment, now=now)
    except IntegrityError:
        raise SlotTaken() from None
    return appointment


def reschedule(
    *,
    appointment: Appointment,
    starts_at: dt.datetime,
    clinician: Clinician | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move an appointment: the new time is held before the old one is released."""
    now = now or timezone.now()
    _check_change_allowed(appointment, now)
    _check_care_allows(appointment.patient_id, appointment.location, starts_at, now)
    clinician = clinician or appointment.clinician
    _check_offered(
        clinician=clinician,
        location=appointment.location,
        appointment_type=appointment.appointment_type,
        starts_at=starts_at,
        now=now,
    )
    try:
        with transaction.atomic():
            old = Appointment.objects.select_for_update().get(pk=appointment.pk)
            _check_change_allowed(old, now)
            new = Appointment.objects.create(
                patient=old.patient,
                clinician=clinician,
                location=old.location,
                appointment_type=old.appointment_type,
                starts_at=starts_at,
                ends_at=starts_at + old.appointment_type.duration,
                note=old.note,
                rescheduled_from=old,
                assessment_id=old.assessment_id,
            )
            _hold(new)  # held first: if this fails, `old` is untouched
            _release(old, Status.RESCHEDULED, now)
            _ended(old, now)
            _booked(new, now)
            messages.after_booking(new, now=now)
    except IntegrityError:
        raise SlotTaken() from None
    return new


def _check_change_allowed(appointment: Appointment, now: dt.datetime) -> None:
    if appointment.status != Status.BOOKED:
        raise NotBookable(_("This appointment is no longer active."))
    window = dt.timedelta(hours=appointment.location.cancellation_window_hours)
    if now > appointment.starts_at - window:
        raise CancellationClosed(
            _(
                "Changes close %(hours)s hours before the appointment. Please call the clinic on "
                "%(phone)s."
            )
            % {
                "hours": appointment.location.cancellation_window_hours,
                "phone": appointment.location.phone,
            }
        )


@transaction.atomic
def cancel(
    *,
    appointment: Appointment,
    by_clinic: bool = False,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancel and free the time. Patients only within the window; the clinic at any time,
    with a reason that is kept, shown to the patient and emailed to her after commit."""
    now = now or timezone.now()
    reason = reason.strip()
    if by_clinic and not reason:
        raise NotBookable(_("Give the reason for the cancellation."))
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if by_clinic:
        if locked.status != Status.BOOKED:
            raise NotBookable(_("This appointment is no longer active."))
    else:
        _check_change_allowed(locked, now)
    _release(locked, Status.CANCELLED, now)
    _ended(locked, now)
    if by_clinic:
        locked.cancellation_reason = reason
        locked.save(update_fields=["cancellation_reason"])
        messages.after_clinic_cancellation(locked)
    return locked


@transaction.atomic
def mark_attendance(
    *, appointment: Appointment, status: str, now: dt.datetime | None = None
) -> Appointment:
    """A clinician records a booked appointment as completed or a no-show, once it began."""
    now = now or timezone.now()
    if status not in (Status.COMPLETED, Status.NO_SHOW):
        raise NotBookable(_("Attendance is either completed or no-show."))
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status not in (Status.BOOKED, Status.COMPLETED, Status.NO_SHOW):
        raise NotBookable(_("A cancelled appointment has no attendance."))
    if locked.starts_at > now:
        raise NotBookable(_("Attendance can be recorded once the appointment has started."))
    locked.status = status
    locked.status_changed_at = now
    locked.save(update_fields=["status", "status_changed_at"])
    _ended(locked, now)
    return locked


@transaction.atomic
def rotate_feed_token(*, clinician: Clinician) -> Clinician:
    from .models import new_feed_token

    clinician.feed_token = new_feed_token()
    clinician.save(update_fields=["feed_token"])
    return clinician
