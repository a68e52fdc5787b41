"""The clinic's staff manage locations, closures, clinicians, hours, time off and types here."""

from __future__ import annotations

from django.contrib import admin

from upperback.web.records.admin import PatientDataAdmin

from .models import (
    Appointment,
    AppointmentType,
    Clinician,
    Closure,
    Location,
    TimeOff,
    WorkingHours,
)


class WorkingHoursInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WorkingHours
    extra = 0


class TimeOffInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TimeOff
    extra = 0


class ClosureInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Closure
    extra = 1


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "time_zone", "phone", "emergency_number", "cancellation_window_hours")
    inlines = [ClosureInline]  # holidays and closures: no times offered on those days


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "name", "location")
    list_filter = ("location",)
    date_hierarchy = "date"


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "specialty", "credentials", "is_active")
    list_filter = ("specialty", "is_active")
    exclude = ("feed_token",)  # a secret: rotated from the clinician's feed page
    inlines = [WorkingHoursInline, TimeOffInline]


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "code", "duration_minutes", "is_first_visit")


@admin.register(Appointment)
class AppointmentAdmin(PatientDataAdmin):
    """Read-only: bookings change only through the actions, which keep the cells right; each
    appointment shown is audited under its patient."""

    list_display = ("starts_at", "clinician", "appointment_type", "status")
    list_filter = ("status", "clinician")
