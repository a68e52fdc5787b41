"""The engine's fast paths against their plain references.

Every knowledge-base condition is compiled twice (see `conditions`): the fused function the
engine runs and the tree of closures it was derived from. They must agree on every context
the engine can see, scores and triage included; so must the fused screen, source scores and
plan filters against plain loops over the reference closures (the engine's code before it
was tuned).
"""

from __future__ import annotations

from typing import Any

from bench.engine import intakes as bench_intakes
from hypothesis import given
from tests.clinical.strategies import intakes

from upperback.clinical import decide
from upperback.clinical.conditions import compile_condition
from upperback.clinical.contract import Intake
from upperback.clinical.fields import Context, context_of
from upperback.clinical.knowledge import knowledge_base


def _full_context(raw: dict[str, Any]) -> Context:
    """The context as the plan's conditions read it: answers, triage and source scores."""
    kb = knowledge_base()
    context = context_of(Intake.model_validate(raw))
    context["triage"] = decide.triage_of(decide.screen(kb, context))
    decide.score_sources(kb, context)
    return context


def _disagreements(context: Context) -> list[str]:
    conditions = knowledge_base().conditions
    return [
        rule_id
        for rule_id, condition in conditions.items()
        if condition.test(context) is not condition.reference_test(context)
    ]


def _reference_decisions(context: Context) -> tuple[Any, ...]:
    """The screen, the raw source scores and the plan filters, by plain loops."""
    kb = knowledge_base()
    conditions = kb.conditions
    flags = [i for i, (_, c) in enumerate(kb.flag_conditions) if c.reference_test(context)]
    scores = []
    for rule, features in kb.features:
        total = 0.0
        fields: list[str] = []
        for index, (_, weight, read) in enumerate(features):
            if conditions[f"{rule.id}#{index}"].reference_test(context):
                total += weight
                if weight > 0:
                    fields.extend(read)
        scores.append((total, decide.intake_fields(fields)))
    offered = [
        i
        for i, step in enumerate(kb.steps.values())
        if step.offer_when is None or conditions[step.id].reference_test(context)
    ]
    holds = [
        i
        for i, rule in enumerate(kb.contraindications)
        if conditions[rule.id].reference_test(context)
    ]
    return flags, scores, offered, holds


def _fast_decisions(context: Context) -> tuple[Any, ...]:
    kb = knowledge_base()
    flags = decide._flags_that_hold(kb)(context)
    scores = [
        (total, list(dict.fromkeys(fields)))
        for _, _, score in decide._scoring(kb)
        for total, fields in [score(context)]
    ]
    offers, holds = decide._plan_rules(kb)
    return flags, scores, offers(context), holds(context)


def test_fused_screen_scores_and_plan_match_plain_loops_on_the_bench_intakes() -> None:
    contexts = [_full_context(raw) for raw in bench_intakes()]
    mismatched = [
        i for i, c in enumerate(contexts) if _fast_decisions(c) != _reference_decisions(c)
    ]
    assert mismatched == []
    # Every part decides something on these intakes (not empty everywhere).
    assert all(any(part) for part in zip(*(_fast_decisions(c) for c in contexts), strict=True))


@given(intakes())
def test_fused_screen_scores_and_plan_match_plain_loops_on_generated_intakes(
    raw: dict[str, Any],
) -> None:
    context = _full_context(raw)
    assert _fast_decisions(context) == _reference_decisions(context)


def test_fused_conditions_match_their_reference_on_the_bench_intakes() -> None:
    contexts = [_full_context(raw) for raw in bench_intakes()]
    assert [(i, bad) for i, c in enumerate(contexts) if (bad := _disagreements(c))] == []
    # The check means something only if the conditions go both ways on these intakes.
    conditions = knowledge_base().conditions.values()
    outcomes = {c.test(ctx) for c in conditions for ctx in contexts}
    assert outcomes == {True, False}


@given(intakes())
def test_fused_conditions_match_their_reference_on_generated_intakes(
    raw: dict[str, Any],
) -> None:
    assert _disagreements(_full_context(raw)) == []


def test_every_operator_and_combinator_fuses_like_its_reference() -> None:
    node = {
        "any": [
            {"all": ["age >= 50", "pain.regions contains_any [neck_base, left_shoulder_blade]"]},
            {"not": "symptoms contains sweating"},
            {"at_least": 2, "of": ["pain.intensity_now > 7", "sex == female", "age < 20"]},
            {"all": ["pain.onset in [sudden]", "neuro.progressive is unanswered"]},
            {"all": ["pain.intensity_now <= 2", "sex != male"]},
        ]
    }
    condition = compile_condition(node)
    base = _full_context(bench_intakes()[0]) | {"pain.onset": "gradual", "neuro.progressive": False}
    variants = [
        base | {"age": age, "sex": sex, "pain.intensity_now": pain, "symptoms": symptoms}
        for age in (15, 50, None)
        for sex in ("female", "male", None)
        for pain in (0, 8, None)
        for symptoms in (["sweating"], [], None)
    ]
    results = [condition.test(c) for c in variants]
    assert results == [condition.reference_test(c) for c in variants]
    assert set(results) == {True, False}
