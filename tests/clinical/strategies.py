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


def _some_of(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A follow-up group with any of its answers given (possibly none: asked, all declined)."""
    return st.fixed_dictionaries({}, optional=fields)


# The follow-up groups (contract 1.3), each answer optional.
FOLLOW_UPS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "chest_pain": _some_of(
        {
            "exertional": st.booleans(),
            "reproducible": st.booleans(),
            "days": st.integers(0, 800),
            "accompanied": st.booleans(),
        }
    ),
    "nausea": _some_of(
        {
            "with_meals": st.booleans(),
            "with_exertion": st.booleans(),
            "flank_or_urine": st.booleans(),
        }
    ),
    "procedure": _some_of(
        {
            "weeks_ago": st.integers(0, 60),
            "wound_problem": st.booleans(),
            "improving": st.booleans(),
        }
    ),
    "heart": _some_of({"coronary": st.booleans(), "like_before": st.booleans()}),
    "pregnancy": _some_of({"weeks": st.integers(0, 42)}),
}


@st.composite
def follow_ups(draw: st.DrawFn) -> dict[str, Any]:
    """Any follow-up answers: groups, and `function.getting_better`."""
    out: dict[str, Any] = {}
    for name, strategy in FOLLOW_UPS.items():
        if draw(st.booleans()):
            out[name] = draw(strategy)
    if draw(st.booleans()):
        out["getting_better"] = draw(st.booleans())
    return out


def with_follow_ups(intake: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    out = {**intake, **{k: v for k, v in answers.items() if k != "getting_better"}}
    if "getting_better" in answers:
        out["function"] = {
            **(intake.get("function") or {}),
            "getting_better": answers["getting_better"],
        }
    return out
