"""A small closed condition language, compiled once at load into plain callables.

A condition is data: an atom `"<field> <operator> <value>"`, or `{all: [...]}`,
`{any: [...]}`, `{not: ...}`, `{at_least: n, of: [...]}`. Operators: `contains`,
`contains_any [a, b]`, `==`, `!=`, `in [a, b]`, `>=`, `>`, `<=`, `<`, `is answered`,
`is unanswered`. Nothing the knowledge base says is ever evaluated as Python: atoms are
split into three tokens and checked against the field table (the field exists, the operator
suits its kind, every value belongs to its enumeration), so a typo fails at load, not
silently at run time.

An unanswered field (None) makes an atom false for the engine's decision; `maybe` gives the
three-valued answer (True, False, or None for "depends on what was not asked"), which is how
the engine finds the questions that could still raise the triage.

Conditions stay plain closures (one call per node): no Python source is generated or
evaluated. The engine asks a list of conditions in one pass with `which_hold` (the red-flag
screen, the plan's offers and contraindications) and adds a source's weights with
`weighted_score`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from upperback.clinical.fields import FIELDS, Context, FieldSpec

Test = Callable[[Context], bool]
# The context key (never a field) of the unanswered fields that were asked: `maybe` judges them
# as the engine does, not as still to come.
SETTLED = "__settled__"

_SET_OPS = ("contains", "contains_any")
_EQUALITY_OPS = ("==", "!=", "in")
_ORDER_OPS = (">=", ">", "<=", "<")


class ConditionError(ValueError):
    """A condition that does not parse or names something the contract lacks."""


class Condition:
    """A compiled condition: `test` decides, `maybe` answers in three values."""

    test: Test
    # Every field the condition reads, in order of appearance (worked out once).
    read: tuple[str, ...] = ()
    # Fields any one of which, when unanswered or empty, makes the condition false: a list of
    # conditions is screened a group at a time on them (`which_hold`).
    guards: frozenset[str] = frozenset()

    def maybe(self, context: Context) -> bool | None:
        raise NotImplementedError

    def true_fields(self, context: Context) -> list[str]:
        """The fields of the atoms that hold (outside a `not`): why the condition fired."""
        raise NotImplementedError

    def negated_fields(self) -> list[str]:
        """Fields read under a `not`: the loader keeps red-flag lists out of them."""
        raise NotImplementedError


class Atom(Condition):
    def __init__(self, spec: FieldSpec, operator: str, value: Any, text: str) -> None:
        self.spec = spec
        self.operator = operator
        self.value = value
        self.text = text
        self.test = _atom_test(spec.path, operator, value)
        self.read = (spec.path,)
        self.guards = _atom_guards(spec, operator)

    def maybe(self, context: Context) -> bool | None:
        if context[self.spec.path] is None and self.operator != "is":
            # A question asked and left blank (listed under SETTLED) is an answer: "not given".
            return self.test(context) if self.spec.path in context.get(SETTLED, ()) else None
        return self.test(context)

    def true_fields(self, context: Context) -> list[str]:
        return [self.spec.path] if self.test(context) else []

    def negated_fields(self) -> list[str]:
        return []


class All(Condition):
    def __init__(self, parts: list[Condition]) -> None:
        self.parts = parts
        self.read = tuple(field for part in parts for field in part.read)
        self.test = _fold(_both, [part.test for part in parts])
        self.guards = frozenset().union(*(part.guards for part in parts))

    def maybe(self, context: Context) -> bool | None:
        answers = [part.maybe(context) for part in self.parts]
        if False in answers:
            return False
        return None if None in answers else True

    def true_fields(self, context: Context) -> list[str]:
        return [field for part in self.parts for field in part.true_fields(context)]

    def negated_fields(self) -> list[str]:
        return [field for part in self.parts for field in part.negated_fields()]


class AnyOf(All):
    def __init__(self, parts: list[Condition]) -> None:
        super().__init__(parts)
        self.guards = frozenset.intersection(*(part.guards for part in parts))
        self.test = _fold(_either, [part.test for part in parts])

    def maybe(self, context: Context) -> bool | None:
        answers = [part.maybe(context) for part in self.parts]
        if True in answers:
            return True
        return None if None in answers else False


class AtLeast(All):
    def __init__(self, count: int, parts: list[Condition]) -> None:
        super().__init__(parts)
        self.guards = frozenset()
        self.count = count
        tests = tuple(part.test for part in parts)
        self.test = lambda context: sum(test(context) for test in tests) >= count

    def maybe(self, context: Context) -> bool | None:
        answers = [part.maybe(context) for part in self.parts]
        if answers.count(True) >= self.count:
            return True
        return None if answers.count(True) + answers.count(None) >= self.count else False


class Not(Condition):
    def __init__(self, part: Condition) -> None:
        self.part = part
        self.read = part.read
        inner = part.test
        self.test = lambda context: not inner(context)

    def maybe(self, context: Context) -> bool | None:
        answer = self.part.maybe(context)
        return None if answer is None else not answer

    def true_fields(self, context: Context) -> list[str]:
        return []

    def negated_fields(self) -> list[str]:
        return list(self.part.read)


def _both(first: Test, second: Test) -> Test:
    return lambda context: first(context) and second(context)


def _either(first: Test, second: Test) -> Test:
    return lambda context: first(context) or second(context)


def _fold(combine: Callable[[Test, Test], Test], tests: list[Test]) -> Test:
    """Chain the tests into nested closures: cheaper per call than a generator over them."""
    combined = tests[-1]
    for test in reversed(tests[:-1]):
        combined = combine(test, combined)
    return combined


def _atom_test(path: str, operator: str, value: Any) -> Test:
    if operator == "contains":
        return lambda c: (v := c[path]) is not None and value in v
    if operator == "contains_any":
        return lambda c: (v := c[path]) is not None and not value.isdisjoint(v)
    if operator == "in":
        return lambda c: (v := c[path]) is not None and v in value
    if operator == "is":
        return (lambda c: c[path] is not None) if value else (lambda c: c[path] is None)
    return _comparison(path, operator, value)


def _atom_guards(spec: FieldSpec, operator: str) -> frozenset[str]:
    """An atom is false when its field is unanswered (or, for a list, empty), except `is`; only
    lists and enumerations qualify as guards, since 0 and False are answers that test falsy."""
    if operator == "is" or spec.kind not in ("set", "enum"):
        return frozenset()
    return frozenset({spec.path})


Which = Callable[[Context], list[int]]


def _guard_of(condition: Condition) -> str | None:
    # A list field first: an empty symptoms or history list rules out the most conditions.
    ordered = sorted(condition.guards, key=lambda path: (FIELDS[path].kind != "set", path))
    return ordered[0] if ordered else None


def which_hold(conditions: list[Condition | None]) -> Which:
    """One function listing, in order, the indices of the conditions that hold (None: always
    holds).

    Conditions sharing a guard field are skipped together when that field is unanswered or
    empty (most intakes report no warning sign), which saves calling each of them.
    """
    groups: dict[str | None, list[tuple[int, Test | None]]] = {}
    for index, condition in enumerate(conditions):
        guard = None if condition is None else _guard_of(condition)
        groups.setdefault(guard, []).append((index, None if condition is None else condition.test))
    unguarded = tuple(groups.get(None, []))
    guarded = tuple((g, tuple(tests)) for g, tests in groups.items() if g is not None)

    def which(context: Context) -> list[int]:
        held = [index for index, test in unguarded if test is None or test(context)]
        for guard, tests in guarded:
            if context[guard]:
                held += [index for index, test in tests if test is None or test(context)]
        held.sort()
        return held

    return which


Score = Callable[[Context], tuple[float, list[str]]]


def weighted_score(features: list[tuple[Condition, float, tuple[str, ...]]]) -> Score:
    """One function for a weighted score: `(sum of the weights that hold, their fields)`.

    Each feature is (condition, weight, fields it cites when it holds); weights are added in
    file order from 0.0.
    """
    compiled = [(condition.test, weight, fields) for condition, weight, fields in features]

    def score(context: Context) -> tuple[float, list[str]]:
        total = 0.0
        cited: list[str] = []
        for test, weight, fields in compiled:
            if test(context):
                total += weight
                cited += fields
        return total, cited

    return score


def _comparison(path: str, operator: str, value: Any) -> Test:
    compare: dict[str, Test] = {
        "==": lambda c: (v := c[path]) is not None and v == value,
        "!=": lambda c: (v := c[path]) is not None and v != value,
        ">=": lambda c: (v := c[path]) is not None and v >= value,
        ">": lambda c: (v := c[path]) is not None and v > value,
        "<=": lambda c: (v := c[path]) is not None and v <= value,
        "<": lambda c: (v := c[path]) is not None and v < value,
    }
    return compare[operator]


def _parse_scalar(token: str, spec: FieldSpec) -> Any:
    if spec.kind == "number":
        try:
            return float(token) if "." in token else int(token)
        except ValueError:
            raise ConditionError(f"{spec.path} needs a number, not {token!r}") from None
    if spec.kind == "bool":
        if token not in ("true", "false"):
            raise ConditionError(f"{spec.path} needs true or false, not {token!r}")
        return token == "true"
    if token not in spec.values:
        raise ConditionError(f"{token!r} is not a value of {spec.path}")
    return token


def _parse_list(token: str, spec: FieldSpec) -> frozenset[Any]:
    if not (token.startswith("[") and token.endswith("]")):
        raise ConditionError(f"expected a list like [a, b] for {spec.path}, got {token!r}")
    items = [item.strip() for item in token[1:-1].split(",") if item.strip()]
    if not items:
        raise ConditionError(f"an empty list for {spec.path}")
    return frozenset(_parse_scalar(item, spec) for item in items)


def _operator_fits(spec: FieldSpec, operator: str) -> bool:
    if operator == "is":
        return True
    if spec.kind == "set":
        return operator in _SET_OPS
    if spec.kind == "number":
        return operator in _ORDER_OPS or operator in _EQUALITY_OPS
    return spec.kind in ("enum", "bool") and operator in _EQUALITY_OPS


def compile_atom(text: str) -> Atom:
    parts = text.split(None, 2)
    if len(parts) != 3:
        raise ConditionError(f"cannot read condition {text!r}: expected '<field> <op> <value>'")
    path, operator, raw = parts
    spec = FIELDS.get(path)
    if spec is None:
        raise ConditionError(f"unknown field {path!r} in {text!r}")
    if not _operator_fits(spec, operator):
        raise ConditionError(f"operator {operator!r} does not apply to {path} ({spec.kind})")
    if operator == "is":
        if raw not in ("answered", "unanswered"):
            raise ConditionError(f"'is' takes answered or unanswered, not {raw!r}")
        return Atom(spec, operator, raw == "answered", text)
    many = operator in ("contains_any", "in")
    value = _parse_list(raw, spec) if many else _parse_scalar(raw, spec)
    return Atom(spec, operator, value, text)


def compile_condition(node: Any) -> Condition:
    """Compile a YAML condition node; raises ConditionError naming what is wrong."""
    return _compile_node(node)


def _compile_node(node: Any) -> Condition:
    if isinstance(node, str):
        return compile_atom(node)
    if not isinstance(node, dict) or not node:
        raise ConditionError(f"a condition is a string or a mapping, not {node!r}")
    keys = set(node)
    if keys == {"all"} or keys == {"any"}:
        parts = node.get("all", node.get("any"))
        if not isinstance(parts, list) or not parts:
            raise ConditionError(f"{sorted(keys)[0]} needs a non-empty list")
        compiled = [_compile_node(part) for part in parts]
        return All(compiled) if "all" in keys else AnyOf(compiled)
    if keys == {"not"}:
        return Not(_compile_node(node["not"]))
    if keys == {"at_least", "of"}:
        count, parts = node["at_least"], node["of"]
        if not isinstance(count, int) or not isinstance(parts, list) or count > len(parts):
            raise ConditionError("at_least needs a count no larger than its list 'of'")
        return AtLeast(count, [_compile_node(part) for part in parts])
    raise ConditionError(f"unknown condition keys {sorted(keys)}: use all, any, not, at_least")
