"""The intake wizard's step forms, generated from the field table (intake_fields.py).

A form only collects and checks what the patient typed; draft_answers.py turns its cleaned
data into the draft's partial intake. A screening list (symptoms, history, medicines) needs ticks or
"none of these" (never silence); another unticked box list means "none of these" for the
items the step asked; a skipped radio means "not asked" and is left out.
"""

from __future__ import annotations

import functools
from typing import Any, get_args

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from upperback.clinical import StepId

from . import draft_answers
from .intake_fields import (
    FOLLOW_UP,
    PSFS_ROWS,
    RESPONSE,
    ROW_LIMITS,
    STEP_NAMES,
    STEPS,
    TREATMENT_ROWS,
    Question,
    bounds_of,
    questions_for,
    questions_of,
)

NRS = [(str(n), str(n)) for n in range(11)]
__all__ = ["NRS", "STEPS", "STEP_NAMES", "follow_up_form", "form_class", "summary"]


def _radio(label: Any, options: Any, *, required: bool = False, css: str = "") -> forms.ChoiceField:
    attrs = {"class": css} if css else {}
    return forms.ChoiceField(
        label=label, choices=options, widget=forms.RadioSelect(attrs=attrs), required=required
    )


def _signs(asked: list[Question]) -> forms.Field:
    return forms.MultipleChoiceField(
        label=_("Do you have any of these right now?"),
        help_text=_("Tick every one that applies. Leave all unticked if none."),
        choices=[(f"{q.name}:{v}", text) for q in asked for v, text in q.labels.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _field(question: Question) -> forms.Field:
    widget, label = question.widget, question.label
    if widget == "integer":
        return forms.IntegerField(
            label=label,
            help_text=question.help_text,
            required=question.required,
            **bounds_of(question.path),
        )
    if widget == "decimal":
        limits = bounds_of(question.path)
        return forms.DecimalField(label=label, decimal_places=1, required=False, **limits)
    if widget == "nrs":
        return _radio(label, NRS, required=question.required, css=question.css)
    if widget == "scale":
        field = _radio(label, list(question.labels.items()), required=question.required)
        field.help_text = question.help_text
        return field
    if widget in ("radio", "yes_no"):
        choices = [*question.labels.items(), *question.extra.items()]
        return _radio(label, choices, required=question.required)
    return forms.MultipleChoiceField(
        label=label,
        choices=list(question.labels.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=question.help_text,
    )


def _step_names() -> list[tuple[str, str]]:
    """The plan steps a patient may have tried, named by the knowledge base."""
    from upperback.clinical import kb_name

    language = "es" if (get_language() or "en").startswith("es") else "en"
    return [(step, kb_name("step", step, language)) for step in get_args(StepId)]


def _add_treatment_rows(form: forms.Form) -> None:
    blank: list[tuple[str, Any]] = [("", _("(none)"))]
    for row in range(1, TREATMENT_ROWS + 1):
        form.fields[f"treatment_{row}"] = forms.ChoiceField(
            label=_("Treatment already tried (%(n)s)") % {"n": row},
            choices=blank + _step_names(),
            required=False,
        )
        form.fields[f"weeks_{row}"] = forms.IntegerField(
            label=_("For how many weeks"), required=False, **ROW_LIMITS["weeks"]
        )
        form.fields[f"response_{row}"] = forms.ChoiceField(
            label=_("How did it help?"), choices=blank + list(RESPONSE.items()), required=False
        )


def _add_psfs_rows(form: forms.Form) -> None:
    for row in range(1, PSFS_ROWS + 1):
        form.fields[f"activity_{row}"] = forms.CharField(
            label=_("Activity you find hard (%(n)s)") % {"n": row},
            required=False,
            **ROW_LIMITS["activity"],
        )
        form.fields[f"score_{row}"] = forms.ChoiceField(
            label=_("How well can you do it? (0 = cannot, 10 = as before)"),
            choices=[("", "-"), *NRS],
            required=False,
        )


def _check_treatment_rows(form: forms.Form, data: dict[str, Any]) -> None:
    for row in range(1, TREATMENT_ROWS + 1):
        if not data.get(f"treatment_{row}"):
            continue
        if data.get(f"weeks_{row}") is None:
            form.add_error(f"weeks_{row}", _("Say for how many weeks (0 if under a week)."))
        if not data.get(f"response_{row}"):
            form.add_error(f"response_{row}", _("Say how it helped."))


def _check_psfs_rows(form: forms.Form, data: dict[str, Any]) -> None:
    for row in range(1, PSFS_ROWS + 1):
        activity, score = (data.get(f"activity_{row}") or "").strip(), data.get(f"score_{row}")
        if activity and not score:
            form.add_error(f"score_{row}", _("Give this activity a score from 0 to 10."))
        if score and not activity:
            form.add_error(f"activity_{row}", _("Name the activity this score is for."))


_ROWS = {
    "treatments": (_add_treatment_rows, _check_treatment_rows),
    "psfs": (_add_psfs_rows, _check_psfs_rows),
}


class StepForm(forms.Form):
    """One wizard step: its fields come from the table, in the table's order."""

    step = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        signs_done = False
        for question in questions_of(self.step):
            if question.widget == "sign":
                if not signs_done:
                    asked = [q for q in questions_of(self.step) if q.widget == "sign"]
                    self.fields["signs"] = _signs(asked)
                    signs_done = True
            elif question.widget in _ROWS:
                _ROWS[question.widget][0](self)
            else:
                self.fields[question.name] = _field(question)
                if question.explicit_none:
                    self.fields[none_name(question)] = forms.BooleanField(
                        label=question.none_label, required=False
                    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in questions_of(self.step):
            if question.widget in _ROWS:
                _ROWS[question.widget][1](self, data)
            if question.explicit_none:
                _check_explicit(self, question, data)
        return data


def none_name(question: Question) -> str:
    """The form field of a screening list's "none of these" box."""
    return f"{question.name}_none"


def _check_explicit(form: forms.Form, question: Question, data: dict[str, Any]) -> None:
    """Ticks or "none of these": exactly one, so that a blank list is never sent."""
    ticked, none = bool(data.get(question.name)), bool(data.get(none_name(question)))
    if not ticked and not none:
        form.add_error(question.name, _('Tick the ones that apply, or "none of these".'))
    elif ticked and none:
        form.add_error(none_name(question), _('You ticked some of these: untick "None of these".'))


@functools.cache
def form_class(step: str) -> type[forms.Form]:
    if step not in STEP_NAMES:
        raise KeyError(step)
    return type(f"{step.title()}Form", (StepForm,), {"step": step})


def follow_up_questions(paths: list[str]) -> list[Question]:
    """The table's follow-up questions for the engine's follow-up fields, in its order."""
    return [q for path in paths for q in questions_for(path) if q.step == FOLLOW_UP]


def follow_up_form(paths: list[str], *args: Any, **kwargs: Any) -> forms.Form:
    """A form of just the follow-up questions the engine asks for (each may be left blank:
    a blank is "not given", and the engine's answer without it is the same or safer)."""
    form = forms.Form(*args, **kwargs)
    for question in follow_up_questions(paths):
        form.fields[question.name] = _field(question)
    return form


def _shown(field: forms.Field, value: Any) -> str:
    """An answer as the patient saw it: choice labels, not codes."""
    choices = {str(k): str(v) for k, v in getattr(field, "choices", [])}
    values = value if isinstance(value, list) else [value]
    return ", ".join(choices.get(str(v), str(v)) for v in values)


def _answer_shown(field: forms.Field, value: Any, explicit: bool) -> str:
    """An answer for the check-and-send page: "none of these" and "not answered" in words."""
    if value is None and explicit:
        return str(_("Not answered"))
    if value == []:
        return str(_("None of these")) if explicit else "—"
    return _shown(field, value)


def summary(answers: dict[str, Any], steps: list[str]) -> list[dict[str, Any]]:
    """Each sent step's answers as (question, answer) rows, in the wizard's order."""
    out = []
    for name, title in STEPS:
        if name not in steps:
            continue
        fields = form_class(name)().fields
        saved = draft_answers.initial(answers, name)
        explicit = {q.name for q in questions_of(name) if q.explicit_none}
        rows = [
            (str(field.label), _answer_shown(field, saved.get(key), key in explicit))
            for key, field in fields.items()
            if key in explicit or (saved.get(key) not in (None, "") and not key.endswith("_none"))
        ]
        out.append({"name": name, "title": title, "rows": rows})
    asked = [s.removeprefix(ASKED) for s in steps if s.startswith(ASKED)]
    if asked:
        form = follow_up_form(asked)
        saved = draft_answers.initial_of(answers, follow_up_questions(asked))
        rows = [
            (str(field.label), _shown(field, saved[key]) if key in saved else str(_("Not given")))
            for key, field in form.fields.items()
        ]
        out.append({"name": FOLLOW_UP, "title": _("More about your answers"), "rows": rows})
    return out


# A follow-up the wizard has asked, as recorded in the draft's completed steps.
ASKED = "asked:"
