"""bench.load's reading of Locust's figures and its verdicts (the load run itself is
`make bench`, never a test)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench import load, load_forms, load_patients

STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def _step(concurrency: int, per_second: float, p95_ms: float, failures: int = 0) -> dict[str, Any]:
    return {
        "concurrency": concurrency,
        "per_second": per_second,
        "median_ms": p95_ms / 2,
        "p95_ms": p95_ms,
        "failures": failures,
        "requests": 100,
        "pages": {},
    }


def _phase(p95_ms: float, failures: int) -> dict[str, Any]:
    return {
        "requests": 9000,
        "failures": failures,
        "median_ms": 30.0,
        "p95_ms": p95_ms,
        "per_second": 100.0,
        "pages": {"home": {"requests": 10, "failures": 0, "median_ms": 20, "p95_ms": 40}},
        "failure_examples": ["home: HTTPError 500 (3x)"] if failures else [],
        "client_cpu_share": 0.12,
        "users": load.PATIENTS,
    }


def _figures(p95_ms: float, failures: int = 0) -> dict[str, Any]:
    arrival = {**_phase(700, 0), "pages": {}}
    return {
        "think": {**_phase(p95_ms, failures), "arrival": arrival},
        "steps": [_step(2, 40, 60), _step(8, 70, 120)],
    }


def test_locusts_csv_is_read_per_request_and_in_all(tmp_path: Path) -> None:
    stats = tmp_path / "load_stats.csv"
    stats.write_text(
        STATS_HEADER
        + "\nGET,home,100,2,20,25,3,90,1000,10.5,0.2,20,22,24,26,30,41,50,60,80,90,90"
        + "\n,Aggregated,150,2,22,27,3,95,1000,15.0,0.2,22,24,26,28,33,45,55,66,88,95,95\n"
    )
    failures = tmp_path / "load_failures.csv"
    failures.write_text("Method,Name,Error,Occurrences\nGET,home,HTTPError 500,2\n")
    figures = load.read_stats(stats, failures)
    assert (figures["requests"], figures["failures"], figures["p95_ms"]) == (150, 2, 45.0)
    assert figures["pages"]["home"]["p95_ms"] == 41.0
    assert figures["failure_examples"] == ["home: HTTPError 500 (2x)"]


def test_the_best_rate_keeps_p95_under_500_ms_and_has_no_error() -> None:
    steps = [_step(2, 10, 100), _step(4, 30, 400), _step(8, 45, 480, 1), _step(16, 50, 900)]
    best = load.best_rate(steps)
    assert best is not None and best["concurrency"] == 4
    assert load.best_rate([_step(2, 10, 600)]) is None


def test_the_verdict_says_whether_the_200_ms_target_is_met() -> None:
    assert "(meets the target" in load._verdict("PostgreSQL", _figures(150))
    assert "(MISSES the target" in load._verdict("PostgreSQL", _figures(250))
    missed = load._verdict("PostgreSQL", _figures(150, failures=3))
    assert "(MISSES the target" in missed and "HTTPError 500" in missed


def test_the_report_has_the_tables_and_says_why_a_database_is_missing() -> None:
    text = load.report({"PostgreSQL": _figures(150), "SQLite": "skipped: no initdb"}, 180.0, 20.0)
    assert "| PostgreSQL | all requests | 9000 | 0 | 30 | 150 |" in text
    assert "| PostgreSQL | 8 | 70.0 | 60 | 120 | 0 |" in text
    assert "70 requests/s at 8 patients without pause" in text
    assert "- SQLite: skipped: no initdb" in text


def test_the_locustfile_reads_the_first_offered_slot() -> None:
    page = (
        '<form method="post" action="/consultations/book/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="tok">'
        '<input type="hidden" name="clinician" value="3">'
        '<input type="hidden" name="starts_at" value="2026-12-08T09:00:00-08:00">'
        "<button>Book</button></form>"
        '<form method="post"><input type="hidden" name="starts_at" value="later"></form>'
    )
    offer = load_forms.first_offer(page)
    assert offer == {
        "clinician": "3",
        "starts_at": "2026-12-08T09:00:00-08:00",
        "csrfmiddlewaretoken": "tok",
    }
    assert load_forms.first_offer("<p>No consultation is advised.</p>") == {}
    assert re.fullmatch(r"load\d+@load\.upperback\.example", load_patients.email(7))
