"""The patient's care now: one typed state, derived by one pure function from the events.

Rules (also in docs/care-record.md):
- A re-assessment that does not raise the triage keeps the clinician's triage and
  consultation, the removals, the agreed plan and the patient's choices. One that raises it
  takes the higher triage and its consultation and marks the episode "needs review" (first
  in the queue) until a clinician acts; the clinician's removals, agreed plan and her choices
  stay. Nothing a clinician decided is lowered by anyone but a clinician.
- Every plan step has one status: proposed, declined (with what replaces it), agreed, agreed
  despite a contraindication (both reasons kept), removed by the clinician (the reason written
  for the patient), or withheld by the engine (its reason). For each step the latest decision
  wins; a step with none is proposed, or withheld when the engine withheld it.
- The agreed plan is the plan: once agreed, the steps it leaves out of the plan of that day are
  "removed" (not in the agreed plan); steps a later assessment adds are proposed.
- The next review is the most recent of: the first phase's review (from the assessment that
  opened the episode), a check-in's review, the agreed plan's review date.
- What may be booked follows the triage: an emergency only the call-911 page; urgent the next
  24 hours or the clinic's phone; a consultation in its window; otherwise any visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .events import (
    TEXT,
    Agreed,
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
    Reviewed,
    Triage,
    rank,
)


class Status(StrEnum):
    PROPOSED = "proposed"
    DECLINED = "declined"
    AGREED = "agreed"
    AGREED_DESPITE = "agreed_despite_contraindication"
    REMOVED = "removed"
    WITHHELD = "withheld"


ACTIVE = frozenset({Status.PROPOSED, Status.AGREED, Status.AGREED_DESPITE})

Booking = Literal["none", "call_911", "urgent", "window", "open"]
URGENT_WINDOW_DAYS = 1


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StepState(_Data):
    step: str
    phase: int = 1
    review_after_days: int = 0
    delivered_by: str = "self"
    status: Status = Status.PROPOSED
    reason: str = Field(default="", max_length=TEXT, description="why, for the patient")
    replaced_by: str | None = None
    withheld_because: str = Field(default="", max_length=TEXT)
    agreed_because: str = Field(default="", max_length=TEXT)
    note: str = Field(default="", max_length=TEXT)
    decided_by: int | None = None
    decided_at: dt.datetime | None = None
    by_agreement: bool = Field(default=False, description="removed: left out of the agreed plan")
    in_engine_plan: bool = True

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class Decision(_Data):
    """One step's latest decision (a removal, a choice, an agreement)."""

    status: Status
    reason: str = ""
    replaced_by: str | None = None
    withheld_because: str = ""
    agreed_because: str = ""
    note: str = ""
    by: int | None = None
    at: dt.datetime | None = None
    phase: int | None = None
    by_agreement: bool = False


class Appointment(_Data):
    appointment_id: int
    starts_at: dt.datetime
    specialty: str = ""


class CareState(_Data):
    """The episode now. Empty (no assessment yet) is `CareState()`."""

    opened_at: dt.datetime | None = None
    plan_started_on: dt.date | None = None
    assessment_id: int | None = None
    engine_triage: Triage | None = None
    triage: Triage | None = None
    triage_by: int | None = Field(default=None, description="the clinician; None: the engine")
    triage_set_at: dt.datetime | None = None
    clinician_triage: Triage | None = Field(
        default=None, description="the last triage a clinician set: no answer goes below it"
    )
    note_for_patient: str = Field(default="", max_length=TEXT)
    consult: ConsultNeed = ConsultNeed()
    needs_review: bool = False
    raised_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    engine_steps: tuple[PlannedStep, ...] = ()
    engine_withheld: tuple[HeldStep, ...] = ()
    decisions: dict[str, Decision] = Field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    diagnosis: Diagnosis | None = None
    diagnosed_by: int | None = None
    diagnosed_at: dt.datetime | None = None
    outcome_id: int | None = None
    outcome_note: str = Field(default="", max_length=TEXT)
    phase: int = 1
    phase_started_on: dt.date | None = None
    dose: dict[str, int] = Field(default_factory=dict)
    next_review: dt.date | None = None
    last_check_in: dt.date | None = None
    last_action: str = ""
    appointments: tuple[Appointment, ...] = ()
    last_event_at: dt.datetime | None = None

    @property
    def steps(self) -> tuple[StepState, ...]:
        return plan_steps(self)

    @property
    def active_steps(self) -> tuple[StepState, ...]:
        return tuple(s for s in self.steps if s.active)

    @property
    def triage_set_by_clinician(self) -> bool:
        return self.triage_by is not None

    @property
    def booking(self) -> Booking:
        return booking(self)

    @property
    def queue_top(self) -> bool:
        """First in the queue: an emergency, or a raise no clinician has looked at yet."""
        return self.triage == "emergency" or self.needs_review


def _withheld(state: CareState) -> dict[str, str]:
    return {held.step: held.because for held in state.engine_withheld}


