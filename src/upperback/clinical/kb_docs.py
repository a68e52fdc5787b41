"""docs/kb.md, generated from the knowledge base (`upperback kb docs --output docs/kb.md`).

A test regenerates it and fails when the committed file is stale, so the documentation never
drifts from the rules the engine runs.
"""

from __future__ import annotations

from typing import Any

from upperback.clinical.knowledge import KnowledgeBase, knowledge_base


def _condition(node: Any) -> str:
    """Render a condition node as compact readable text (the YAML's own words)."""
    if isinstance(node, str):
        return f"`{node}`"
    if "not" in node:
        return f"not ({_condition(node['not'])})"
    if "at_least" in node:
        parts = "; ".join(_condition(part) for part in node["of"])
        return f"at least {node['at_least']} of ({parts})"
    joiner = " and " if "all" in node else " or "
    parts = node.get("all", node.get("any"))
    return "(" + joiner.join(_condition(part) for part in parts) + ")"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _red_flags(kb: KnowledgeBase) -> list[str]:
    lines = [
        "## Red flags",
        "",
        "| id | family | level | consult | when | because | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in kb.red_flags:
        lines.append(
            f"| `{rule.id}` | {rule.family} | {rule.level} | {rule.consult} | "
            f"{_cell(_condition(rule.when))} | {_cell(rule.because.en)} | {rule.source} |"
        )
    return lines


def _sources(kb: KnowledgeBase) -> list[str]:
    lines = [
        "## Likely sources",
        "",
        f"A source is listed from a score of {kb.source_list_from}; the score is the sum "
        "of the weights of the features that hold, clamped to 0..1.",
        "",
    ]
    for rule in kb.sources:
        lines += [
            f"### `{rule.id}`: {rule.name.en}",
            "",
            f"{rule.because.en} ({rule.source})",
            "",
            "| weight | when |",
            "|---|---|",
        ]
        lines += [f"| {f.weight:+.2f} | {_cell(_condition(f.when))} |" for f in rule.features]
        lines.append("")
    return lines


def _treatments(kb: KnowledgeBase) -> list[str]:
    lines = [
        "## Treatments (stepped-care plan)",
        "",
        "| step | phase | by | review (days) | offered when | evidence | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for step in kb.steps.values():
        when = _condition(step.offer_when) if step.offer_when is not None else "always"
        note = step.evidence.note.en if step.evidence.note else ""
        lines.append(
            f"| `{step.id}` | {step.phase} | {step.delivered_by} | {step.review_after_days} | "
            f"{_cell(when)} | {step.evidence.grade} ({step.evidence.source}) | {_cell(note)} |"
        )
    return [*lines, "", *_choosing(kb)]


def _choosing(kb: KnowledgeBase) -> list[str]:
    """What a patient weighs for each option, and what replaces it when she declines it."""
    lines = [
        "### Weighing the options (preferences)",
        "",
        "| step | alternatives | stays for safety | common risks | if she waits |",
        "|---|---|---|---|---|",
    ]
    for step in kb.steps.values():
        safety = "always" if step.safety else ""
        if step.safety_when is not None:
            safety = _condition(step.safety_when)
        alternatives = ", ".join(f"`{a}`" for a in step.alternatives) or "none"
        lines.append(
            f"| `{step.id}` | {alternatives} | {_cell(safety) or 'no'} | "
            f"{_cell(step.risks.en)} ({step.risks.source}) | "
            f"{_cell(step.if_waiting.en)} ({step.if_waiting.source}) |"
        )
    return lines


def _contraindications(kb: KnowledgeBase) -> list[str]:
    lines = [
        "## Contraindications",
        "",
        "| id | withholds | when | because | source |",
        "|---|---|---|---|---|",
    ]
    for rule in kb.contraindications:
        lines.append(
            f"| `{rule.id}` | {', '.join(rule.withhold)} | {_cell(_condition(rule.when))} | "
            f"{_cell(rule.because.en)} | {rule.source} |"
        )
    return lines


def _follow_ups(kb: KnowledgeBase) -> list[str]:
    lines = [
        "## Follow-up questions",
        "",
        "| id | asked when | asks | because | source |",
        "|---|---|---|---|---|",
    ]
    for rule in kb.follow_ups:
        lines.append(
            f"| `{rule.id}` | {_cell(_condition(rule.when))} | {', '.join(rule.ask)} | "
            f"{_cell(rule.because.en)} | {rule.source} |"
        )
    return lines


def _psychosocial(kb: KnowledgeBase) -> list[str]:
    screen = kb.psychosocial
    if screen is None:
        return []
    lines = [
        "## Psychosocial screen",
        "",
        f"Instrument `{screen.instrument}` ({screen.source}). Licence: {screen.licence}",
        "",
        "| stratum | score up to | because | source | asked again after (days) |",
        "|---|---|---|---|---|",
    ]
    for band in screen.strata:
        days = screen.ask_again_days.get(band.stratum, "")
        lines.append(
            f"| `{band.stratum}` | {band.max_score} | {_cell(band.because.en)} | {band.source} "
            f"| {days} ({screen.ask_again_source}) |"
        )
    return lines


def _exercises(kb: KnowledgeBase) -> list[str]:
    lines = ["## Exercises", ""]
    for ex in kb.exercises.values():
        hold = f", hold {ex.hold_seconds} s" if ex.hold_seconds else ""
        lines += [
            f"### `{ex.id}`: {ex.name.en} / {ex.name.es}",
            "",
            f"{ex.sets} sets of {ex.repetitions}{hold}, {ex.per_day} a day ({ex.source}).",
            "",
        ]
        lines += [f"{n}. {step.en}" for n, step in enumerate(ex.instructions, 1)]
        lines += ["", f"Progression: {ex.progression.en}", ""]
        if ex.dosage is not None:
            steps = "; ".join(
                f"{n}: {lv.sets} x {lv.repetitions}"
                + (f", hold {lv.hold_seconds} s" if lv.hold_seconds else "")
                for n, lv in enumerate(ex.dosage.levels, 1)
            )
            lines += [f"Dosage levels ({ex.dosage.source}): {steps}.", ""]
    return lines


def _escalation(kb: KnowledgeBase) -> list[str]:
    t = kb.escalation.thresholds
    d = kb.escalation.dosage
    days = ", ".join(f"{k} {v}" for k, v in kb.escalation.consult_within_days.items())
    lines = [
        "## Escalation",
        "",
        f"Clinically important improvement: pain down {t.nrs_points:g} points or "
        f"{t.nrs_percent:g}%, or PSFS up {t.psfs_points:g} points ({t.source}). "
        f"Pain worse by {t.worse_nrs_points:g} points prompts a consultation.",
        "",
        f"Weekly exercise dosage ({d.source}): a week with pain at most {d.max_pain} and at "
        f"least {d.min_sessions_percent:g}% of the planned sessions done moves an exercise up "
        f"one level; pain up {d.flare_nrs_points:g} points or more from the week before moves "
        "every exercise back one level.",
        "",
        f"Consultation within (days): {days}.",
        "",
        "| id | kind | because | source |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{r.id}` | {r.kind} | {_cell(r.because.en)} | {r.source} |" for r in kb.escalation.rules
    ]
    return lines


def _citations(kb: KnowledgeBase) -> list[str]:
    lines = ["## References", ""]
    lines += [f"- **{c.key}** ({c.short}): {c.reference}" for c in kb.citations.values()]
    return lines


def kb_markdown(kb: KnowledgeBase | None = None) -> str:
    kb = kb or knowledge_base()
    counts = ", ".join(f"{count} {kind}" for kind, count in kb.counts().items())
    sections = [
        [
            "# The knowledge base",
            "",
            "Generated by `upperback kb docs --output docs/kb.md` from "
            "`src/upperback/clinical/kb/*.yaml`; do not edit by hand.",
            "",
            f"Version **{kb.version}**: {counts}. Every text also exists in Spanish in the YAML.",
        ],
        _red_flags(kb),
        _sources(kb),
        _treatments(kb),
        _contraindications(kb),
        _follow_ups(kb),
        _psychosocial(kb),
        _exercises(kb),
        _escalation(kb),
        _citations(kb),
    ]
    return "\n\n".join("\n".join(section).rstrip() for section in sections) + "\n"
