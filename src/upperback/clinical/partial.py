"""`screen_partial(answers)`: is an unfinished intake already an emergency? Pure.

An intake being answered step by step lacks fields, the required ones too (age, sex, pain
now, duration). Each emergency rule is judged three-valued with `Condition.maybe` over the
answers given, every missing one unanswered (None): `emergency` when some emergency rule
holds whatever the unanswered questions say, otherwise `not_yet_known`. Nothing is invented
for a missing answer, and nothing below emergency is decided here: the full `assess` does
that once the intake is complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from upperback.clinical.contract import Intake
from upperback.clinical.decide import intake_fields
from upperback.clinical.fields import FIELDS, Context, FieldSpec
from upperback.clinical.kb_schema import LANGUAGES, Language
from upperback.clinical.knowledge import knowledge_base

PartialStatus = Literal["emergency", "not_yet_known"]
_DERIVED_FROM_AGE = "pain.onset_age"
_UNHELPFUL_WEEKS = "prior_treatments.unhelpful_weeks"


class PartialFlag(NamedTuple):
    """An emergency rule that already holds: its id, its reason and the answers behind it."""

    id: str
    explanation: str
    because: list[str]
    source: str


class PartialScreen(NamedTuple):
    status: PartialStatus
    flags: list[PartialFlag]

    @property
    def emergency(self) -> bool:
        return self.status == "emergency"


def _value(answers: Mapping[str, Any], path: str) -> Any:
    head, _, leaf = path.partition(".")
    value = answers.get(head)
    if leaf:
        return value.get(leaf) if isinstance(value, Mapping) else None
    return value


def _check(spec: FieldSpec, value: Any) -> None:
    """Refuse a value the contract could not hold: a typo must not hide a warning sign."""
    if spec.kind == "set":
        if not isinstance(value, list) or not set(value) <= spec.values:
            raise ValueError(f"{spec.path}: {value!r} is not a list of its values")
    elif spec.kind == "enum" and value not in spec.values:
        raise ValueError(f"{spec.path}: {value!r} is not one of its values")
    elif spec.kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"{spec.path}: {value!r} is not a number")
    elif spec.kind == "bool" and not isinstance(value, bool):
        raise ValueError(f"{spec.path}: {value!r} is not true or false")


def _unhelpful_weeks(tried: Any) -> int | None:
    if tried is None:
        return None
    weeks = [t["weeks"] for t in tried if t.get("response") in ("none", "worse")]
    return max(weeks, default=0)


def partial_context(answers: Mapping[str, Any]) -> Context:
    """The flat context of `answers` (contract names, any key missing), None for unanswered."""
    unknown = set(answers) - set(Intake.model_fields)
    if unknown:
        raise ValueError(f"not intake fields: {', '.join(sorted(unknown))}")
    context: Context = {}
    for path, spec in FIELDS.items():
        if spec.asks is None or path in (_DERIVED_FROM_AGE, _UNHELPFUL_WEEKS):
            context[path] = None
            continue
        value = _value(answers, path)
        if value is not None:
            _check(spec, value)
        context[path] = value
    context[_UNHELPFUL_WEEKS] = _unhelpful_weeks(answers.get("prior_treatments"))
    age, days = context["age"], context["pain.duration_days"]
    if age is not None and days is not None:
        context[_DERIVED_FROM_AGE] = age - days / 365.25
    return context


def screen_partial(answers: Mapping[str, Any], *, language: str = "en") -> PartialScreen:
    """`emergency` (with the rules that already hold) or `not_yet_known`."""
    lang: Language = next((known for known in LANGUAGES if known == language), "en")
    context = partial_context(answers)
    flags = [
        PartialFlag(
            rule.id,
            rule.because(lang),
            intake_fields(condition.true_fields(context)),
            rule.source,
        )
        for rule, condition in knowledge_base().flag_conditions
        if rule.level == "emergency" and condition.maybe(context) is True
    ]
    return PartialScreen("emergency" if flags else "not_yet_known", flags)
