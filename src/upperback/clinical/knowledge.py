"""Load the knowledge base once, validate it whole, and compile its conditions.

A broken file fails loudly with the file and the rule named: a missing Spanish text, a
citation key with no reference, a step id the contract lacks, a duplicate rule id, a
condition naming an unknown field or value. Files this module does not own (the vision
helper's exercise_tracking.yaml) are never read.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from upperback.clinical.conditions import Condition, ConditionError, Test, compile_condition
from upperback.clinical.contract import (
    TRIAGE_ORDER,
    ChangeKind,
    DeliveredBy,
    Grade,
    Specialty,
    StepId,
)
from upperback.clinical.fields import FIELDS
from upperback.clinical.kb_schema import (
    Citation,
    ContraindicationFile,
    ContraindicationRule,
    EscalationFile,
    ExerciseFile,
    ExerciseRule,
    FollowUpFile,
    FollowUpRule,
    LabelsFile,
    MetaFile,
    PsychosocialFile,
    RedFlagFile,
    RedFlagRule,
    SourceFile,
    SourceRule,
    StepRule,
    Text,
    TreatmentFile,
)

# libyaml's loader when PyYAML was built with it: the same safe loader, ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KB_DIR = Path(__file__).resolve().parent / "kb"
# Red-flag conditions must only ever be raised by reporting more: a symptom, history item or
# medicine under a `not` could let an extra answer lower the triage.
_NEVER_NEGATED = ("symptoms", "history", "medications")

M = TypeVar("M", bound=BaseModel)
TREATMENTS = "treatments.yaml"
EXERCISES = "exercises.yaml"


class KnowledgeBaseError(ValueError):
    """The knowledge base cannot be used: the message names the file and the rule."""


@dataclass(frozen=True, eq=False)  # hashed by identity: render caches its texts per KB
class KnowledgeBase:
    version: str
    meta: MetaFile
    citations: dict[str, Citation]
    red_flags: tuple[RedFlagRule, ...]
    sources: tuple[SourceRule, ...]
    source_list_from: float
    steps: dict[str, StepRule]
    contraindications: tuple[ContraindicationRule, ...]
    exercises: dict[str, ExerciseRule]
    escalation: EscalationFile
    labels: LabelsFile
    # What a patient's preference did to the plan, in words (treatments.yaml).
    preference_changes: dict[str, Text] = field(default_factory=dict)
    # The follow-up questions (follow_ups.yaml), each with its compiled condition.
    follow_ups: tuple[FollowUpRule, ...] = ()
    follow_up_conditions: list[tuple[FollowUpRule, Condition]] = field(default_factory=list)
    # The psychosocial screen (psychosocial.yaml).
    psychosocial: PsychosocialFile | None = None
    # Compiled conditions keyed by rule id (source features as "<source>#<index>").
    conditions: dict[str, Condition] = field(default_factory=dict)
    # Each red flag with its compiled condition, in file order, ready for the screen.
    flag_conditions: list[tuple[RedFlagRule, Condition]] = field(default_factory=list)
    # Each source with its compiled features and weights, ready for scoring.
    features: list[tuple[SourceRule, tuple[tuple[Test, float, tuple[str, ...]], ...]]] = field(
        default_factory=list
    )

    def counts(self) -> dict[str, int]:
        return {
            "red_flags": len(self.red_flags),
            "sources": len(self.sources),
            "treatments": len(self.steps),
            "contraindications": len(self.contraindications),
            "exercises": len(self.exercises),
            "escalation": len(self.escalation.rules),
            "citations": len(self.citations),
        }


def _rule_label(raw: Any, loc: tuple[int | str, ...]) -> str:
    """Name the rule a pydantic error points into: 'rule <id>' or the path."""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            return f"rule {raw['rules'][loc[1]].get('id', '#' + str(loc[1]))}"
        except (KeyError, IndexError, TypeError, AttributeError):
            return f"rule #{loc[1]}"
    return "top level"


def _read(directory: Path, name: str, model: type[M]) -> M:
    path = directory / name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeBaseError(f"{name}: cannot read: {error}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            loc = tuple(problem["loc"])
            where = ".".join(str(part) for part in loc[2:] if not isinstance(part, int))
            lines.append(f"{name}: {_rule_label(raw, loc)}: {where or 'value'}: {problem['msg']}")
        raise KnowledgeBaseError("\n".join(lines)) from None


def _compile(file: str, rule_id: str, node: Any, conditions: dict[str, Condition]) -> None:
    try:
        conditions[rule_id] = compile_condition(node)
    except ConditionError as error:
        raise KnowledgeBaseError(f"{file}: rule {rule_id}: {error}") from None


def _check_citations(kb: KnowledgeBase) -> None:
    cited: list[tuple[str, str, str]] = [
        *(("red_flags.yaml", r.id, r.source) for r in kb.red_flags),
        *(("sources.yaml", r.id, r.source) for r in kb.sources),
        *(("treatments.yaml", r.id, r.source) for r in kb.steps.values()),
        *(
            ("treatments.yaml", r.id, text.source)
            for r in kb.steps.values()
            for text in (r.course, r.risks, r.if_waiting)
        ),
        *(("contraindications.yaml", r.id, r.source) for r in kb.contraindications),
        *(("exercises.yaml", r.id, r.source) for r in kb.exercises.values()),
        *(("escalation.yaml", r.id, r.source) for r in kb.escalation.rules),
        ("escalation.yaml", "thresholds", kb.escalation.thresholds.source),
        ("escalation.yaml", "dosage", kb.escalation.dosage.source),
        *(("exercises.yaml", r.id, r.dosage.source) for r in kb.exercises.values() if r.dosage),
        *(("follow_ups.yaml", r.id, r.source) for r in kb.follow_ups),
        *(
            ("psychosocial.yaml", band.stratum, band.source)
            for band in (kb.psychosocial.strata if kb.psychosocial else ())
        ),
    ]
    for file, rule_id, key in cited:
        if key not in kb.citations:
            raise KnowledgeBaseError(
                f"{file}: rule {rule_id}: source {key!r} is not in meta.yaml citations"
            )


def _check_unique(kb: KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    groups: list[tuple[str, list[str]]] = [
        ("red_flags.yaml", [r.id for r in kb.red_flags]),
        ("sources.yaml", [r.id for r in kb.sources]),
        ("contraindications.yaml", [r.id for r in kb.contraindications]),
        ("escalation.yaml", [r.id for r in kb.escalation.rules]),
    ]
    follow_ups = [r.id for r in kb.follow_ups]
    if len(set(follow_ups)) != len(follow_ups):
        raise KnowledgeBaseError("follow_ups.yaml: duplicate rule id")
    for file, ids in groups:
        for rule_id in ids:
            if rule_id in seen:
                raise KnowledgeBaseError(
                    f"{file}: rule {rule_id}: duplicate rule id (also in {seen[rule_id]})"
                )
            seen[rule_id] = file


def _unique_map(file: str, rules: list[Any]) -> dict[str, Any]:
    mapped: dict[str, Any] = {}
    for rule in rules:
        if rule.id in mapped:
            raise KnowledgeBaseError(f"{file}: rule {rule.id}: duplicate rule id")
        mapped[rule.id] = rule
    return mapped


def _citations(meta: MetaFile) -> dict[str, Citation]:
    citations: dict[str, Citation] = {}
    for citation in meta.citations:
        if citation.key in citations:
            raise KnowledgeBaseError(f"meta.yaml: citation {citation.key}: duplicate key")
        citations[citation.key] = citation
    return citations


# The consult reasons the engine and escalation name; the file must give every one.
CONSULT_REASONS = (
    "emergency",
    "red_flag",
    "red_flag_today",
    "surgical",
    "review",
    "self_care",
    "no_improvement",
    "keep_going",
    "improving",
    "no_readings",
    "last_phase",
)


def _check_texts(kb: KnowledgeBase) -> None:
    for level in TRIAGE_ORDER:
        if level not in kb.meta.triage:
            raise KnowledgeBaseError(f"meta.yaml: triage: no text for {level!r}")
        if level not in kb.escalation.consult_within_days:
            raise KnowledgeBaseError(f"escalation.yaml: consult_within_days: no {level!r}")
    for reason in CONSULT_REASONS:
        if reason not in kb.escalation.consult_reasons:
            raise KnowledgeBaseError(f"escalation.yaml: consult_reasons: no {reason!r}")
    _check_labels(kb.labels)
    for kind in get_args(ChangeKind):
        if kind not in kb.preference_changes:
            raise KnowledgeBaseError(f"treatments.yaml: preference_changes: no {kind!r}")


def _check_labels(labels: LabelsFile) -> None:
    """Every id a person may be shown has a label: no raw id reaches a page or a summary."""
    wanted = {
        "triage": set(TRIAGE_ORDER),
        "triage_now": set(TRIAGE_ORDER),
        "who": set(get_args(Specialty)) | set(get_args(DeliveredBy)),
        "grade": set(get_args(Grade)),
        "fields": {spec.asks for spec in FIELDS.values() if spec.asks not in (None, "contract")},
    }
    for part, ids in wanted.items():
        missing = sorted(ids - set(getattr(labels, part)))
        if missing:
            raise KnowledgeBaseError(f"labels.yaml: {part}: no label for {', '.join(missing)}")


def _check_references(kb: KnowledgeBase) -> None:
    missing = [step for step in get_args(StepId) if step not in kb.steps]
    if missing:
        raise KnowledgeBaseError(f"treatments.yaml: missing steps: {', '.join(missing)}")
    for rule in kb.contraindications:
        for step in rule.withhold:
            if step not in kb.steps:
                raise KnowledgeBaseError(
                    f"contraindications.yaml: rule {rule.id}: unknown step id {step!r}"
                )
    for step_rule in kb.steps.values():
        if step_rule.id in step_rule.alternatives:
            raise KnowledgeBaseError(
                f"treatments.yaml: rule {step_rule.id}: a step is not its own alternative"
            )
        for exercise in step_rule.exercises:
            if exercise not in kb.exercises:
                raise KnowledgeBaseError(
                    f"treatments.yaml: rule {step_rule.id}: unknown exercise {exercise!r}"
                )


def _compile_all(kb: KnowledgeBase) -> None:
    conditions = kb.conditions
    for flag in kb.red_flags:
        _compile("red_flags.yaml", flag.id, flag.when, conditions)
        derived = [f for f in conditions[flag.id].read if FIELDS[f].asks is None]
        if derived:
            raise KnowledgeBaseError(
                f"red_flags.yaml: rule {flag.id}: {derived[0]} is worked out after the screen"
            )
        kb.flag_conditions.append((flag, conditions[flag.id]))
        negated = [f for f in conditions[flag.id].negated_fields() if f in _NEVER_NEGATED]
        if negated:
            raise KnowledgeBaseError(
                f"red_flags.yaml: rule {flag.id}: {negated[0]} may not appear under 'not'"
            )
    for source in kb.sources:
        for index, feature in enumerate(source.features):
            _compile("sources.yaml", f"{source.id}#{index}", feature.when, conditions)
        compiled = tuple(
            (
                conditions[f"{source.id}#{index}"].test,
                feature.weight,
                conditions[f"{source.id}#{index}"].read,
            )
            for index, feature in enumerate(source.features)
        )
        kb.features.append((source, compiled))
    for step in kb.steps.values():
        if step.offer_when is not None:
            _compile("treatments.yaml", step.id, step.offer_when, conditions)
        if step.safety_when is not None:
            _compile("treatments.yaml", f"{step.id}#safety", step.safety_when, conditions)
    for rule in kb.contraindications:
        _compile("contraindications.yaml", rule.id, rule.when, conditions)
    for follow in kb.follow_ups:
        key = f"follow_up:{follow.id}"
        _compile("follow_ups.yaml", key, follow.when, conditions)
        kb.follow_up_conditions.append((follow, conditions[key]))
        for path in follow.ask:
            if path not in FIELDS or FIELDS[path].asks != path:
                raise KnowledgeBaseError(
                    f"follow_ups.yaml: rule {follow.id}: {path!r} is not an intake field"
                )


def load_knowledge_base(directory: Path = KB_DIR) -> KnowledgeBase:
    """Read, validate and compile every knowledge-base file in `directory`."""
    meta = _read(directory, "meta.yaml", MetaFile)
    escalation = _read(directory, "escalation.yaml", EscalationFile)
    sources = _read(directory, "sources.yaml", SourceFile)
    treatments = _read(directory, TREATMENTS, TreatmentFile)
    kb = KnowledgeBase(
        version=meta.version,
        meta=meta,
        citations=_citations(meta),
        red_flags=tuple(_read(directory, "red_flags.yaml", RedFlagFile).rules),
        sources=tuple(sources.rules),
        source_list_from=sources.list_from,
        steps=_unique_map("treatments.yaml", treatments.rules),
        contraindications=tuple(
            _read(directory, "contraindications.yaml", ContraindicationFile).rules
        ),
        exercises=_unique_map("exercises.yaml", _read(directory, EXERCISES, ExerciseFile).rules),
        escalation=escalation,
        labels=_read(directory, "labels.yaml", LabelsFile),
        preference_changes={str(k): v for k, v in treatments.preference_changes.items()},
        follow_ups=tuple(_read(directory, "follow_ups.yaml", FollowUpFile).rules),
        psychosocial=_read(directory, "psychosocial.yaml", PsychosocialFile),
    )
    _check_unique(kb)
    _check_citations(kb)
    _check_references(kb)
    _check_texts(kb)
    _compile_all(kb)
    return kb


@functools.cache
def knowledge_base() -> KnowledgeBase:
    """The packaged knowledge base, loaded and checked on first use, then kept."""
    return load_knowledge_base()
