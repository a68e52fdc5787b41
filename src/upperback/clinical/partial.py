"""`screen_partial(answers)`: is an unfinished intake already an emergency? Pure.

An intake being answered step by step lacks fields, the required ones too (age, sex, pain
now, duration). Each emergency rule is judged three-valued with `Condition.maybe` over the
answers given, every missing one unanswered (None): `emergency` when some emergency rule
holds whatever the unanswered questions say, otherwise `not_yet_known`. Nothing is invented
for a missing answer, and nothing below emergency is decided here: the full `assess` does
that once the intake is complete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple

from upperback.clinical.conditions import SETTLED, All, Atom, Condition, Not
from upperback.clinical.contract import FOLLOW_UP_GROUPS, Intake
from upperback.clinical.decide import intake_fields
from upperback.clinical.fields import DERIVED, FIELDS, Context, FieldSpec, Tried, derive
from upperback.clinical.kb_schema import LANGUAGES, Language, RedFlagRule
from upperback.clinical.knowledge import knowledge_base

PartialStatus = Literal["emergency", "not_yet_known"]
_DERIVED = frozenset(spec.path for spec in DERIVED)
# Derived from answers some of which may still come: what is known is a lower bound, so a
# rule may read them only upward (checked below, once per knowledge base).
_LOWER_BOUNDS = frozenset({"pain.intensity_peak"})


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


def _tried(answers: Mapping[str, Any]) -> list[Tried] | None:
    tried = answers.get("prior_treatments")
    if tried is None:
        return None
    if not isinstance(tried, list) or not all(isinstance(t, Mapping) for t in tried):
        raise ValueError(f"prior_treatments: {tried!r} is not a list of treatments")
    return [(t.get("treatment", ""), t.get("weeks") or 0, t.get("response", "")) for t in tried]


def _upward_only(condition: Condition, negated: bool = False) -> list[str]:
    """The atoms that read a lower-bound field other than upward (`>=`, `>` outside a `not`)."""
    if isinstance(condition, Atom):
        upward = condition.operator in (">=", ">") and not negated
        wrong = condition.spec.path in _LOWER_BOUNDS and not upward
        return [condition.text] if wrong else []
    if isinstance(condition, Not):
        return _upward_only(condition.part, not negated)
    if isinstance(condition, All):  # All, AnyOf and AtLeast keep their parts' polarity
        return [text for part in condition.parts for text in _upward_only(part, negated)]
    return []


def check_lower_bounds(rules: Iterable[tuple[RedFlagRule, Condition]]) -> None:
    """Refuse a rule that reads the peak downward: the screen could then call a partial
    intake an emergency that its missing answers would have ruled out."""
    wrong = [f"{rule.id}: {text}" for rule, condition in rules for text in _upward_only(condition)]
    if wrong:
        raise ValueError("read only upward by the partial screen: " + "; ".join(wrong))


def partial_context(answers: Mapping[str, Any]) -> Context:
    """The flat context of `answers` (contract names, any key missing), None for unanswered."""
    unknown = set(answers) - set(Intake.model_fields)
    if unknown:
        raise ValueError(f"not intake fields: {', '.join(sorted(unknown))}")
    context: Context = {}
    for path, spec in FIELDS.items():
        if spec.asks is None or path in _DERIVED:
            context[path] = None
            continue
        value = _value(answers, path)
        if value is not None:
            _check(spec, value)
        context[path] = value
    derive(context, _tried(answers))
    context[SETTLED] = frozenset(
        path
        for group in FOLLOW_UP_GROUPS
        if isinstance(answers.get(group), Mapping)
        for path in FIELDS
        if path.startswith(group + ".") and context[path] is None
    )
    return context


def follow_ups(answers: Mapping[str, Any]) -> list[str]:
    """The follow-up questions the answers so far call for and have not asked yet (intake
    fields, in the knowledge base's order): a broad answer given (`follow_ups.yaml`), its
    group not yet in the answers. The wizard asks them right after the broad answer."""
    context = partial_context(answers)
    asked: dict[str, None] = {}
    for rule, condition in knowledge_base().follow_up_conditions:
        if condition.maybe(context) is True:
            asked.update(
                (path, None)
                for path in rule.ask
                if context[path] is None and path not in context[SETTLED]
            )
    return list(asked)


_CHECKED: set[int] = set()


def screen_partial(answers: Mapping[str, Any], *, language: str = "en") -> PartialScreen:
    """`emergency` (with the rules that already hold) or `not_yet_known`."""
    lang: Language = next((known for known in LANGUAGES if known == language), "en")
    kb = knowledge_base()
    if id(kb) not in _CHECKED:
        check_lower_bounds(kb.flag_conditions)
        _CHECKED.add(id(kb))
    context = partial_context(answers)
    flags = [
        PartialFlag(
            rule.id,
            rule.because(lang),
            intake_fields(condition.true_fields(context)),
            rule.source,
        )
        for rule, condition in kb.flag_conditions
        if rule.level == "emergency" and condition.maybe(context) is True
    ]
    return PartialScreen("emergency" if flags else "not_yet_known", flags)
