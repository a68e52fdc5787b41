"""The engine's half of `upperback retriage`, run in worker processes.

It imports only the clinical engine (no Django), so a freshly spawned worker starts in a
fraction of a second and holds no database connection. It takes the stored intake as its
JSON text and gives the answer back as JSON text: the encoding work happens here, on every
core, not in the one process that writes to the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from upperback.care import assessed_parts
from upperback.clinical import assess


@dataclass(frozen=True)
class ReRun:
    """The engine's new answer for one stored assessment."""

    record_id: int
    assessment_json: str
    knowledge_base: str
    triage: str
    # (id, level, explanation) of each warning sign fired: the reason for a change
    red_flags: list[tuple[str, str, str]] = field(default_factory=list)
    error: str = ""  # the engine refused the stored intake (the contract changed): say so
    # The care event's parts (upperback.care.assessed_parts) as JSON text, made here on every
    # core rather than by decoding the answer again in the process that writes.
    event_parts: str = ""


def assess_batch(batch: list[tuple[int, str, str]]) -> list[ReRun]:
    """(record id, stored intake as JSON text, language) -> the engine's answer now."""
    results = []
    for record_id, intake_text, language in batch:
        try:
            assessment = assess(json.loads(intake_text), language=language)
        except ValueError as error:  # pydantic's ValidationError and bad JSON are ValueErrors
            results.append(ReRun(record_id, "", "", "", error=str(error).splitlines()[0]))
            continue
        answer = assessment.model_dump(mode="json")
        results.append(
            ReRun(
                record_id=record_id,
                assessment_json=json.dumps(answer),
                event_parts=json.dumps(assessed_parts(answer)),
                knowledge_base=assessment.knowledge_base,
                triage=assessment.triage,
                red_flags=[(f.id, f.level, f.explanation) for f in assessment.red_flags],
            )
        )
    return results


__all__ = ["ReRun", "assess_batch"]
