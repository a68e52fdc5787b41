"""Figures of the engine on the validation set: agreement, safety, over-triage.

A case is *unsafe* when the triage given is below its `lowest_safe` level, or when the plan
holds a step the case lists in `must_not_plan`. *Over-triage* counts the ordinary cases given
a triage above the expected one. A case *fails* when it is unsafe or its triage is not the
expected one; each failure keeps its reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from upperback.clinical.contract import TRIAGE_ORDER, Assessment, Intake, Triage
from upperback.clinical.engine import assess as engine_assess
from upperback.clinical.validation.cases import KINDS, Case, Kind, rank

Assess = Callable[[Intake], Assessment]


@dataclass(frozen=True)
class Outcome:
    """One case and what the engine answered for it."""

    case: Case
    given: Triage
    planned: tuple[str, ...]

    @property
    def below_safe(self) -> bool:
        return rank(self.given) > rank(self.case.lowest_safe)

    @property
    def forbidden_steps(self) -> tuple[str, ...]:
        return tuple(step for step in self.planned if step in self.case.must_not_plan)

    @property
    def unsafe(self) -> bool:
        return self.below_safe or bool(self.forbidden_steps)

    @property
    def exact(self) -> bool:
        return self.given == self.case.expected

    @property
    def over_triaged(self) -> bool:
        return rank(self.given) < rank(self.case.expected)

    def reasons(self) -> list[str]:
        """Why the case fails, most serious first (empty when it passes)."""
        found: list[str] = []
        if self.below_safe:
            found.append(
                f"unsafe: {self.given} is below the lowest safe level, {self.case.lowest_safe}"
            )
        if self.forbidden_steps:
            found.append(f"unsafe: the plan holds {', '.join(self.forbidden_steps)}")
        if self.over_triaged:
            found.append(f"over-triage: {self.given}, expected {self.case.expected}")
        elif not self.exact:
            found.append(f"under-triage: {self.given}, expected {self.case.expected}")
        return found


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


@dataclass(frozen=True)
class Evaluation:
    """Every outcome, and the figures the issue's targets are stated in."""

    outcomes: tuple[Outcome, ...]
    confusion: dict[Triage, dict[Triage, int]] = field(init=False)

    def __post_init__(self) -> None:
        table: dict[Triage, dict[Triage, int]] = {
            expected: dict.fromkeys(TRIAGE_ORDER, 0) for expected in TRIAGE_ORDER
        }
        for outcome in self.outcomes:
            table[outcome.case.expected][outcome.given] += 1
        object.__setattr__(self, "confusion", table)

    def of_kind(self, kind: Kind) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.case.kind == kind)

    @property
    def emergencies(self) -> int:
        return sum(1 for o in self.outcomes if o.case.expected == "emergency")

    @property
    def emergencies_caught(self) -> int:
        return sum(1 for o in self.outcomes if o.case.expected == "emergency" == o.given)

    @property
    def unsafe(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.unsafe)

    @property
    def exact_agreement(self) -> float:
        return _percent(sum(1 for o in self.outcomes if o.exact), len(self.outcomes))

    @property
    def ordinary_over_triage(self) -> float:
        ordinary = self.of_kind("ordinary")
        return _percent(sum(1 for o in ordinary if o.over_triaged), len(ordinary))

    @property
    def failures(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.reasons())

    def failures_by_kind(self) -> dict[Kind, tuple[Outcome, ...]]:
        return {kind: tuple(o for o in self.failures if o.case.kind == kind) for kind in KINDS}


def outcome_of(case: Case, assessment: Assessment) -> Outcome:
    return Outcome(
        case=case,
        given=assessment.triage,
        planned=tuple(step.step for step in assessment.plan),
    )


def evaluate(cases: Iterable[Case], assess: Assess | None = None) -> Evaluation:
    """Assess every case (with the engine unless `assess` is given) and gather the figures."""
    run = engine_assess if assess is None else assess
    return Evaluation(tuple(outcome_of(case, run(case.intake)) for case in cases))
