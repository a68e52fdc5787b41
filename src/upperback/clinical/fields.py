"""The fields a knowledge-base condition may name, and the flat view of an intake they read.

The field table is derived from the pydantic Intake model, so a rule can never name a field
or an enumeration value the contract does not have: the loader checks both. A few derived
fields (the weeks of unhelpful prior care, the likely-source scores, the triage) let the plan
and escalation rules speak about what the engine has already worked out.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from upperback.clinical.contract import TRIAGE_ORDER, Intake, SourceId, StepId

FieldKind = Literal["set", "enum", "number", "bool", "list"]
Context = dict[str, Any]


@dataclass(frozen=True)
class FieldSpec:
    path: str
    kind: FieldKind
    values: frozenset[str] = frozenset()
    # The intake field a patient answers for this one (None: worked out by the engine).
    asks: str | None = None


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _spec_for(path: str, annotation: Any) -> FieldSpec | None:
    annotation = _strip_optional(annotation)
    origin = get_origin(annotation)
    if origin is list:
        inner = get_args(annotation)[0]
        if get_origin(inner) is Literal:
            return FieldSpec(path, "set", frozenset(get_args(inner)), path)
        return FieldSpec(path, "list", asks=path)
    if origin is Literal:
        return FieldSpec(path, "enum", frozenset(get_args(annotation)), path)
    if annotation is bool:
        return FieldSpec(path, "bool", asks=path)
    if annotation in (int, float):
        return FieldSpec(path, "number", asks=path)
    return None


def _walk(model: type[BaseModel], prefix: str) -> list[tuple[FieldSpec, tuple[str, ...]]]:
    found: list[tuple[FieldSpec, tuple[str, ...]]] = []
    for name, info in model.model_fields.items():
        annotation = _strip_optional(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for spec, chain in _walk(annotation, f"{prefix}{name}."):
                found.append((spec, (name, *chain)))
            continue
        leaf = _spec_for(prefix + name, annotation)
        if leaf is not None:
            found.append((leaf, (name,)))
    return found


_INTAKE_FIELDS = _walk(Intake, "")
_SOURCE_IDS: tuple[str, ...] = get_args(SourceId)
_STEP_IDS: frozenset[str] = frozenset(get_args(StepId))
# A treatment tried for this many weeks or more without benefit is not offered again as new.
TRIED_WITHOUT_BENEFIT_WEEKS = 2

DERIVED: tuple[FieldSpec, ...] = (
    FieldSpec("prior_treatments.unhelpful_weeks", "number", asks="prior_treatments"),
    FieldSpec("pain.onset_age", "number", asks="age"),
    # The worst the pain has been: the higher of now and worst-this-week (a severe onset
    # may have eased by the time the intake is filled in).
    FieldSpec("pain.intensity_peak", "number", asks="pain.intensity_worst_week"),
    FieldSpec("prior_treatments.failed", "set", _STEP_IDS, asks="prior_treatments"),
    # Some treatment made the pain worse.
    FieldSpec("prior_treatments.worsened", "bool", asks="prior_treatments"),
    FieldSpec("triage", "enum", frozenset(TRIAGE_ORDER)),
    # The PHQ-4 total (all four answered) and the care stratum the knowledge base gives it.
    FieldSpec("phq4.score", "number", asks="phq4"),
    FieldSpec("psychosocial.stratum", "enum", frozenset(("low", "medium", "high"))),
    *(FieldSpec(f"source.{source}", "number") for source in _SOURCE_IDS),
)
FIELDS: dict[str, FieldSpec] = {spec.path: spec for spec, _ in _INTAKE_FIELDS} | {
    spec.path: spec for spec in DERIVED
}
# The contract nests one level deep (pain.*, neuro.*, ...): flattening reads each nested
# model's __dict__ once rather than walking attribute chains field by field.
if any(len(chain) > 2 for _, chain in _INTAKE_FIELDS):
    raise TypeError("context_of flattens one level of nesting; the contract now has more")
_TOP: tuple[tuple[str, str], ...] = tuple(
    (spec.path, chain[0]) for spec, chain in _INTAKE_FIELDS if len(chain) == 1
)
_NESTED: dict[str, list[tuple[str, str]]] = {}
for _spec, _chain in _INTAKE_FIELDS:
    if len(_chain) == 2:
        _NESTED.setdefault(_chain[0], []).append((_spec.path, _chain[1]))


PHQ4_ITEMS: tuple[str, ...] = ("interest", "down", "nervous", "worrying")
# One tried treatment as the derived fields read it: (step id, weeks, response).
Tried = tuple[str, int, str]


def derive(context: Context, tried: list[Tried] | None) -> None:
    """Work out the derived fields from the answered ones, in place: the one definition that
    `assess` (a complete intake) and `screen_partial` (the answers so far) share.

    A missing answer is None. The peak is the higher of the pain now and the worst this week,
    as far as they are known. In a complete intake a missing worst-this-week was not asked, so
    the peak is the pain now; in a partial one it may still come, so what is known is the
    peak's lower bound: sound for the screen because every rule reads the peak upward only
    (`>=`, `>`, outside a `not`; `partial.py` checks it).
    """
    if tried is None:
        context["prior_treatments.unhelpful_weeks"] = None
        context["prior_treatments.failed"] = None
        context["prior_treatments.worsened"] = None
    else:
        # The longest spell of care that did nothing or made things worse; the steps tried
        # for weeks with no benefit, or that made the pain worse (whatever the duration).
        unhelpful = [t for t in tried if t[2] in ("none", "worse")]
        context["prior_treatments.unhelpful_weeks"] = max((t[1] for t in unhelpful), default=0)
        context["prior_treatments.failed"] = [
            t[0] for t in unhelpful if t[2] == "worse" or t[1] >= TRIED_WITHOUT_BENEFIT_WEEKS
        ]
        context["prior_treatments.worsened"] = any(t[2] == "worse" for t in tried)
    age, days = context["age"], context["pain.duration_days"]
    context["pain.onset_age"] = None if age is None or days is None else age - days / 365.25
    answers = [context[f"phq4.{item}"] for item in PHQ4_ITEMS]
    context["phq4.score"] = None if None in answers else sum(answers)
    now, worst = context["pain.intensity_now"], context["pain.intensity_worst_week"]
    if now is None or worst is None:
        context["pain.intensity_peak"] = worst if now is None else now
    else:
        context["pain.intensity_peak"] = max(now, worst)


def context_of(intake: Intake) -> Context:
    """Flatten an intake into {field path: value}; None everywhere means "not asked"."""
    data = intake.__dict__
    context: Context = {path: data[name] for path, name in _TOP}
    for name, leaves in _NESTED.items():
        part = data[name]
        if part is None:
            context.update((path, None) for path, _ in leaves)
        else:
            values = part.__dict__
            context.update((path, values[leaf]) for path, leaf in leaves)
    tried = intake.prior_treatments
    derive(
        context,
        None if tried is None else [(t.treatment, t.weeks, t.response) for t in tried],
    )
    return context
