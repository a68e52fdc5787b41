"""The care record's rules as properties, over the engine's answers to the validation cases
with random sequences of events (overrides, choices, agreements, check-ins, reviews, new
answers): what a clinician decided and what the patient chose survive any answer that does
not raise the triage; a raise always needs review and tops the queue; a declined or removed
step is never active."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upperback.care import (
    TRIAGE_ORDER,
    Agreed,
    AgreedStep,
    Assessed,
    CareState,
    CheckedIn,
    Choice,
    Chose,
    ConsultNeed,
    Diagnosis,
    Overridden,
    Removal,
    Reviewed,
    Status,
    apply,
    assessed_parts,
    derive,
    rank,
)
from upperback.clinical import StepId, assess
from upperback.clinical.validation.cases import load_cases

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
STEPS = get_args(StepId)  # the clinic's plan steps


@functools.cache
def engine_answers() -> tuple[dict[str, Any], ...]:
    """The engine's answer to every validation case, as an Assessed event's parts."""
    return tuple(assessed_parts(assess(c.intake).model_dump(mode="json")) for c in load_cases())


def _assessed(index: int, at: dt.datetime, assessment_id: int) -> Assessed:
    parts = engine_answers()[index % len(engine_answers())]
    return Assessed.model_validate({**parts, "at": at, "assessment_id": assessment_id})


triages = st.sampled_from(TRIAGE_ORDER)
steps = st.sampled_from(STEPS)


@st.composite
def events(draw: st.DrawFn) -> list[Any]:
    """A first assessment, then up to 12 events of any kind, an hour apart."""
    n = draw(st.integers(min_value=0, max_value=10_000))
    out: list[Any] = [_assessed(n, START, 1)]
    for i in range(draw(st.integers(min_value=1, max_value=12))):
        at = START + dt.timedelta(hours=i + 1)
        kind = draw(st.sampled_from(["assessed", "override", "chose", "agreed", "check", "review"]))
        if kind == "assessed":
            out.append(_assessed(draw(st.integers(0, 10_000)), at, i + 2))
        elif kind == "override":
            out.append(
                Overridden(
                    at=at,
                    assessment_id=1,
                    by=7,
                    triage=draw(triages),
                    consult=ConsultNeed(recommended=True, specialty="physiatrist", within_days=14),
                    reason="exam",
                    note_for_patient="note",
                    removed=tuple(
                        Removal(step=s, reason="not for you")
                        for s in draw(st.sets(steps, max_size=3))
                    ),
                )
            )
        elif kind == "chose":
            picked = draw(st.dictionaries(steps, st.sampled_from(["like", "unsure", "rather_not"])))
            out.append(
                Chose(
                    at=at,
                    assessment_id=1,
                    choices=tuple(Choice(step=s, choice=c) for s, c in picked.items()),
                )
            )
        elif kind == "agreed":
            out.append(
                Agreed(
                    at=at,
                    outcome_id=i,
                    by=7,
                    diagnosis=Diagnosis(source="muscle_strain", certainty="probable", basis="both"),
                    steps=tuple(AgreedStep(step=s) for s in draw(st.sets(steps, max_size=4))),
                    next_review=at.date() + dt.timedelta(days=28),
                )
            )
        elif kind == "check":
            out.append(
                CheckedIn(
                    at=at,
                    entry_id=i,
                    on=at.date(),
                    action="carry_on",
                    phase=draw(st.integers(1, 3)),
                    review_on=at.date() + dt.timedelta(days=14),
                )
            )
        else:
            out.append(Reviewed(at=at, by=7))
    return out


def _fold(sequence: list[Any]) -> list[tuple[CareState, Any, CareState]]:
    """(before, event, after) for every event of the sequence."""
    state, out = CareState(), []
    for event in sequence:
        after = apply(state, event)
        out.append((state, event, after))
        state = after
    return out


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(events())
def test_an_answer_that_does_not_raise_keeps_the_clinicians_decisions_and_her_choices(
    sequence: list[Any],
) -> None:
    for before, event, after in _fold(sequence):
        if not isinstance(event, Assessed) or before.triage is None:
            continue
        if rank(event.triage) >= rank(before.triage):
            assert after.decisions == before.decisions
            assert after.choices == before.choices
            if before.triage_by is not None:
                assert (after.triage, after.triage_by) == (before.triage, before.triage_by)
                assert after.consult == before.consult
                assert after.note_for_patient == before.note_for_patient


@SETTINGS
@given(events())
def test_a_raise_always_needs_review_and_tops_the_queue(sequence: list[Any]) -> None:
    for before, event, after in _fold(sequence):
        if (
            isinstance(event, Assessed)
            and before.triage
            and rank(event.triage) < rank(before.triage)
        ):
            assert after.triage == event.triage
            assert after.needs_review and after.queue_top
            assert after.raised_at == event.at


@SETTINGS
@given(events())
def test_a_declined_or_removed_step_is_never_active(sequence: list[Any]) -> None:
    for _, _, after in _fold(sequence):
        for step in after.steps:
            if step.status in (Status.DECLINED, Status.REMOVED, Status.WITHHELD):
                assert not step.active
                assert step not in after.active_steps
        assert len({s.step for s in after.steps}) == len(after.steps), "one status a step"


@SETTINGS
@given(events())
def test_nothing_a_clinician_set_is_lowered_by_anyone_but_a_clinician(sequence: list[Any]) -> None:
    decided = None
    for before, event, after in _fold(sequence):
        if isinstance(event, Overridden):
            decided = event.triage
            continue
        if before.triage_by is not None:
            assert rank(after.triage or "self_care") <= rank(before.triage or "self_care")
        if decided is not None:
            assert rank(after.triage or "self_care") <= rank(decided), "never under the clinician"


@SETTINGS
@given(events())
def test_the_state_is_the_same_whether_folded_or_derived_at_once(sequence: list[Any]) -> None:
    assert derive(sequence) == _fold(sequence)[-1][2]


def test_an_emergency_may_book_only_the_call_911_page_and_urgent_the_next_day() -> None:
    emergency = next(i for i, a in enumerate(engine_answers()) if a["triage"] == "emergency")
    urgent = next(i for i, a in enumerate(engine_answers()) if a["triage"] == "urgent")
    assert derive([_assessed(emergency, START, 1)]).booking == "call_911"
    assert derive([_assessed(urgent, START, 1)]).booking == "urgent"


def test_the_agreed_plan_is_the_plan_and_a_withheld_step_agreed_keeps_both_reasons() -> None:
    parts = {
        "kind": "assessed",
        "triage": "soon",
        "consult": {"recommended": True, "specialty": "physiatrist", "within_days": 14},
        "steps": [
            {"step": "relative_rest", "phase": 1, "review_after_days": 14},
            {"step": "exercise_program", "phase": 1, "review_after_days": 28},
        ],
        "withheld": [{"step": "manipulation", "because": "on a blood thinner"}],
    }
    assessed = Assessed.model_validate({**parts, "at": START, "assessment_id": 1})
    agreed = Agreed(
        at=START + dt.timedelta(days=3),
        outcome_id=1,
        by=7,
        diagnosis=Diagnosis(source="joint_dysfunction", certainty="probable", basis="examination"),
        steps=(
            AgreedStep(step="exercise_program", note="3 a week"),
            AgreedStep(
                step="manipulation",
                withheld_because="on a blood thinner",
                agreed_because="INR in range; gentle mobilisation only",
            ),
        ),
        next_review=dt.date(2026, 2, 2),
    )
    state = derive([assessed, agreed])
    by_step = {s.step: s for s in state.steps}
    assert by_step["relative_rest"].status == Status.REMOVED  # not in the agreed plan
    assert by_step["relative_rest"].by_agreement
    assert by_step["exercise_program"].status == Status.AGREED
    assert by_step["manipulation"].status == Status.AGREED_DESPITE
    assert by_step["manipulation"].withheld_because == "on a blood thinner"
    assert by_step["manipulation"].agreed_because.startswith("INR")
    assert state.next_review == dt.date(2026, 2, 2)
    assert state.diagnosis is not None and state.diagnosis.source == "joint_dysfunction"
    assert {s.step for s in state.active_steps} == {"exercise_program", "manipulation"}


def test_a_removal_without_a_note_is_the_clinicians_not_the_agreements() -> None:
    parts = {
        "kind": "assessed",
        "triage": "self_care",
        "consult": {"recommended": False},
        "steps": [{"step": "relative_rest", "phase": 1, "review_after_days": 14}],
        "withheld": [],
    }
    assessed = Assessed.model_validate({**parts, "at": START, "assessment_id": 1})
    removed = Overridden(
        at=START + dt.timedelta(hours=1),
        assessment_id=1,
        by=7,
        triage="soon",
        consult=ConsultNeed(recommended=True, specialty="physiatrist", within_days=14),
        removed=(Removal(step="relative_rest"),),
    )
    step = derive([assessed, removed]).steps[0]
    assert step.status == Status.REMOVED and not step.by_agreement and step.decided_by == 7
