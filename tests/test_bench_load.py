"""bench.load's arithmetic and verdicts (the load run itself is `make bench`, never a test)."""

from __future__ import annotations

from typing import Any

from bench import load


def _step(concurrency: int, per_second: float, p95_ms: float, errors: int = 0) -> dict[str, Any]:
    return {
        "concurrency": concurrency,
        "per_second": per_second,
        "median_ms": p95_ms / 2,
        "p95_ms": p95_ms,
        "errors": errors,
    }


def test_p95_is_the_95th_percentile() -> None:
    assert load.p95([float(n) for n in range(1, 101)]) == 95.05
    assert load.p95([7.0]) == 0.0


def test_the_best_rate_keeps_p95_under_500_ms_and_has_no_error() -> None:
    steps = [_step(1, 10, 100), _step(4, 30, 400), _step(8, 45, 480, errors=1), _step(16, 50, 900)]
    best = load.best_rate(steps)
    assert best is not None and best["concurrency"] == 4
    assert load.best_rate([_step(1, 10, 600)]) is None


def _figures(p95_ms: float, errors: int, patients: int = load.PATIENTS) -> dict[str, Any]:
    login = {"requests": 150, "errors": 0, "median_ms": 50.0, "p95_ms": 90.0}
    think = {
        "requests": 1000,
        "errors": errors,
        "median_ms": 20.0,
        "p95_ms": p95_ms,
        "pages": {"home": (15.0, 40.0)},
        "login": login,
        "patients": patients,
    }
    return {"think": think, "steps": [_step(1, 40, 60), _step(2, 70, 120)]}


def test_the_verdict_says_whether_the_200_ms_target_is_met() -> None:
    assert "(meets the target" in load._verdict("SQLite", _figures(150, 0))
    assert "(MISSES the target" in load._verdict("SQLite", _figures(250, 0))
    assert "(MISSES the target" in load._verdict("SQLite", _figures(150, 2))
    assert "(MISSES the target" in load._verdict("SQLite", _figures(150, 0, patients=49))


def test_the_report_has_both_tables_and_says_why_a_database_is_missing() -> None:
    text = load.report({"SQLite": _figures(150, 0), "PostgreSQL": "skipped: no initdb"}, 60.0, 12.0)
    assert "| SQLite | all pages | 1000 | 0 | 20.0 | 150.0 |" in text
    assert "| SQLite | 2 | 70.0 | 60.0 | 120.0 | 0 |" in text
    assert "70 requests/s at 2 concurrent clients" in text
    assert "- PostgreSQL: skipped: no initdb" in text
