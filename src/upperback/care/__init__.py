"""The episode of care: what the patient's care is now, derived from what happened.

    from upperback.care import derive, Assessed
    state = derive(events)            # a CareState: triage and who set it, each step's
    state.triage, state.steps         # status, dose, next review, diagnosis, what may be booked

Pure: no web framework, no database, no clock. The web layer stores the events and the state
(a projection written in the same transaction as each event); every page reads the state.
"""

from __future__ import annotations

from upperback.care.events import (
    TRIAGE_ORDER,
    Agreed,
    AgreedStep,
    Assessed,
    Booked,
    CheckedIn,
    Choice,
    Chose,
    ConsultNeed,
    Diagnosis,
    Ended,
    Event,
    HeldStep,
    Moved,
    Overridden,
    PlannedStep,
    Removal,
    Reviewed,
    assessed_parts,
    event_from_json,
    event_to_json,
    event_to_json_text,
    rank,
)
from upperback.care.state import (
    ACTIVE,
    URGENT_WINDOW_DAYS,
    CareState,
    Status,
    StepState,
    apply,
    booking_refusal,
    booking_window_days,
    derive,
    state_from_json,
    state_to_json,
    with_specialty,
)

__all__ = [
    "ACTIVE",
    "TRIAGE_ORDER",
    "URGENT_WINDOW_DAYS",
    "Agreed",
    "AgreedStep",
    "Assessed",
    "Booked",
    "CareState",
    "CheckedIn",
    "Choice",
    "Chose",
    "ConsultNeed",
    "Diagnosis",
    "Ended",
    "Event",
    "HeldStep",
    "Moved",
    "Overridden",
    "PlannedStep",
    "Removal",
    "Reviewed",
    "Status",
    "StepState",
    "apply",
    "assessed_parts",
    "booking_refusal",
    "booking_window_days",
    "derive",
    "event_from_json",
    "event_to_json",
    "event_to_json_text",
    "rank",
    "state_from_json",
    "state_to_json",
    "with_specialty",
]