def _step(planned: PlannedStep, decision: Decision | None, withheld: dict[str, str]) -> StepState:
    base = StepState(
        step=planned.step,
        phase=planned.phase,
        review_after_days=planned.review_after_days,
        delivered_by=planned.delivered_by,
    )
    if decision is None:
        if planned.step in withheld:
            return base.model_copy(
                update={"status": Status.WITHHELD, "reason": withheld[planned.step]}
            )
        return base
    return base.model_copy(
        update={
            "status": decision.status,
            "reason": decision.reason,
            "replaced_by": decision.replaced_by,
            "withheld_because": decision.withheld_because,
            "agreed_because": decision.agreed_because,
            "note": decision.note,
            "decided_by": decision.by,
            "decided_at": decision.at,
            "by_agreement": decision.by_agreement,
        }
    )


def plan_steps(state: CareState) -> tuple[StepState, ...]:
    """Every step the patient's plan names, each with its one status: the engine's plan in its
    order, then steps agreed beyond it, then the steps the engine withheld."""
    withheld = _withheld(state)
    planned = {p.step: p for p in state.engine_steps}
    out = [_step(p, state.decisions.get(p.step), withheld) for p in state.engine_steps]
    for step, decision in state.decisions.items():
        if step in planned or decision.status not in ACTIVE:
            continue
        extra = PlannedStep(step=step, phase=decision.phase or 1)
        out.append(_step(extra, decision, withheld).model_copy(update={"in_engine_plan": False}))
    shown = {s.step for s in out}
    for held in state.engine_withheld:
        if held.step not in shown:
            out.append(
                StepState(
                    step=held.step,
                    status=Status.WITHHELD,
                    reason=held.because,
                    in_engine_plan=False,
                )
            )
    return tuple(out)


def booking(state: CareState) -> Booking:
    if state.triage is None:
        return "open"
    if state.triage == "emergency":
        return "call_911"
    if state.triage == "urgent":
        return "urgent"
    if state.consult.recommended and state.consult.specialty:
        return "window"
    return "open"


def booking_window_days(state: CareState) -> int | None:
    """The days ahead a booking may be made in; None: no limit from the care."""
    kind = booking(state)
    if kind == "call_911":
        return 0
    if kind == "urgent":
        return URGENT_WINDOW_DAYS
    return None


def booking_refusal(state: CareState, starts_at: dt.datetime, now: dt.datetime) -> str | None:
    """Why the care refuses a booking at `starts_at`: "call_911" (an emergency books nothing),
    "urgent_window" (urgent care books only the next 24 hours), or None (allowed)."""
    window = booking_window_days(state)
    if window == 0:
        return "call_911"
    if window is not None and starts_at > now + dt.timedelta(days=window):
        return "urgent_window"
    return None


def with_specialty(need: ConsultNeed, triage: str, specialty: str | None) -> ConsultNeed:
    """The consultation with the specialty a clinician chose: for a visit to book (not an
    emergency, which is the emergency department, nor self-care, which books none)."""
    if not specialty or triage in ("emergency", "self_care"):
        return need
    return need.model_copy(update={"specialty": specialty, "recommended": True})


def _phase_review(steps: Iterable[PlannedStep], phase: int, start: dt.date) -> dt.date:
    """The review of a phase: the longest of its steps' review times from its start (28 days
    when it has none), as the engine's escalation counts it."""
    days = [s.review_after_days for s in steps if s.phase == phase]
    return start + dt.timedelta(days=max(days, default=28))


def _assessed(state: CareState, event: Assessed) -> CareState:
    first = state.triage is None
    raised = not first and rank(event.triage) < rank(state.triage or "self_care")
    keeps_clinician = not first and not raised and state.triage_by is not None
    update: dict[str, object] = {
        "assessment_id": event.assessment_id,
        "engine_triage": event.triage,
        "engine_steps": event.steps,
        "engine_withheld": event.withheld,
    }
    if first:
        start = event.at.date()
        update |= {
            "opened_at": event.at,
            "plan_started_on": start,
            "phase_started_on": start,
            "next_review": _phase_review(event.steps, 1, start) if event.steps else None,
        }
    floor = state.clinician_triage
    if (
        not keeps_clinician
        and floor is not None
        and not raised
        and rank(event.triage) > rank(floor)
    ):
        # An engine raise stood above the clinician's level and a new answer falls below it:
        # the care goes back to the clinician's decision, never under it.
        update |= {"triage": floor, "triage_set_at": event.at}
    elif not keeps_clinician:
        update |= {
            "triage": event.triage,
            "triage_by": None,
            "triage_set_at": event.at,
            "consult": event.consult,
            "note_for_patient": "" if raised or first else state.note_for_patient,
        }
    if raised:
        update |= {"needs_review": True, "raised_at": event.at}
    return state.model_copy(update=update)


def _overridden(state: CareState, event: Overridden) -> CareState:
    decisions = dict(state.decisions)
    for removal in event.removed:
        decisions[removal.step] = Decision(
            status=Status.REMOVED, reason=removal.reason, by=event.by, at=event.at
        )
    return state.model_copy(
        update={
            "triage": event.triage,
            "triage_by": event.by,
            "clinician_triage": event.triage,
            "triage_set_at": event.at,
            "consult": event.consult,
            "note_for_patient": event.note_for_patient,
            "decisions": decisions,
            "needs_review": False,
            "reviewed_at": event.at,
        }
    )


