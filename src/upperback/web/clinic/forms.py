"""Forms: every bad value gets a message naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import AppointmentType, Clinician, Location, Specialty


class BookForm(forms.Form):
    clinician = forms.ModelChoiceField(
        queryset=Clinician.objects.filter(is_active=True),
        error_messages={"invalid_choice": _("Choose a clinician from the list.")},
    )
    location = forms.ModelChoiceField(queryset=Location.objects.all())
    appointment_type = forms.ModelChoiceField(queryset=AppointmentType.objects.all())
    starts_at = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M:%S%z"],
        error_messages={"invalid": _("The start time is not a valid time.")},
    )
    assessment = forms.IntegerField(required=False, min_value=1)

    def clean_starts_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["starts_at"]
        return value.astimezone(dt.UTC)


class RescheduleForm(forms.Form):
    clinician = forms.ModelChoiceField(queryset=Clinician.objects.filter(is_active=True))
    starts_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M:%S%z"])


# Pages step days and weeks either side of a date they show: a date near either end of
# Python's range would overflow there. No clinic books outside these.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _specialties() -> list[tuple[str, Any]]:
    return [("", _("Choose a specialty")), *Specialty.choices]


class SearchForm(forms.Form):
    specialty = forms.ChoiceField(
        choices=_specialties,
        label=_("Specialty"),
        error_messages={"required": _("Choose a specialty.")},
    )
    clinician = forms.ModelChoiceField(
        queryset=Clinician.objects.filter(is_active=True),
        required=False,
        label=_("Clinician"),
        empty_label=_("Any clinician"),
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.all(),
        required=False,
        label=_("Location"),
        empty_label=_("Any location"),
    )
    date_from = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )
    days = forms.IntegerField(
        required=False, min_value=1, max_value=90, initial=14, label=_("Within days")
    )
    # The assessment the search was opened from: kept through every step, to the booking.
    assessment = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=[("completed", _("Completed")), ("no_show", _("No-show"))])


class ClinicCancelForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label=_("Reason for the cancellation"),
        help_text=_("The patient sees this and receives it by email: no clinical details."),
        error_messages={
            "required": _("Give the reason for the cancellation."),
            "max_length": _("Keep the reason under 500 characters."),
        },
    )
