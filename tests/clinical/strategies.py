"""Hypothesis strategies for valid intakes, drawn from the contract's own enumerations."""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import strategies as st

from upperback.clinical import contract


def _values(literal: Any) -> list[str]:
    return list(get_args(literal))


def _subset(literal: Any) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(_values(literal)), unique=True, max_size=4)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A missing answer ("not asked") is as likely as any given one."""
    return st.one_of(st.none(), strategy)


@st.composite
def pains(draw: st.DrawFn) -> dict[str, Any]:
    pain: dict[str, Any] = {
        "intensity_now": draw(st.integers(0, 10)),
        "duration_days": draw(st.integers(0, 2000)),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "regions": _subset(contract.Region),
        "intensity_worst_week": st.integers(0, 10),
        "onset": st.sampled_from(_values(contract.Onset)),
        "trigger": st.sampled_from(_values(contract.Trigger)),
        "character": _subset(contract.Character),
        "pattern": st.sampled_from(_values(contract.Pattern)),
        "worse_with": _subset(contract.WorseWith),
        "better_with": _subset(contract.BetterWith),
        "night_pain": st.sampled_from(_values(contract.NightPain)),
        "morning_stiffness_minutes": st.integers(0, 240),
    }
    for name, strategy in optional.items():
        value = draw(_maybe(strategy))
        if value is not None:
            pain[name] = value
    return pain


prior_treatments = st.lists(
    st.fixed_dictionaries(
        {
            "treatment": st.sampled_from(_values(contract.StepId)),
            "weeks": st.integers(0, 30),
            "response": st.sampled_from(_values(contract.Response)),
        }
    ),
    max_size=3,
)


@st.composite
def intakes(draw: st.DrawFn) -> dict[str, Any]:
    intake: dict[str, Any] = {
        "contract": "1",
        "age": draw(st.integers(12, 110)),
        "sex": draw(st.sampled_from(_values(contract.Sex))),
        "pain": draw(pains()),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "symptoms": _subset(contract.Symptom),
        "neuro": st.fixed_dictionaries({"progressive": st.booleans()}),
        "history": _subset(contract.HistoryItem),
        "medications": _subset(contract.Medication),
        "diagnoses": _subset(contract.Diagnosis),
        "prior_treatments": prior_treatments,
        "function": st.fixed_dictionaries({"loss_of_function": st.booleans()}),
        "work": st.fixed_dictionaries(
            {"desk_hours_per_day": st.integers(0, 14), "overhead_or_heavy": st.booleans()}
        ),
    }
    for name, strategy in optional.items():
        value = draw(_maybe(strategy))
        if value is not None:
            intake[name] = value
    return intake
