"""The compose box, the reply, the assignment and the patient's email preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX, SUBJECT_MAX

PHOTO_ACCEPT = "image/jpeg,image/png"
WEEKDAYS = [
    ("", _("No set day (Monday, as soon as the week starts)")),
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


def _body_field() -> forms.CharField:
    return forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        help_text=_("At most %(limit)s characters.") % {"limit": f"{BODY_MAX:,}"},
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX}),
    )


def _photo_field() -> forms.FileField:
    return forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )


class ComposeForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = _body_field()
    photo = _photo_field()


class ReplyForm(forms.Form):
    body = _body_field()
    photo = _photo_field()


class StaffReplyForm(ReplyForm):
    safety = forms.BooleanField(
        label=_("Safety message: always email the patient (never held back by her email limit)"),
        required=False,
    )


class AssignForm(forms.Form):
    clinician = forms.TypedChoiceField(
        label=_("Assigned to"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, clinicians: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clinician"]
        assert isinstance(field, forms.TypedChoiceField)  # declared above: narrowing for mypy
        field.choices = [("", _("Nobody yet"))] + [
            (c.pk, c.get_full_name() or c.email) for c in clinicians
        ]


class PreferencesForm(forms.Form):
    reminder_weekday = forms.TypedChoiceField(
        label=_("Day of the weekly check-in reminder"),
        choices=WEEKDAYS,
        coerce=int,
        empty_value=None,
        required=False,
    )
    reminder_hour = forms.TypedChoiceField(
        label=_("Time of the reminder"),
        choices=[(str(h), f"{h:02d}:00") for h in range(24)],
        coerce=int,
    )
    paused = forms.BooleanField(label=_("Pause the weekly reminder"), required=False)
    weekly_cap = forms.IntegerField(
        label=_("Reminders and message notices a week, at most"),
        min_value=0,
        max_value=14,
        help_text=_("Booking confirmations and safety messages always come."),
    )

    @classmethod
    def initial_of(cls, prefs: Any) -> dict[str, Any]:
        return {
            "reminder_weekday": "" if prefs.reminder_weekday is None else prefs.reminder_weekday,
            "reminder_hour": prefs.reminder_hour,
            "paused": prefs.paused,
            "weekly_cap": prefs.weekly_cap
            if prefs.weekly_cap is not None
            else settings.MESSAGING_WEEKLY_EMAIL_CAP,
        }
