"""The engine's half of `upperback retriage`, run in worker processes.

It imports only the clinical engine (no Django), so a freshly spawned worker starts in a
fraction of a second and holds no database connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from upperback.clinical import assess


@dataclass(frozen=True)
class ReRun:
    """The engine's new answer for one stored assessment."""

    record_id: int
    assessment: dict[str, Any]
    triage: str
    knowledge_base: str
    error: str = ""  # the engine refused the stored intake (the contract changed): say so


def assess_batch(batch: list[tuple[int, dict[str, Any], str]]) -> list[ReRun]:
    """(record id, stored intake, language) -> the engine's answer under the current rules."""
    results = []
    for record_id, intake, language in batch:
        try:
            assessment = assess(intake, language=language)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            results.append(ReRun(record_id, {}, "", "", error=str(error).splitlines()[0]))
            continue
        results.append(
            ReRun(
                record_id=record_id,
                assessment=assessment.model_dump(mode="json"),
                triage=assessment.triage,
                knowledge_base=assessment.knowledge_base,
            )
        )
    return results


__all__ = ["ReRun", "assess_batch"]
