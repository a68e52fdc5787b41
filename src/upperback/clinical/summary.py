"""A readable summary of an assessment for a person (`upperback assess --format text`)."""

from __future__ import annotations

from upperback.clinical.contract import Assessment, PlanStep
from upperback.clinical.kb_schema import Language
from upperback.clinical.knowledge import knowledge_base

HEADINGS: dict[str, dict[Language, str]] = {
    "triage": {"en": "Triage", "es": "Triaje"},
    "red_flags": {"en": "Warning signs", "es": "Señales de alarma"},
    "sources": {"en": "Likely sources of the pain", "es": "Origen probable del dolor"},
    "consult": {"en": "Consultation", "es": "Consulta"},
    "plan": {"en": "Plan", "es": "Plan"},
    "phase": {"en": "Phase", "es": "Fase"},
    "review": {"en": "review after {days} days", "es": "revisión a los {days} días"},
    "evidence": {"en": "evidence", "es": "evidencia"},
    "withheld": {"en": "Left out for you", "es": "Excluido en su caso"},
    "questions": {"en": "Questions that could change this", "es": "Preguntas que lo cambiarían"},
    "none": {"en": "none", "es": "ninguno"},
    "days": {"en": "within {days} days", "es": "en {days} días"},
    "today": {"en": "today", "es": "hoy"},
}


def _h(key: str, language: Language, **values: object) -> str:
    return HEADINGS[key][language].format(**values)


def _step_lines(step: PlanStep, language: Language) -> list[str]:
    kb = knowledge_base()
    name = kb.steps[step.step].name(language)
    review = _h("review", language, days=step.review_after_days)
    lines = [f"  - {name} ({step.delivered_by}, {review})", f"    {step.details.summary}"]
    for exercise in step.details.exercises:
        hold = f", {exercise.hold_seconds} s" if exercise.hold_seconds else ""
        lines.append(
            f"    * {exercise.name}: {exercise.sets} x {exercise.repetitions}{hold},"
            f" {exercise.per_day}/day"
        )
    evidence = f"    {_h('evidence', language)}: {step.evidence.grade} ({step.evidence.source})"
    if step.evidence.note:
        evidence += f". {step.evidence.note}"
    lines.append(evidence)
    return lines


def _plan_lines(assessment: Assessment, language: Language) -> list[str]:
    lines = [f"{_h('plan', language)}:"]
    if not assessment.plan:
        lines.append(f"  {_h('none', language)}")
    phase = 0
    for step in assessment.plan:
        if step.phase != phase:
            phase = step.phase
            lines.append(f" {_h('phase', language)} {phase}")
        lines.extend(_step_lines(step, language))
    return lines


def _consult_line(assessment: Assessment, language: Language) -> str:
    consult = assessment.consult
    if not consult.recommended:
        return f"{_h('consult', language)}: {consult.because}"
    days = _h(
        "today" if consult.within_days in (0, 1) else "days", language, days=consult.within_days
    )
    return f"{_h('consult', language)}: {consult.specialty}, {days}. {consult.because}"


def text_summary(assessment: Assessment) -> str:
    language: Language = assessment.language
    kb = knowledge_base()
    lines = [f"{_h('triage', language)}: {kb.meta.triage[assessment.triage](language)}", ""]
    lines.append(f"{_h('red_flags', language)}:")
    for flag in assessment.red_flags:
        lines.append(f"  - [{flag.level}] {flag.explanation} ({flag.source})")
    if not assessment.red_flags:
        lines.append(f"  {_h('none', language)}")
    lines.append(f"{_h('sources', language)}:")
    names = {rule.id: rule.name(language) for rule in kb.sources}
    for source in assessment.likely_sources:
        lines.append(f"  - {names[source.id]}: {source.score:.2f} ({', '.join(source.because)})")
    lines += ["", _consult_line(assessment, language), "", *_plan_lines(assessment, language)]
    if assessment.withheld:
        lines.append(f"{_h('withheld', language)}:")
        steps = kb.steps
        lines += [f"  - {steps[w.step].name(language)}: {w.because}" for w in assessment.withheld]
    if assessment.questions:
        lines.append(f"{_h('questions', language)}: {', '.join(assessment.questions)}")
    lines += ["", assessment.disclaimer, f"knowledge base {assessment.knowledge_base}"]
    return "\n".join(lines) + "\n"
