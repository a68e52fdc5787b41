"""How often the clinician's diagnosis was the engine's first likely source, and among its
first two: overall and by the clinician's diagnosis, with the counts. Plain data in, plain
data out (the CLI and the dashboard both print it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    source: str  # the clinician's diagnosis ("all" for the total row)
    diagnoses: int
    first: int
    top_two: int

    @property
    def first_percent(self) -> float:
        return round(100 * self.first / self.diagnoses, 1) if self.diagnoses else 0.0

    @property
    def top_two_percent(self) -> float:
        return round(100 * self.top_two / self.diagnoses, 1) if self.diagnoses else 0.0


def _row(source: str, pairs: list[tuple[str, list[str]]]) -> Agreement:
    return Agreement(
        source=source,
        diagnoses=len(pairs),
        first=sum(1 for diagnosis, engine in pairs if engine[:1] == [diagnosis]),
        top_two=sum(1 for diagnosis, engine in pairs if diagnosis in engine[:2]),
    )


def concordance(pairs: Iterable[tuple[str, list[str]]]) -> tuple[Agreement, list[Agreement]]:
    """The total row and one row per diagnosed source (most diagnosed first, then by name)."""
    listed = [(diagnosis, list(engine)) for diagnosis, engine in pairs]
    by_source: dict[str, list[tuple[str, list[str]]]] = {}
    for pair in listed:
        by_source.setdefault(pair[0], []).append(pair)
    rows = [_row(source, found) for source, found in by_source.items()]
    rows.sort(key=lambda row: (-row.diagnoses, row.source))
    return _row("all", listed), rows


def as_text(total: Agreement, rows: list[Agreement]) -> str:
    """The figures as a plain table, one line a source, the total last."""
    lines = [f"{'diagnosis':<28}{'n':>5}{'first':>14}{'first two':>16}"]
    for row in [*rows, total]:
        lines.append(
            f"{row.source:<28}{row.diagnoses:>5}"
            f"{f'{row.first} ({row.first_percent:.1f}%)':>14}"
            f"{f'{row.top_two} ({row.top_two_percent:.1f}%)':>16}"
        )
    return "\n".join(lines)
