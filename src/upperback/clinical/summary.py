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
    "version": {"en": "knowledge base {version}", "es": "base de conocimiento {version}"},
    "because": {"en": "because of", "es": "por"},
    "most_likely": {"en": "most likely", "es": "lo más probable"},
    "possible": {"en": "possible", "es": "posible"},
    "less_likely": {"en": "less likely", "es": "menos probable"},
}


def likelihood_words(rank: int, score: float) -> str:
    """A ranking in words a patient reads correctly: a score is not a probability."""
    if rank == 0:
        return "most_likely"
    return "possible" if score >= 0.5 else "less_likely"


def _h(key: str, language: Language, **values: object) -> str:
    return HEADINGS[key][language].format(**values)


def _who(who: str | None, language: Language) -> str:
    labels = knowledge_base().labels.who
    return labels[who](language) if who in labels else ""


def _cite(key: str) -> str:
    """The short citation a person reads ("NICE guideline NG59, 2016"), not the KB's key."""
    found = knowledge_base().citations.get(key)
    return found.short if found is not None else key


def _fields(paths: list[str], language: Language) -> str:
    labels = knowledge_base().labels.fields
    return ", ".join(labels[p](language) if p in labels else p for p in paths)


def _step_lines(step: PlanStep, language: Language) -> list[str]:
    kb = knowledge_base()
    name = kb.steps[step.step].name(language)
    review = _h("review", language, days=step.review_after_days)
    who = _who(step.delivered_by, language)
    lines = [f"  - {name} ({who}, {review})", f"    {step.details.summary}"]
    for exercise in step.details.exercises:
        hold = f", {exercise.hold_seconds} s" if exercise.hold_seconds else ""
        lines.append(
            f"    * {exercise.name}: {exercise.sets} x {exercise.repetitions}{hold},"
            f" {exercise.per_day}/day"
        )
    grade = kb.labels.grade[step.evidence.grade](language)
    evidence = f"    {grade} ({_cite(step.evidence.source)})"
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
    who = _who(consult.specialty, language)
    return f"{_h('consult', language)}: {who}, {days}. {consult.because}"


def text_summary(assessment: Assessment) -> str:
    language: Language = assessment.language
    kb = knowledge_base()
    lines = [f"{_h('triage', language)}: {kb.meta.triage[assessment.triage](language)}", ""]
    lines.append(f"{_h('red_flags', language)}:")
    for flag in assessment.red_flags:
        level = kb.labels.triage[flag.level](language)
        lines.append(f"  - {level}: {flag.explanation} ({_cite(flag.source)})")
    if not assessment.red_flags:
        lines.append(f"  {_h('none', language)}")
    lines.append(f"{_h('sources', language)}:")
    names = {rule.id: rule.name(language) for rule in kb.sources}
    for rank, source in enumerate(assessment.likely_sources):
        because = _fields(source.because, language)
        words = _h(likelihood_words(rank, source.score), language)
        lines.append(f"  - {names[source.id]}: {words} ({_h('because', language)} {because})")
    lines += ["", _consult_line(assessment, language), "", *_plan_lines(assessment, language)]
    if assessment.withheld:
        lines.append(f"{_h('withheld', language)}:")
        steps = kb.steps
        lines += [f"  - {steps[w.step].name(language)}: {w.because}" for w in assessment.withheld]
    if assessment.questions:
        lines.append(f"{_h('questions', language)}: {_fields(assessment.questions, language)}")
    version = _h("version", language, version=assessment.knowledge_base)
    lines += ["", assessment.disclaimer, version]
    return "\n".join(lines) + "\n"