def _chose(state: CareState, event: Chose) -> CareState:
    decisions = dict(state.decisions)
    for choice in event.choices:
        earlier = decisions.get(choice.step)
        if choice.choice == "rather_not":
            decisions[choice.step] = Decision(
                status=Status.DECLINED,
                reason=choice.reason,
                replaced_by=choice.replaced_by,
                at=event.at,
            )
        elif earlier is not None and earlier.status == Status.DECLINED:
            del decisions[choice.step]  # she takes back a refusal: the step is proposed again
    return state.model_copy(update={"decisions": decisions, "choices": event.choices})


def _agreed(state: CareState, event: Agreed) -> CareState:
    decisions = dict(state.decisions)
    agreed = {s.step for s in event.steps}
    for planned in state.engine_steps:
        if planned.step not in agreed:
            decisions[planned.step] = Decision(
                status=Status.REMOVED, reason="", by=event.by, at=event.at, by_agreement=True
            )
    for kept in event.steps:
        decisions[kept.step] = Decision(
            status=Status.AGREED_DESPITE if kept.withheld_because else Status.AGREED,
            note=kept.note,
            withheld_because=kept.withheld_because,
            agreed_because=kept.agreed_because,
            by=event.by,
            at=event.at,
            phase=_phase_of(state, kept.step) or 1,
        )
    return state.model_copy(
        update={
            "decisions": decisions,
            "diagnosis": event.diagnosis,
            "diagnosed_by": event.by,
            "diagnosed_at": event.at,
            "outcome_id": event.outcome_id,
            "outcome_note": event.note,
            "next_review": event.next_review,
            "needs_review": False,
            "reviewed_at": event.at,
        }
    )


def _phase_of(state: CareState, step: str) -> int | None:
    return next((p.phase for p in state.engine_steps if p.step == step), None)


def _checked_in(state: CareState, event: CheckedIn) -> CareState:
    update: dict[str, object] = {
        "phase": event.phase,
        "phase_started_on": event.phase_started_on or state.phase_started_on,
        "dose": {**state.dose, **event.dose},
        "last_check_in": event.on,
        "last_action": event.action,
    }
    if event.review_on is not None:
        update["next_review"] = event.review_on
    if event.consult is not None and event.consult.recommended:
        # The review offers a consultation (no improvement, pain worse, function lost): it is
        # offered now, and a clinician sees the episode first in the queue.
        if not state.consult.recommended or (state.consult.within_days or 999) > (
            event.consult.within_days or 999
        ):
            update["consult"] = event.consult
        update |= {"needs_review": True, "raised_at": event.at}
    return state.model_copy(update=update)


def _reviewed(state: CareState, event: Reviewed) -> CareState:
    return state.model_copy(update={"needs_review": False, "reviewed_at": event.at})


def _booked(state: CareState, event: Booked) -> CareState:
    kept = tuple(a for a in state.appointments if a.appointment_id != event.appointment_id)
    added = Appointment(
        appointment_id=event.appointment_id, starts_at=event.starts_at, specialty=event.specialty
    )
    return state.model_copy(
        update={"appointments": tuple(sorted((*kept, added), key=lambda a: a.starts_at))}
    )


def _moved(state: CareState, event: Moved) -> CareState:
    moved = tuple(
        a.model_copy(update={"starts_at": event.starts_at})
        if a.appointment_id == event.appointment_id
        else a
        for a in state.appointments
    )
    return state.model_copy(
        update={"appointments": tuple(sorted(moved, key=lambda a: a.starts_at))}
    )


def _ended(state: CareState, event: Ended) -> CareState:
    kept = tuple(a for a in state.appointments if a.appointment_id != event.appointment_id)
    return state.model_copy(update={"appointments": kept})


def apply(state: CareState, event: Event) -> CareState:
    """The state after one more event (events come in the order they happened)."""
    match event:
        case Assessed():
            after = _assessed(state, event)
        case Overridden():
            after = _overridden(state, event)
        case Chose():
            after = _chose(state, event)
        case Agreed():
            after = _agreed(state, event)
        case CheckedIn():
            after = _checked_in(state, event)
        case Reviewed():
            after = _reviewed(state, event)
        case Booked():
            after = _booked(state, event)
        case Moved():
            after = _moved(state, event)
        case Ended():
            after = _ended(state, event)
    return after.model_copy(update={"last_event_at": event.at})


def derive(events: Iterable[Event]) -> CareState:
    """The episode's state from all its events, oldest first."""
    state = CareState()
    for event in events:
        state = apply(state, event)
    return state


def state_from_json(data: object) -> CareState:
    if isinstance(data, str | bytes):
        return CareState.model_validate_json(data)
    return CareState.model_validate(data)


def state_to_json(state: CareState) -> dict[str, object]:
    return state.model_dump(mode="json")
