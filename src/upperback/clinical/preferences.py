"""The patient's preferences turned into the plan, as the knowledge base says (contract 1.2).

For each plan step she has a view on: "I'd like this" puts it first in its phase; "not sure"
keeps it for her clinician to talk over; "I'd rather not" replaces it by the first of its
`alternatives` that the plan offers her, no contraindication withholds and she has not also
declined, in the declined step's phase; with none, the step is left out. A safety step
(`safety: true`, or `safety_when` holding) always stays. No preference ever brings in a step
the knowledge base withholds or does not offer her. Every change is recorded with its kind,
so its words can be rendered in any language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from upperback.clinical import decide
from upperback.clinical.contract import ChangeKind, Choice, Preference
from upperback.clinical.fields import Context
from upperback.clinical.kb_schema import StepRule
from upperback.clinical.knowledge import KnowledgeBase


class Placed(NamedTuple):
    """A step of the plan and the phase it sits in (an alternative takes the declined step's)."""

    rule: StepRule
    phase: int


class Change(NamedTuple):
    step: str
    choice: Choice
    kind: ChangeKind
    replaced_by: str | None = None


def is_safety(kb: KnowledgeBase, step: StepRule, context: Context) -> bool:
    """A step that stays whatever she prefers."""
    if step.safety:
        return True
    return step.safety_when is not None and kb.conditions[f"{step.id}#safety"].test(context)


def _choices(preferences: Iterable[Preference]) -> dict[str, Choice]:
    """One choice per step: the last one she gave."""
    return {item.step: item.choice for item in preferences}


def _alternative(
    kb: KnowledgeBase,
    step: StepRule,
    phase: int,
    plan: list[Placed],
    allowed: set[str],
    declined: set[str],
) -> str | None:
    """The first alternative she may have that is not already in this phase or before it."""
    placed = {item.rule.id: item.phase for item in plan}
    for candidate in step.alternatives:
        if candidate not in allowed or candidate in declined:
            continue
        if candidate in placed and placed[candidate] <= phase:
            continue
        return candidate
    return None


def apply(
    kb: KnowledgeBase,
    context: Context,
    plan: list[StepRule],
    preferences: Iterable[Preference] | None,
) -> tuple[list[Placed], list[Change]]:
    """The plan with her preferences applied, and what each one changed, in plan order."""
    placed = [Placed(step, step.phase) for step in plan]
    choices = _choices(preferences or ())
    if not choices:
        return placed, []
    blocked = decide.blocked_steps(kb, context)
    allowed: set[str] = {str(step.id) for step in decide.offered_steps(kb, context)}
    allowed -= set(blocked)
    declined = {step for step, choice in choices.items() if choice == "rather_not"}
    changes: list[Change] = []
    for step in plan:
        choice = choices.get(step.id)
        if choice is None:
            continue
        if choice != "rather_not":
            kind: ChangeKind = "put_first" if choice == "like" else "to_discuss"
            changes.append(Change(step.id, choice, kind))
        elif is_safety(kb, step, context):
            changes.append(Change(step.id, choice, "kept_for_safety"))
        else:
            changes.append(_decline(kb, step, placed, allowed, declined))
    liked = {change.step for change in changes if change.kind == "put_first"}
    placed.sort(key=lambda item: (item.phase, item.rule.id not in liked))
    return placed, changes


def _decline(
    kb: KnowledgeBase, step: StepRule, placed: list[Placed], allowed: set[str], declined: set[str]
) -> Change:
    """Take `step` out of `placed` (in place), putting its alternative where it was."""
    index = next(i for i, item in enumerate(placed) if item.rule.id == step.id)
    phase = placed[index].phase
    other = _alternative(kb, step, phase, placed, allowed, declined)
    if other is None:
        del placed[index]
        return Change(step.id, "rather_not", "dropped")
    placed[:] = [item for item in placed if item.rule.id != other]
    index = next(i for i, item in enumerate(placed) if item.rule.id == step.id)
    placed[index] = Placed(kb.steps[other], phase)
    return Change(step.id, "rather_not", "replaced", other)
