"""The engine's exact output on the benchmark's fixed intakes, pinned before any speed-up.

Speed work on `assess` must change nothing a patient sees: every intake of `bench/engine.py`
(the shared examples plus 400 drawn with a fixed seed) is assessed in English and Spanish and
the JSON compared, byte for byte, with digests computed from the engine before it was tuned.
A deliberate change to the knowledge base or the engine's output updates the fixture:
`.venv/bin/python -m tests.clinical.test_engine_golden --write` (and say why in the commit).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import sys
from pathlib import Path

from bench.engine import intakes

from upperback.clinical import assess

FIXTURE = Path(__file__).with_name("golden_bench_assessments.json")
LANGUAGES = ("en", "es")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _summary(item: dict[str, object]) -> str:
    """What a reviewer reads in a failing diff: the decisions, not the prose."""
    a = assess(item)
    return (
        f"{a.triage} flags={[f.id for f in a.red_flags]} "
        f"sources={[(s.id, s.score) for s in a.likely_sources]} "
        f"plan={[(p.step, p.phase) for p in a.plan]} withheld={[w.step for w in a.withheld]} "
        f"consult={a.consult.specialty}/{a.consult.within_days} questions={a.questions}"
    )


def current() -> dict[str, list[str]]:
    """A digest of each bench intake's assessment JSON, per language, in bench order, and a
    readable summary of each decision (English) for the failure's diff."""
    items = intakes()
    digests: dict[str, list[str]] = {
        language: [_digest(assess(item, language=language).model_dump_json()) for item in items]
        for language in LANGUAGES
    }
    digests["summary"] = [_summary(item) for item in items]
    return digests


def _readable_diff(pinned: list[str], now: list[str], changed: list[int]) -> str:
    lines = []
    for index in changed[:10]:
        lines.extend(
            difflib.unified_diff(
                [pinned[index]], [now[index]], f"pinned #{index}", f"now #{index}", lineterm=""
            )
        )
    return "\n".join(lines)


def test_assessments_of_the_bench_intakes_are_unchanged() -> None:
    pinned = json.loads(FIXTURE.read_text())
    now = current()
    assert len(now["en"]) == pinned["count"], "the bench's intake set changed"
    for language in LANGUAGES:
        pairs = zip(now[language], pinned[language], strict=True)
        changed = [i for i, (a, b) in enumerate(pairs) if a != b]
        assert changed == [], (
            f"{language}: assessments of intakes {changed[:10]} changed "
            "(rewrite the fixture with --write if deliberate):\n"
            + _readable_diff(pinned["summary"], now["summary"], changed)
        )


def test_the_fixture_covers_every_triage_level() -> None:
    """The pinned set is only proof if it reaches every branch of the engine."""
    triages = {assess(item).triage for item in intakes()}
    assert triages == {"emergency", "urgent", "soon", "routine", "self_care"}


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    digests = current()
    FIXTURE.write_text(json.dumps({"count": len(digests["en"]), **digests}, indent=0) + "\n")
    print(f"wrote {FIXTURE}")
