"""The events that shape an episode of care, as plain typed data.

Each is written by the web layer in the same transaction as the record it summarises (the
engine's assessment, a clinician's override, the patient's choices, the consultation's
outcome, a check-in, a booking), and read back by `derive` in the order they happened. An
event is never changed after it is written: a correction is a newer event.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Triage = Literal["emergency", "urgent", "soon", "routine", "self_care"]

# Highest first: the order in which levels win (the engine's TRIAGE_ORDER; repeated here so
# this package needs nothing but the standard library and pydantic).
TRIAGE_ORDER: tuple[Triage, ...] = ("emergency", "urgent", "soon", "routine", "self_care")

TEXT = 4000  # the longest free text an event keeps (forms bound theirs lower)


def rank(triage: str) -> int:
    """0 for an emergency, 4 for self-care."""
    return TRIAGE_ORDER.index(triage)


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConsultNeed(_Data):
    """The consultation a triage calls for: who, and within how many days."""

    recommended: bool = False
    specialty: str | None = None
    within_days: int | None = None
    because: str = Field(default="", max_length=TEXT)


class PlannedStep(_Data):
    step: str
    phase: int = 1
    review_after_days: int = 0
    delivered_by: str = "self"


class HeldStep(_Data):
    step: str
    because: str = Field(default="", max_length=TEXT)


class Removal(_Data):
    step: str
    reason: str = Field(default="", max_length=TEXT, description="written for the patient")


class Choice(_Data):
    step: str
    choice: Literal["like", "unsure", "rather_not"]
    reason: str = Field(default="", max_length=TEXT)
    change: str = Field(default="", description="what the engine did with it (contract 1.2)")
    replaced_by: str | None = None


class Diagnosis(_Data):
    source: str
    other_cause: str = Field(default="", max_length=TEXT)
    certainty: str
    basis: str


class AgreedStep(_Data):
    step: str
    note: str = Field(default="", max_length=TEXT)
    withheld_because: str = Field(default="", max_length=TEXT)
    agreed_because: str = Field(default="", max_length=TEXT)


class _Event(_Data):
    at: dt.datetime


class Assessed(_Event):
    """The engine's answer to an intake (a first answer, the patient answering again, a
    warning sign reported at a check-in, or `upperback retriage`)."""

    kind: Literal["assessed"] = "assessed"
    assessment_id: int
    triage: Triage
    consult: ConsultNeed
    steps: tuple[PlannedStep, ...] = ()
    withheld: tuple[HeldStep, ...] = ()
    retriage: bool = False


def assessed_parts(answer: dict[str, Any]) -> dict[str, Any]:
    """The parts of an `Assessed` event taken from the engine's answer (contract JSON): its
    triage, consultation, plan steps and withheld steps; `at` and `assessment_id` are added
    by whoever stores the answer."""
    consult = answer.get("consult", {})
    return {
        "kind": "assessed",
        "triage": answer["triage"],
        "consult": {
            "recommended": bool(consult.get("recommended")),
            "specialty": consult.get("specialty"),
            "within_days": consult.get("within_days"),
            "because": str(consult.get("because", ""))[:TEXT],
        },
        "steps": [
            {
                "step": s["step"],
                "phase": s.get("phase", 1),
                "review_after_days": s.get("review_after_days", 0),
                "delivered_by": s.get("delivered_by", "self"),
            }
            for s in answer.get("plan", [])
        ],
        "withheld": [
            {"step": w["step"], "because": str(w.get("because", ""))[:TEXT]}
            for w in answer.get("withheld", [])
        ],
    }


class Overridden(_Event):
    """A clinician's decision on the triage and the plan."""

    kind: Literal["overridden"] = "overridden"
    assessment_id: int
    by: int | None
    triage: Triage
    consult: ConsultNeed
    reason: str = Field(default="", max_length=TEXT, description="kept for the clinic")
    note_for_patient: str = Field(default="", max_length=TEXT)
    removed: tuple[Removal, ...] = ()


class Chose(_Event):
    """The patient's preferences on her plan (all of them, as she last sent them)."""

    kind: Literal["chose"] = "chose"
    assessment_id: int
    choices: tuple[Choice, ...] = ()


class Agreed(_Event):
    """The consultation's outcome: the clinician's diagnosis and the plan agreed with her."""

    kind: Literal["agreed"] = "agreed"
    outcome_id: int
    by: int | None
    diagnosis: Diagnosis
    steps: tuple[AgreedStep, ...] = ()
    next_review: dt.date
    note: str = Field(default="", max_length=TEXT)


class CheckedIn(_Event):
    """A check-in and the engine's review of it: the phase it moves to, each exercise's
    dose, the next review, and a consultation when the review offers one."""

    kind: Literal["checked_in"] = "checked_in"
    entry_id: int
    on: dt.date
    action: str = ""
    phase: int = 1
    phase_started_on: dt.date | None = None
    dose: dict[str, int] = Field(default_factory=dict)
    review_on: dt.date | None = None
    consult: ConsultNeed | None = None
    because: str = Field(default="", max_length=TEXT)


class Reviewed(_Event):
    """A clinician looked at the episode and left the care as it was."""

    kind: Literal["reviewed"] = "reviewed"
    by: int | None


class Booked(_Event):
    kind: Literal["booked"] = "booked"
    appointment_id: int
    starts_at: dt.datetime
    specialty: str = ""


class Moved(_Event):
    kind: Literal["moved"] = "moved"
    appointment_id: int
    starts_at: dt.datetime


class Ended(_Event):
    """An appointment no longer ahead: cancelled, attended or missed."""

    kind: Literal["ended"] = "ended"
    appointment_id: int
    status: str


Event = Annotated[
    Assessed | Overridden | Chose | Agreed | CheckedIn | Reviewed | Booked | Moved | Ended,
    Field(discriminator="kind"),
]
EVENT = TypeAdapter(Event)


def event_from_json(data: object) -> Event:
    """An event from its stored JSON (a dict or text)."""
    if isinstance(data, str | bytes):
        return EVENT.validate_json(data)
    return EVENT.validate_python(data)


def event_to_json(event: Event) -> dict[str, object]:
    return EVENT.dump_python(event, mode="json")  # type: ignore[no-any-return]


def event_to_json_text(event: Event) -> str:
    """The same as `event_to_json`, as JSON text (pydantic writes it: for bulk writes)."""
    return EVENT.dump_json(event).decode()
