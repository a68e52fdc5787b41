"""The engine's exact output on the benchmark's fixed intakes, pinned before any speed-up.

Speed work on `assess` must change nothing a patient sees: every intake of `bench/engine.py`
(the shared examples plus 400 drawn with a fixed seed) is assessed in English and Spanish and
the JSON compared, byte for byte, with digests computed from the engine before it was tuned.
A deliberate change to the knowledge base or the engine's output updates the fixture:
`.venv/bin/python -m tests.clinical.test_engine_golden --write` (and say why in the commit).
"""

from __future__ import annotations

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


def current() -> dict[str, list[str]]:
    """A digest of each bench intake's assessment JSON, per language, in bench order."""
    items = intakes()
    return {
        language: [_digest(assess(item, language=language).model_dump_json()) for item in items]
        for language in LANGUAGES
    }


def test_assessments_of_the_bench_intakes_are_unchanged() -> None:
    pinned = json.loads(FIXTURE.read_text())
    now = current()
    assert len(now["en"]) == pinned["count"], "the bench's intake set changed"
    for language in LANGUAGES:
        pairs = zip(now[language], pinned[language], strict=True)
        changed = [i for i, (a, b) in enumerate(pairs) if a != b]
        assert changed == [], f"{language}: assessments of intakes {changed[:10]} changed"


def test_the_fixture_covers_every_triage_level() -> None:
    """The pinned set is only proof if it reaches every branch of the engine."""
    triages = {assess(item).triage for item in intakes()}
    assert triages == {"emergency", "urgent", "soon", "routine", "self_care"}


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    digests = current()
    FIXTURE.write_text(json.dumps({"count": len(digests["en"]), **digests}, indent=0) + "\n")
    print(f"wrote {FIXTURE}")
