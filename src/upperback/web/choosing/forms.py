"""The patient's preferences form and the clinician's outcome form, built per plan."""

from __future__ import annotations

from typing import Any, get_args

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upperback.clinical import SourceId, StepId
from upperback.web.free_text import DOSES_CHARS, NOTE_CHARS, one_line, text_field
from upperback.web.records.presenting import kb_label

from .models import OTHER_CAUSE, Basis, Certainty

CHOICES = [
    ("", _("No view")),
    ("like", _("I'd like this")),
    ("unsure", _("Not sure")),
    ("rather_not", _("I'd rather not")),
]


class PreferencesForm(forms.Form):
    """One choice and one optional reason per option shown."""

    def __init__(
        self, *args: Any, steps: list[str], initial_choices: list[dict[str, Any]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        given = {item["step"]: item for item in initial_choices}
        self.steps = steps
        for step in steps:
            self.fields[f"choice_{step}"] = forms.ChoiceField(
                label=kb_label("step", step),
                choices=CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=given.get(step, {}).get("choice", ""),
            )
            self.fields[f"reason_{step}"] = forms.CharField(
                label=_("Why? (optional)"),
                required=False,
                max_length=200,
                validators=[one_line],  # the contract's preference reason is one line
                initial=given.get(step, {}).get("reason", ""),
            )

    def choices(self) -> list[dict[str, str]]:
        chosen = []
        for step in self.steps:
            choice = self.cleaned_data.get(f"choice_{step}") or ""
            if choice:
                item = {"step": step, "choice": choice}
                reason = (self.cleaned_data.get(f"reason_{step}") or "").strip()
                if reason:
                    item["reason"] = reason
                chosen.append(item)
        return chosen


def _sources() -> list[tuple[str, str]]:
    # No diagnosis is chosen for the clinician: a new outcome opens blank, never on a default
    # that one hasty save would record (and count in concordance).
    named = [(source, kb_label("source", source)) for source in get_args(SourceId)]
    blank = ("", str(_("Choose the diagnosis")))
    return [blank, *named, (OTHER_CAUSE, str(_("Another cause (name it)")))]


def _with_blank(choices: Any) -> list[tuple[str, str]]:
    return [("", str(_("Choose"))), *choices]


def _steps() -> list[tuple[str, str]]:
    return [(step, kb_label("step", step)) for step in get_args(StepId)]


class OutcomeForm(forms.Form):
    """The diagnosis, the plan agreed with the patient and the next review date."""

    source = forms.ChoiceField(label=_("Diagnosis"), choices=_sources)
    other_cause = forms.CharField(label=_("Other cause"), required=False, max_length=200)
    certainty = forms.ChoiceField(label=_("How sure"), choices=_with_blank(Certainty.choices))
    basis = forms.ChoiceField(label=_("Based on"), choices=_with_blank(Basis.choices))
    steps = forms.MultipleChoiceField(
        label=_("Agreed plan: steps kept or added"),
        choices=_steps,
        widget=forms.CheckboxSelectMultiple,
    )
    doses = text_field(_("Doses and notes, one line a step (step name: note)"), DOSES_CHARS, rows=3)
    note = text_field(_("Note for the patient"), NOTE_CHARS, rows=2)
    agreed_on = forms.DateField(
        label=_("Agreed on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    next_review = forms.DateField(
        label=_("Next review"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    withheld_reason = forms.CharField(
        label=_("Your reason to agree to a step the clinic's rules left out for this patient"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, withheld: dict[str, str] | None = None, **kwargs: Any) -> None:
        """`withheld`: the steps left out for this patient, each with the engine's reason."""
        super().__init__(*args, **kwargs)
        self.withheld = withheld or {}
        if not self.withheld:
            del self.fields["withheld_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == OTHER_CAUSE and not (data.get("other_cause") or "").strip():
            self.add_error("other_cause", _("Name the other cause."))
        held = [s for s in data.get("steps") or [] if s in self.withheld]
        if held and not (data.get("withheld_reason") or "").strip():
            left_out = "; ".join(f"{kb_label('step', s)}: {self.withheld[s]}" for s in held)
            self.add_error(
                "withheld_reason",
                _("Left out for this patient (%(left_out)s). Give your reason to agree to it.")
                % {"left_out": left_out},
            )
        agreed, review = data.get("agreed_on"), data.get("next_review")
        if agreed and review and review < agreed:
            self.add_error("next_review", _("The next review comes after the agreement."))
        return data

    def agreed_steps(self) -> list[dict[str, str]]:
        """The ticked steps in the clinic's order, each with its note from `doses`."""
        names = {label.casefold(): step for step, label in _steps()}
        names.update({step: step for step, _label in _steps()})
        notes: dict[str, str] = {}
        for line in (self.cleaned_data.get("doses") or "").splitlines():
            name, sep, note = line.partition(":")
            step = names.get(name.strip().casefold())
            if sep and step:
                notes[step] = note.strip()
        return [{"step": s, "note": notes.get(s, "")} for s in self.cleaned_data["steps"]]
