"""The upload form: a photo or a video straight from the phone's camera."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upperback.vision import load_library

from .models import Kind
from .names import exercise_name

ACCEPT = "image/jpeg,image/png,video/mp4,video/quicktime,video/webm"


def exercise_choices() -> list[tuple[str, Any]]:
    return [("", _("(a posture photo: no exercise)"))] + [
        (e.id, exercise_name(e.id)) for e in load_library().exercises
    ]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Kind.choices)
    file = forms.FileField(
        label=_("Photo or video"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "capture": "environment"}),
    )
    exercise = forms.ChoiceField(label=_("Exercise (for a video)"), required=False)
    view = forms.ChoiceField(
        label=_("Camera view"),
        choices=[
            ("side", _("From the side")),
            ("front", _("From the front")),
            ("back", _("From behind (photo only)")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exercise = self.fields["exercise"]
        assert isinstance(exercise, forms.ChoiceField)  # declared above: a narrowing for mypy
        exercise.choices = exercise_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.VIDEO:
            if not data.get("exercise"):
                self.add_error("exercise", _("Choose the exercise the video shows."))
            if data.get("view") == "back":
                self.add_error("view", _("Film exercises from the front or the side."))
        return data


class PointsForm(forms.Form):
    tragus_x = forms.FloatField(min_value=0)
    tragus_y = forms.FloatField(min_value=0)
    c7_x = forms.FloatField(min_value=0)
    c7_y = forms.FloatField(min_value=0)
