"""The clinic's calendar: locations, clinicians, working hours, time off, appointments.

Working hours are wall-clock times in the location's time zone (a clinician who starts at
8:00 starts at 8:00 on both sides of a daylight-saving change); every instant stored is an
aware UTC datetime. Booking integrity lives in the database: an active appointment owns one
`OccupiedCell` row per 15-minute cell it covers, and a unique constraint on (clinician, cell)
makes two overlapping bookings impossible on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from upperback.web.free_text import APPOINTMENT_NOTE_CHARS, BIO_CHARS, at_most

# The grid every appointment is aligned to; durations are whole multiples of it.
CELL = dt.timedelta(minutes=15)


class Specialty(models.TextChoices):
    """The bookable subset of the contract's consult specialties (upperback.clinical.contract)."""

    SPINE_SURGEON = "spine_surgeon", _("Spine surgeon")
    PHYSIATRIST = "physiatrist", _("Physiatrist (physical medicine and rehabilitation)")
    PHYSICAL_THERAPIST = "physical_therapist", _("Physical therapist")
    CHIROPRACTOR = "chiropractor", _("Chiropractor")
    MASSAGE_THERAPIST = "massage_therapist", _("Massage therapist")
    ACUPUNCTURIST = "acupuncturist", _("Acupuncturist")
    RHEUMATOLOGIST = "rheumatologist", _("Rheumatologist")
    PRIMARY_CARE = "primary_care", _("Primary care physician")


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Location(models.Model):
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    phone = models.CharField(max_length=40)
    emergency_number = models.CharField(max_length=20, default="911")
    # Patients may cancel or reschedule until this many hours before the start.
    cancellation_window_hours = models.PositiveIntegerField(default=24)

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Clinician(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="clinician_profile",
        null=True,
        blank=True,
    )
    name = models.CharField(max_length=200)
    specialty = models.CharField(max_length=32, choices=Specialty.choices)
    credentials = models.CharField(max_length=200, help_text="e.g. MD, board-certified")
    bio = models.TextField(blank=True, max_length=BIO_CHARS)
    is_active = models.BooleanField(default=True)
    # The secret in the private iCalendar feed URL; rotate it to revoke old subscriptions.
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    class Meta:
        ordering = ["name"]
        constraints = [at_most("bio", BIO_CHARS, name="clinic_clinician_bio_length")]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}"


class AppointmentType(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    duration_minutes = models.PositiveIntegerField()
    # Which specialties offer this type (a list of Specialty values).
    specialties = models.JSONField(default=list)
    # The type offered to a patient coming from an assessment (a first visit, not a follow-up).
    is_first_visit = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def display_name(self) -> str:
        """The name in the reader's language ("Sesión de fisioterapia"), by the type's code."""
        from .wording import type_name

        return type_name(self.code, self.name)

    def clean(self) -> None:
        if self.duration_minutes <= 0 or self.duration % CELL:
            raise ValidationError(
                {"duration_minutes": _("The duration must be a positive multiple of 15 minutes.")}
            )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One weekly block of wall-clock hours at one location."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="hours")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.IntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["clinician", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="clinic_hours_end_after_start"
            ),
        ]

    def clean(self) -> None:
        for name in ("starts", "ends"):
            value: dt.time = getattr(self, name)
            if value.minute % 15 or value.second or value.microsecond:
                raise ValidationError({name: _("Use a time on the quarter hour.")})


class TimeOff(models.Model):
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="clinic_time_off_end_after_start",
            ),
            at_most("reason", 200, name="clinic_time_off_reason_length"),
        ]


class Closure(models.Model):
    """A day a location is closed (a public holiday, a closure): no time is offered that day,
    whatever the clinicians' working hours say. Dates are the location's own."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    name = models.CharField(max_length=100, help_text="e.g. Christmas Day")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="clinic_closure_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.location}: {self.name} ({self.date:%Y-%m-%d})"


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


class Appointment(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    note = models.TextField(blank=True, max_length=APPOINTMENT_NOTE_CHARS)
    # Why the patient came: the assessment whose call to action led here.
    assessment = models.ForeignKey(
        "records.AssessmentRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Why the clinic cancelled (required then); shown to the patient and in her email.
    cancellation_reason = models.CharField(max_length=500, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # Set by one atomic conditional UPDATE, so a reminder goes out at most once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # When the clinic's cancellation notice went out (the outbox task skips a second send).
    cancellation_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["clinician", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="clinic_appointment_end_after_start",
            ),
            at_most("note", APPOINTMENT_NOTE_CHARS, name="clinic_appointment_note_length"),
            at_most("cancellation_reason", 500, name="clinic_appointment_cancellation_length"),
        ]

    def __str__(self) -> str:
        when = f"{self.starts_at:%Y-%m-%d %H:%M}"
        return f"{self.appointment_type} with {self.clinician.name} at {when}"

    @property
    def is_active(self) -> bool:
        return self.status == Status.BOOKED


class OccupiedCell(models.Model):
    """A 15-minute cell of a clinician's time held by an active appointment.

    The unique constraint is the double-booking guard: two appointments that overlap share
    at least one cell, and the database refuses the second insert whatever the engine.
    Cells are deleted when the appointment stops being active (cancelled, rescheduled).
    """

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="cells")
    starts_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "starts_at"], name="clinic_one_booking_per_clinician_cell"
            ),
        ]
