"""The engine's decisions, language-free: red flags, triage, sources, plan, consult, questions.

Each function reads the flat intake context and the compiled knowledge base and returns ids
and numbers; `render` turns them into the contract's texts in one language. Keeping the two
apart is what lets `translate` re-render a stored assessment from the ids it holds.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from upperback.clinical.conditions import (
    SETTLED,
    Condition,
    Score,
    Which,
    weighted_score,
    which_hold,
)
from upperback.clinical.contract import TRIAGE_ORDER, Specialty, Triage
from upperback.clinical.fields import FIELDS, Context
from upperback.clinical.kb_schema import ContraindicationRule, RedFlagRule, SourceRule, StepRule
from upperback.clinical.knowledge import KnowledgeBase

RANK: dict[str, int] = {level: rank for rank, level in enumerate(TRIAGE_ORDER)}


# Named tuples: as immutable as frozen dataclasses, and several times cheaper to make.
class FiredFlag(NamedTuple):
    rule: RedFlagRule
    because: list[str]


class ScoredSource(NamedTuple):
    rule: SourceRule
    score: float
    because: list[str]


class ConsultDecision(NamedTuple):
    recommended: bool
    specialty: Specialty | None
    within_days: int | None
    reason: str


def intake_fields(paths: list[str]) -> list[str]:
    """Map condition fields to the intake fields a patient answers, once each, in order."""
    seen: dict[str, None] = {}
    for path in paths:
        asks = FIELDS[path].asks
        if asks is not None:
            seen[asks] = None
    return list(seen)


@functools.cache
def _flags_that_hold(kb: KnowledgeBase) -> Which:
    return which_hold([condition for _, condition in kb.flag_conditions])


def screen(kb: KnowledgeBase, context: Context) -> list[FiredFlag]:
    """The red flags whose conditions hold, in file order, with the answers that fired them."""
    flags = kb.flag_conditions
    fired = []
    for index in _flags_that_hold(kb)(context):
        rule, condition = flags[index]
        fired.append(FiredFlag(rule, intake_fields(condition.true_fields(context))))
    return fired


def triage_of(fired: list[FiredFlag]) -> Triage:
    """The highest level of any fired rule wins; nothing fired means self-care."""
    best: Triage = "self_care"
    for flag in fired:
        if RANK[flag.rule.level] < RANK[best]:
            best = flag.rule.level
    return best


@functools.cache
def _above(kb: KnowledgeBase, triage: Triage) -> tuple[tuple[Condition, frozenset[str]], ...]:
    """The red-flag conditions that would raise `triage`, with the fields each reads."""
    return tuple(
        (condition, frozenset(condition.read))
        for rule, condition in kb.flag_conditions
        if RANK[rule.level] < RANK[triage]
    )


# The warning-sign questions: self-care or routine only once all three were asked (an empty
# list is an answer; a missing key is not).
SCREENING_FIELDS: tuple[str, ...] = ("symptoms", "history", "medications")


def screening_complete(context: Context) -> bool:
    return all(context[field] is not None for field in SCREENING_FIELDS)


def follow_up_questions(kb: KnowledgeBase, context: Context) -> list[str]:
    """The unanswered follow-ups (follow_ups.yaml) of the broad answers given, in KB order."""
    asked: dict[str, None] = {}
    for rule, condition in kb.follow_up_conditions:
        if condition.test(context):
            asked.update((path, None) for path in rule.ask if context[path] is None)
    return list(asked)


def _follow_ups_could_lower(
    kb: KnowledgeBase, context: Context, fired: list[FiredFlag] | None, follow: list[str]
) -> bool:
    """Could answering the follow-ups lift every emergency that fired? Judged three-valued
    with only the follow-ups open (every other missing answer as the engine read it)."""
    emergencies = [flag.rule.id for flag in fired or () if flag.rule.level == "emergency"]
    if not emergencies:
        return False
    open_ = set(follow)
    settled = frozenset(p for p, v in context.items() if v is None and p not in open_)
    judged = {**context, SETTLED: settled}
    return all(kb.conditions[rule_id].maybe(judged) is None for rule_id in emergencies)


def questions(
    kb: KnowledgeBase, context: Context, triage: Triage, fired: list[FiredFlag] | None = None
) -> list[str]:
    """Unanswered fields that could still fire a rule above the current triage; the
    unanswered warning-sign questions first, then the follow-ups of the broad answers given.

    An emergency asks nothing (nothing ranks higher) unless every emergency rule that fired
    reads an unanswered follow-up: only then could answering them change the advice.
    """
    follow = follow_up_questions(kb, context)
    above = _above(kb, triage)
    if not above:
        return follow if follow and _follow_ups_could_lower(kb, context, fired, follow) else []
    asked: dict[str, None] = dict.fromkeys(f for f in SCREENING_FIELDS if context[f] is None)
    asked.update(dict.fromkeys(follow))
    missing = {path for path, value in context.items() if value is None}
    for condition, read in above:
        if missing.isdisjoint(read):
            continue
        if condition.maybe(context) is None:
            unanswered = [path for path in condition.read if path in missing]
            asked.update(dict.fromkeys(intake_fields(unanswered)))
    return list(asked)


@functools.cache
def _scoring(kb: KnowledgeBase) -> tuple[tuple[SourceRule, str, Score], ...]:
    """Per source: its rule, its context key and its score function (see `weighted_score`); a
    feature cites its intake fields only when it adds to the score (positive weight)."""
    compiled = []
    for rule, features in kb.features:
        parts = [
            (
                kb.conditions[f"{rule.id}#{index}"],
                weight,
                tuple(intake_fields(list(read))) if weight > 0 else (),
            )
            for index, (_, weight, read) in enumerate(features)
        ]
        compiled.append((rule, f"source.{rule.id}", weighted_score(parts)))
    return tuple(compiled)


def score_sources(kb: KnowledgeBase, context: Context) -> list[ScoredSource]:
    """Score every source, record it in the context for the plan, return the listed ones."""
    scored = []
    list_from = kb.source_list_from
    for rule, key, score_of in _scoring(kb):
        total, fields = score_of(context)
        score = round(min(1.0, max(0.0, total)), 2)
        context[key] = score
        if score >= list_from:
            # Mapping per feature then keeping first appearances is what intake_fields does
            # over all the read fields at once.
            scored.append(ScoredSource(rule, score, list(dict.fromkeys(fields))))
    scored.sort(key=lambda source: -source.score)
    return scored


@functools.cache
def _plan_rules(kb: KnowledgeBase) -> tuple[Which, Which]:
    """Which steps are offered (no offer condition: always) and which contraindications hold,
    each as one function over the KB's order."""
    offers = which_hold(
        [None if step.offer_when is None else kb.conditions[step.id] for step in kb.steps.values()]
    )
    holds = which_hold([kb.conditions[rule.id] for rule in kb.contraindications])
    return offers, holds


