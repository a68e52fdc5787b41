"""The clinical engine: assessments per second on one core, validation included.

`python -m bench.run bench.engine`. A fixed set of intakes (the shared contract examples plus
intakes drawn with a fixed seed from the contract's enumerations) is assessed from plain
dicts, so pydantic validation of every intake is inside the timing. Median of several runs.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any, get_args

from upperback.clinical import assess, contract
from upperback.clinical.contract import Intake

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "contract" / "examples"
GENERATED = 400
# This machine is a virtual one whose speed varies from run to run by up to 2x (measured:
# 3,900 to 8,100 assessments per CPU second in one quiet process), so many runs, and the spread.
RUNS = 25
TARGET_PER_SECOND = 5_000
# Tearing pain is an emergency on its own: drawn uniformly it would swamp the set.
CHARACTERS = [c for c in get_args(contract.Character) if c != "tearing_or_ripping"]


def _some(rng: random.Random, literal: Any, most: int = 3, chance: float = 1.0) -> list[str]:
    """Up to `most` values of an enumeration; none at all unless `chance` comes up."""
    if rng.random() >= chance:
        return []
    values = list(get_args(literal))
    return rng.sample(values, rng.randint(1, min(most, len(values))))


def _generated(rng: random.Random) -> dict[str, Any]:
    """A valid intake; warning signs are rarer than in a uniform draw, as in a clinic."""
    pain = {
        "regions": _some(rng, contract.Region),
        "intensity_now": rng.randint(0, 10),
        "duration_days": rng.randint(0, 400),
        "onset": rng.choice(get_args(contract.Onset)),
        "trigger": rng.choice(get_args(contract.Trigger)[:5]),
        "character": rng.sample(CHARACTERS, rng.randint(1, 2)),
        "pattern": rng.choice(get_args(contract.Pattern)),
        "worse_with": _some(rng, contract.WorseWith, 2),
        "better_with": _some(rng, contract.BetterWith),
        "night_pain": rng.choice(("none", "none", "eased_by_position", "unrelieved")),
        "morning_stiffness_minutes": rng.randint(0, 90),
    }
    return {
        "contract": "1",
        "age": rng.randint(12, 90),
        "sex": rng.choice(get_args(contract.Sex)),
        "pain": pain,
        "symptoms": _some(rng, contract.Symptom, 1, chance=0.15),
        "neuro": {"progressive": rng.random() < 0.05},
        "history": _some(rng, contract.HistoryItem, 2, chance=0.3),
        "medications": _some(rng, contract.Medication, 1, chance=0.3),
        "diagnoses": _some(rng, contract.Diagnosis, 1, chance=0.3),
        "function": {"loss_of_function": rng.random() < 0.2},
        "work": {"desk_hours_per_day": rng.randint(0, 12), "overhead_or_heavy": rng.random() < 0.3},
    }


def intakes() -> list[dict[str, Any]]:
    examples = [json.loads(p.read_text())["intake"] for p in sorted(EXAMPLES.glob("*.json"))]
    rng = random.Random(20261125)
    return examples + [_generated(rng) for _ in range(GENERATED)]


def _pin_to_one_core() -> str:
    try:
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity here)"


def _rate(work: Any, items: list[dict[str, Any]]) -> float:
    """Items per second of this process's CPU time: waiting for a busy machine (the wall
    clock) does not count against the engine, only the time it actually ran."""
    start = time.process_time()
    for item in items:
        work(item)
    return len(items) / (time.process_time() - start)


def run() -> str:
    pinned = _pin_to_one_core()
    items = intakes()
    for item in items:  # warm up: the knowledge base loads once, outside the timing
        assess(item)
    triages = [assess(item).triage for item in items]
    mix = ", ".join(f"{level} {triages.count(level)}" for level in contract.TRIAGE_ORDER)
    rates = sorted(_rate(assess, items) for _ in range(RUNS))
    full = statistics.median(rates)
    validation = statistics.median(_rate(Intake.model_validate, items) for _ in range(RUNS))
    verdict = "meets" if full >= TARGET_PER_SECOND else "misses"
    return "\n".join(
        [
            "## Clinical engine: assessments per second",
            "",
            "Command: `.venv/bin/python -m bench.run bench.engine` (module `bench/engine.py`).",
            "",
            f"One process ({pinned}) assesses a fixed set of {len(items)} intakes, given as "
            f"plain dicts so that validation is included: the shared contract examples plus "
            f"{GENERATED} drawn with a fixed seed from the contract's enumerations "
            f"(triage mix: {mix}). Rates are per second of the process's CPU time, so time "
            "spent waiting for a core does not count (contention for shared caches and cores "
            f"still slows it). Median of {RUNS} runs over the whole set.",
            "",
            "| measure | median per second |",
            "|---|---|",
            f"| `assess(dict)`: validation, red flags, sources, plan, rendering | {full:,.0f} |",
            f"| `Intake.model_validate(dict)` alone | {validation:,.0f} |",
            "",
            f"Spread of the {RUNS} runs of `assess`: slowest {rates[0]:,.0f}, fastest "
            f"{rates[-1]:,.0f} per second (the virtual machine's speed varies between runs).",
            "",
            f"The full assessment {verdict} the target of {TARGET_PER_SECOND:,} per second "
            f"({full / TARGET_PER_SECOND:.2f} times the target). Validating the intake takes "
            f"about {full / validation:.0%} of an assessment's time; the rules and the "
            "rendering of the plan take the rest. Figures depend on the machine and its load; "
            "the ratio to the target is what to compare between runs.",
        ]
    )


if __name__ == "__main__":
    print(run())
