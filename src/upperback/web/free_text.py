"""Free text that people type, bounded everywhere it is kept.

Every field a person writes in (an override's reason, a plan note, an outcome's note, a PSFS
activity, a preference's reason, a check-in's note, an appointment's note) has one length
limit here, used by its form, by the API schema (the contract's own `max_length`) and by its
model (`max_length` and a database check, so a write that skips the form is refused too).
A megabyte of reason once made the consultation PDF work for 900 s.

Forms refuse NUL already (Django's `ProhibitNullCharactersValidator`: PostgreSQL cannot store
it); a field that is one line of words also refuses the other control characters, as the
contract does (its `pattern` on a patient's words).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from upperback.clinical import PsfsActivity

# A clinician's reason for an override, her note to the patient's plan, an outcome's note.
REASON_CHARS = 2000
NOTE_CHARS = 2000
# The outcome's "step: note" lines, one per agreed step (about 20 steps of 200 characters).
DOSES_CHARS = 4000
# A clinician's biography (admin), an appointment's note.
BIO_CHARS = 2000
APPOINTMENT_NOTE_CHARS = 1000


def _contract_pattern() -> str:
    """The contract's pattern for a patient's words on one line (its activity's)."""
    found = (getattr(m, "pattern", None) for m in PsfsActivity.model_fields["activity"].metadata)
    return str(next(p for p in found if p))


# Python's `$` also matches before a final newline; `\Z` only at the very end.
one_line = RegexValidator(
    _contract_pattern().replace("$", r"\Z"),
    message=_("Write it on one line, without control characters."),
    code="one_line",
)


def printable(text: str) -> str:
    """`text` without control, format (bidirectional overrides) or surrogate characters: for
    a name that comes with a request (an upload's file name), kept and shown as it is."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def text_field(
    label: Any, max_length: int, *, required: bool = False, rows: int | None = None, **kw: Any
) -> forms.CharField:
    """A form's free-text field, its limit said in the error beside it."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        error_messages={
            "max_length": _("Keep it under %(limit_value)d characters (it has %(show_value)d)."),
            **kw.pop("error_messages", {}),
        },
        **kw,
    )


def at_most(field: str, limit: int, *, name: str) -> models.CheckConstraint:
    """The database's own check of a text column's length (SQLite does not enforce
    `max_length`, and a TextField has none in the database)."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)
