"""The intake wizard's steps as Django forms, and the summary of their saved answers.

Each step's cleaned answers are stored as they are (plain JSON); `intake_mapping.build_intake`
turns the saved steps into the contract's shape. An unticked box list means "none of these"
for the items the step asked; a skipped radio means "not asked" and is left out.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import labels as L

NRS = [(str(n), str(n)) for n in range(11)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
# Asked first: the answers the emergency rules read. Grouping only; the engine decides.
WARNING_SIGNS = [
    "chest_pain_or_pressure",
    "shortness_of_breath",
    "sweating",
    "pain_to_arm_or_jaw",
    "fainting",
    "coughing_blood",
    "leg_weakness",
    "arm_weakness",
    "unsteady_walking",
    "bladder_or_bowel_change",
    "saddle_numbness",
]
SIGN_CHOICES = [
    ("character:tearing_or_ripping", _("Sudden tearing or ripping pain")),
    ("trigger:major_trauma", L.TRIGGER["major_trauma"]),
    *[(f"symptom:{s}", L.SYMPTOMS[s]) for s in WARNING_SIGNS],
]
PSFS_ROWS = 5
TREATMENT_ROWS = 3


def _multi(label: Any, options: dict[str, Any], skip: tuple[str, ...] = (), **kw: Any) -> Any:
    return forms.MultipleChoiceField(
        label=label,
        choices=[(k, v) for k, v in options.items() if k not in skip],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **kw,
    )


def _radio(label: Any, options: Any, *, required: bool = False, css: str = "") -> Any:
    attrs = {"class": css} if css else {}
    return forms.ChoiceField(
        label=label, choices=options, widget=forms.RadioSelect(attrs=attrs), required=required
    )


class SafetyForm(forms.Form):
    signs = forms.MultipleChoiceField(
        label=_("Do you have any of these right now?"),
        help_text=_("Tick every one that applies. Leave all unticked if none."),
        choices=SIGN_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    age = forms.IntegerField(label=_("Your age in years"), min_value=12, max_value=110)
    sex = _radio(_("Sex"), list(L.SEX.items()), required=True)
    intensity_now = _radio(
        _("How bad is the pain right now? (0 = no pain, 10 = worst imaginable)"),
        NRS,
        required=True,
        css="nrs",
    )
    duration_days = forms.IntegerField(
        label=_("How many days since this episode of pain began?"),
        help_text=_("0 if it started today."),
        min_value=0,
        max_value=36500,
    )


class PainForm(forms.Form):
    regions = _multi(_("Where does it hurt?"), L.REGIONS)
    intensity_worst_week = _radio(
        _("The worst it has been in the last 7 days (0-10)"), NRS, css="nrs"
    )
    onset = _radio(_("How did it start?"), list(L.ONSET.items()))
    trigger = _radio(
        _("What set it off?"), [(k, v) for k, v in L.TRIGGER.items() if k != "major_trauma"]
    )
    character = _multi(_("What does it feel like?"), L.CHARACTER, skip=("tearing_or_ripping",))
    pattern = _radio(_("How does it behave?"), list(L.PATTERN.items()))
    worse_with = _multi(_("What makes it worse?"), L.WORSE_WITH)
    better_with = _multi(_("What makes it better?"), L.BETTER_WITH)
    night_pain = _radio(_("At night"), list(L.NIGHT_PAIN.items()))
    morning_stiffness_minutes = forms.IntegerField(
        label=_("Morning stiffness, in minutes (0 if none)"),
        min_value=0,
        max_value=1440,
        required=False,
    )


class SymptomsForm(forms.Form):
    symptoms = _multi(
        _("Any of these in this episode?"),
        L.SYMPTOMS,
        skip=tuple(WARNING_SIGNS),
        help_text=_("Tick every one that applies."),
    )
    neuro_progressive = _radio(
        _("Are numbness, tingling or weakness getting worse?"),
        [*YES_NO, ("none", _("I have none of these"))],
    )


class HistoryForm(forms.Form):
    history = _multi(_("Have you had, or do you have, any of these?"), L.HISTORY)
    diagnoses = _multi(_("Has a clinician told you that you have any of these?"), L.DIAGNOSES)


class TreatmentsForm(forms.Form):
    medications = _multi(_("Which of these do you take now?"), L.MEDICATIONS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", _("(none)"))]
        for row in range(1, TREATMENT_ROWS + 1):
            self.fields[f"treatment_{row}"] = forms.ChoiceField(
                label=_("Treatment already tried (%(n)s)") % {"n": row},
                choices=blank + list(L.PLAN_STEPS.items()),
                required=False,
            )
            self.fields[f"weeks_{row}"] = forms.IntegerField(
                label=_("For how many weeks"), min_value=0, max_value=520, required=False
            )
            self.fields[f"response_{row}"] = forms.ChoiceField(
                label=_("How did it help?"),
                choices=blank + list(L.RESPONSE.items()),
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, TREATMENT_ROWS + 1):
            if not data.get(f"treatment_{row}"):
                continue
            if data.get(f"weeks_{row}") is None:
                self.add_error(f"weeks_{row}", _("Say for how many weeks (0 if under a week)."))
            if not data.get(f"response_{row}"):
                self.add_error(f"response_{row}", _("Say how it helped."))
        return data


class FunctionForm(forms.Form):
    loss_of_function = _radio(
        _("Does this pain stop you working, looking after yourself or sleeping?"), YES_NO
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, PSFS_ROWS + 1):
            self.fields[f"activity_{row}"] = forms.CharField(
                label=_("Activity you find hard (%(n)s)") % {"n": row},
                max_length=80,
                required=False,
            )
            self.fields[f"score_{row}"] = forms.ChoiceField(
                label=_("How well can you do it? (0 = cannot, 10 = as before)"),
                choices=[("", "-"), *NRS],
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, PSFS_ROWS + 1):
            activity, score = (data.get(f"activity_{row}") or "").strip(), data.get(f"score_{row}")
            if activity and not score:
                self.add_error(f"score_{row}", _("Give this activity a score from 0 to 10."))
            if score and not activity:
                self.add_error(f"activity_{row}", _("Name the activity this score is for."))
        return data


class WorkForm(forms.Form):
    desk_hours_per_day = forms.DecimalField(
        label=_("Hours a day at a desk or screen"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        required=False,
    )
    overhead_or_heavy = _radio(_("Does your work involve overhead or heavy lifting?"), YES_NO)


STEPS: list[tuple[str, Any, type[forms.Form]]] = [
    ("safety", _("Warning signs"), SafetyForm),
    ("pain", _("Your pain"), PainForm),
    ("symptoms", _("Other symptoms"), SymptomsForm),
    ("history", _("Health history"), HistoryForm),
    ("treatments", _("Medicines and treatments"), TreatmentsForm),
    ("function", _("Daily activities"), FunctionForm),
    ("work", _("Work"), WorkForm),
]
STEP_NAMES = [name for name, _title, _form in STEPS]


def form_class(step: str) -> type[forms.Form]:
    return next(form for name, _title, form in STEPS if name == step)


def to_json(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned data as JSON-safe values (Decimal -> float), dropping empty answers."""
    out: dict[str, Any] = {}
    for key, value in cleaned.items():
        if value in (None, ""):
            continue
        out[key] = float(value) if hasattr(value, "as_tuple") else value
    return out


def _shown(field: forms.Field, value: Any) -> str:
    """An answer as the patient saw it: choice labels, not codes."""
    choices = {str(k): str(v) for k, v in getattr(field, "choices", [])}
    values = value if isinstance(value, list) else [value]
    return ", ".join(choices.get(str(v), str(v)) for v in values)


def summary(answers: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each completed step's answers as (question, answer) rows, in the wizard's order."""
    out = []
    for name, title, form in STEPS:
        saved = answers.get(name)
        if saved is None:
            continue
        fields = form().fields
        rows = [
            (str(fields[key].label), _shown(fields[key], value) if value != [] else "—")
            for key, value in saved.items()
            if key in fields
        ]
        out.append({"name": name, "title": title, "rows": rows})
    return out