def offered_steps(kb: KnowledgeBase, context: Context) -> list[StepRule]:
    """The steps the knowledge base offers for this intake (before contraindications)."""
    offers, _ = _plan_rules(kb)
    steps = list(kb.steps.values())
    return [steps[index] for index in offers(context)]


def blocked_steps(kb: KnowledgeBase, context: Context) -> dict[str, ContraindicationRule]:
    """Every step a contraindication withholds for this intake, offered or not, with the
    first rule that withholds it."""
    _, holds = _plan_rules(kb)
    blocked: dict[str, ContraindicationRule] = {}
    for index in holds(context):
        rule = kb.contraindications[index]
        tried = context["prior_treatments.failed"] or () if rule.withhold_if_tried else None
        for step_id in rule.withhold:
            if tried is None or step_id in tried:
                blocked.setdefault(step_id, rule)
    return blocked


def plan_steps(
    kb: KnowledgeBase, context: Context
) -> tuple[list[StepRule], list[tuple[StepRule, ContraindicationRule]]]:
    """The offered steps in order of phase, and those a contraindication withholds."""
    offered = offered_steps(kb, context)
    blocked = blocked_steps(kb, context)
    plan = sorted((s for s in offered if s.id not in blocked), key=lambda s: s.phase)
    withheld = [(step, blocked[step.id]) for step in offered if step.id in blocked]
    return plan, withheld


# Spine specialists: a warning sign routed to one of them may go to the spine surgeon when
# the plan already calls for one; any other (imaging through primary care for a suspected
# fracture, a rheumatologist, ...) goes where the sign says first.
SPINE_SPECIALISTS: frozenset[str] = frozenset({"spine_surgeon", "physiatrist"})


def _top_flag(fired: list[FiredFlag], triage: Triage) -> RedFlagRule | None:
    """The first rule at the triage's level, a clinical sign before an unfinished screen."""
    top = [flag.rule for flag in fired if flag.rule.level == triage]
    top.sort(key=lambda rule: rule.family == "screening")
    return top[0] if top else None


def _flag_days(kb: KnowledgeBase, fired: list[FiredFlag], triage: Triage) -> int:
    overrides = [
        flag.rule.within_days
        for flag in fired
        if flag.rule.level == triage and flag.rule.within_days is not None
    ]
    return min([kb.escalation.consult_within_days[triage], *overrides])


def consult_for(
    kb: KnowledgeBase,
    triage: Triage,
    fired: list[FiredFlag],
    plan: list[StepRule],
    sources: list[ScoredSource],
) -> ConsultDecision:
    """Emergency first, then a same-day clinician, then a surgeon, then the top warning sign.

    A routine consultation is about the pain itself, so it goes to the specialty of the
    leading likely source when there is one; a warning sign goes to the rule's specialty.
    """
    if triage == "emergency":
        return ConsultDecision(True, "emergency_department", 0, "emergency")
    top = _top_flag(fired, triage)
    days = _flag_days(kb, fired, triage)
    if triage == "urgent" and top is not None:
        return ConsultDecision(True, top.consult, days, "red_flag_today")
    if triage == "soon" and top is not None and top.consult not in SPINE_SPECIALISTS:
        return ConsultDecision(True, top.consult, days, "red_flag")
    if any(step.id == "surgical_consultation" for step in plan):
        return ConsultDecision(True, "spine_surgeon", days, "surgical")
    if top is not None and triage == "soon":
        return ConsultDecision(True, top.consult, days, "red_flag")
    if top is not None:
        specialty = sources[0].rule.specialty if sources else top.consult
        return ConsultDecision(True, specialty, days, "review")
    return ConsultDecision(False, None, None, "self_care")
