"""Load on `make run`'s server, driven by Locust: 200 patients with 1-3 s of thought between
clicks, on PostgreSQL (the target: p95 under 200 ms, no error) and on SQLite; then the most
requests per second at which the 95th percentile stays under 500 ms.

The server is the real one (`python -m upperback.web.serve`: gunicorn, DEBUG off, WhiteNoise,
the task worker beside it) on a free loopback port, over a data folder prepared as `make run`
prepares it (migrate, load_demo, collectstatic) plus the load's own patients
(bench.load_patients: each her own account, assessment, plan and readings). What each
patient does is bench/locustfile.py: home, result, progress with its charts, check-ins,
messages, a booking, the PDF report, the API. Locust runs as its own process on the same
machine (its CPU time is reported: it shares the two cores with the server). Only loopback
addresses are used.

    make bench BENCH_ARGS=bench.load
    .venv/bin/python -m bench.load --quick      # shorter phases, for a smoke run
"""

from __future__ import annotations

import csv
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "make bench BENCH_ARGS=bench.load"
PATIENTS = 200
THINK_SECONDS = (1.0, 3.0)
SPAWN_RATE = 5  # patients arriving a second: 200 in 40 s (each login is a slow Argon2 hash)
THINK_PHASE_SECONDS = 180.0
STEP_SECONDS = 20.0
CONCURRENCY_STEPS = (2, 4, 8, 16, 32)
P95_TARGET_MS = 200.0
P95_LIMIT_MS = 500.0
GUNICORN_WORKERS = 2
LOCAL_ENV = {
    "UPPERBACK_LOCAL": "1",
    "DJANGO_SETTINGS_MODULE": "upperback.web.settings",
    "UPPERBACK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    # Every simulated patient comes from 127.0.0.1: the per-source limit on PDF reports (600
    # an hour from one address) would refuse the crowd, where 200 real patients have 200
    # addresses. The throughput steps click without pause, dozens of PDFs a minute each: the
    # per-account limit (60 an hour) would refuse them too. Both limits have their own tests.
    "UPPERBACK_RATE_EXPORTS_SOURCE": "1000000",
    "UPPERBACK_RATE_EXPORTS_ACCOUNT": "1000000",
}


# --- The server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def _wait_for_address(server: subprocess.Popen[str], timeout: float) -> str:
    assert server.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line and server.poll() is not None:
            break
        match = re.search(r"running at (http://127\.0\.0\.1:\d+/)", line)
        if match:
            return match.group(1)
    raise RuntimeError("the server printed no address")


@contextmanager
def running_server(extra_env: dict[str, str], patients: int) -> Iterator[str]:
    """Prepare a data folder as `make run` does, add the load's patients, serve it, yield
    the address, stop it."""
    with tempfile.TemporaryDirectory(prefix="upperback-load-") as data_dir:
        env = {**os.environ, **LOCAL_ENV, "UPPERBACK_DATA_DIR": data_dir, **extra_env}
        env.pop("UPPERBACK_DEBUG", None)
        if "DATABASE_URL" not in extra_env:
            env.pop("DATABASE_URL", None)
        _run(env, "manage.py", "migrate", "--noinput")
        _run(env, "manage.py", "load_demo", "-v0")
        _run(env, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
        _run(env, "-m", "bench.load_patients", str(patients))
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "upperback.web.serve", "--host", "127.0.0.1"),
                *("--port", str(_free_port()), "--workers", str(GUNICORN_WORKERS)),
            ],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            address = _wait_for_address(server, timeout=120)
            threading.Thread(target=_drain, args=(server,), daemon=True).start()
            yield address.rstrip("/")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _drain(server: subprocess.Popen[str]) -> None:
    assert server.stdout is not None
    for _line in server.stdout:
        pass


# --- Locust ----------------------------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_locust(
    address: str, users: int, spawn_rate: float, seconds: float, think: tuple[float, float]
) -> dict[str, Any]:
    """One Locust run; its figures read back from its CSV files. They count from the moment
    the last patient has arrived (`--reset-stats`); the arrival's own figures (every login,
    while the others already click) are under "arrival"."""
    with tempfile.TemporaryDirectory(prefix="upperback-locust-") as out:
        cpu_before = _children_cpu()
        started = time.monotonic()
        subprocess.run(
            [
                *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")),
                *("--headless", "--users", str(users), "--spawn-rate", str(spawn_rate)),
                *("--run-time", f"{seconds:.0f}s", "--host", address, "--csv", f"{out}/load"),
                *("--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"),
                "--reset-stats",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "UPPERBACK_LOAD_THINK": f"{think[0]},{think[1]}",
                "UPPERBACK_LOAD_ARRIVAL_FILE": f"{out}/arrival.json",
            },
            check=False,  # Locust exits 1 when a request failed: the figures say so
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.monotonic() - started
        figures = read_stats(Path(f"{out}/load_stats.csv"), Path(f"{out}/load_failures.csv"))
        arrival = Path(f"{out}/arrival.json")
        figures["arrival"] = json.loads(arrival.read_text()) if arrival.exists() else {}
    figures["client_cpu_share"] = (_children_cpu() - cpu_before) / wall
    figures["users"] = users
    return figures


def read_stats(stats: Path, failures: Path) -> dict[str, Any]:
    """Locust's CSV: the aggregated row and one row a request name; failures by their cause."""
    pages: dict[str, dict[str, float]] = {}
    total: dict[str, float] = {}
    with stats.open(newline="") as rows:
        for row in csv.DictReader(rows):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "per_second": float(row["Requests/s"]),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                pages[row["Name"]] = figures
    causes: list[str] = []
    if failures.exists():
        with failures.open(newline="") as rows:
            causes = [
                f"{r['Name']}: {r['Error']} ({r['Occurrences']}x)" for r in csv.DictReader(rows)
            ]
    return {**total, "pages": pages, "failure_examples": causes[:5]}


# --- The phases ------------------------------------------------------------------------------


def measure(address: str, think_seconds: float, step_seconds: float) -> dict[str, Any]:
    think = run_locust(address, PATIENTS, SPAWN_RATE, think_seconds, THINK_SECONDS)
    steps = [
        {"concurrency": n, **run_locust(address, n, n, step_seconds, (0.0, 0.0))}
        for n in CONCURRENCY_STEPS
    ]
    return {"think": think, "steps": steps}


def best_rate(steps: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The step with the most requests per second whose p95 stayed under the limit, no errors."""
    fine = [s for s in steps if s["p95_ms"] < P95_LIMIT_MS and not s["failures"]]
    return max(fine, key=lambda s: s["per_second"]) if fine else None


def measure_on(engine: str, think_seconds: float, step_seconds: float) -> dict[str, Any] | str:
    if engine == "SQLite":
        with running_server({}, PATIENTS) as address:
            return measure(address, think_seconds, step_seconds)
    sys.path.insert(0, str(ROOT / "tests"))
    from postgres_cluster import PostgresUnavailable, cluster

    try:
        with cluster() as url, running_server({"DATABASE_URL": url}, PATIENTS) as address:
            return measure(address, think_seconds, step_seconds)
    except PostgresUnavailable as missing:
        return f"skipped: {missing}"


# --- The report ------------------------------------------------------------------------------


def _think_rows(engine: str, f: dict[str, Any]) -> list[str]:
    think = f["think"]
    rows = [
        f"| {engine} | all requests | {think['requests']} | {think['failures']} | "
        f"{think['median_ms']:.0f} | {think['p95_ms']:.0f} |"
    ]
    arrival = think.get("arrival") or {}
    if arrival:
        rows.append(
            f"| {engine} | (before: the arrival, {PATIENTS} logins among the first clicks) | "
            f"{arrival['requests']} | {arrival['failures']} | {arrival['median_ms']:.0f} | "
            f"{arrival['p95_ms']:.0f} |"
        )
    for page, p in sorted(think["pages"].items()):
        rows.append(
            f"| {engine} | {page} | {p['requests']} | {p['failures']} | "
            f"{p['median_ms']:.0f} | {p['p95_ms']:.0f} |"
        )
    return rows


def _step_rows(engine: str, f: dict[str, Any]) -> list[str]:
    return [
        f"| {engine} | {s['concurrency']} | {s['per_second']:.1f} | {s['median_ms']:.0f} | "
        f"{s['p95_ms']:.0f} | {s['failures']} |"
        for s in f["steps"]
    ]


def _verdict(engine: str, f: dict[str, Any]) -> str:
    think = f["think"]
    ok = think["p95_ms"] < P95_TARGET_MS and think["failures"] == 0 and think["requests"] > 0
    best = best_rate(f["steps"])
    rate = (
        f"{best['per_second']:.0f} requests/s at {best['concurrency']} patients without pause "
        f"(p95 {best['p95_ms']:.0f} ms)"
        if best
        else f"no step kept p95 under {P95_LIMIT_MS:.0f} ms"
    )
    target = "meets" if ok else "MISSES"
    return (
        f"- {engine}: {think['users']} patients, {think['per_second']:.1f} requests/s, p95 "
        f"{think['p95_ms']:.0f} ms with {think['failures']} errors ({target} the target: p95 "
        f"under {P95_TARGET_MS:.0f} ms, no error); Locust itself used "
        f"{think['client_cpu_share']:.0%} of a core; the most with p95 under "
        f"{P95_LIMIT_MS:.0f} ms: {rate}."
        + (f" Errors: {'; '.join(think['failure_examples'])}." if think["failures"] else "")
        + _arrival_words(think.get("arrival") or {})
    )


def _arrival_words(arrival: dict[str, Any]) -> str:
    if not arrival:
        return ""
    login = arrival.get("pages", {}).get("log in", {})
    return (
        f" While they arrived: p95 {arrival['p95_ms']:.0f} ms, {arrival['failures']} errors"
        + (f", a login's median {login['median_ms']:.0f} ms" if login else "")
        + " (the password hash, Argon2, is slow by design)."
    )


def report(results: dict[str, dict[str, Any] | str], think_s: float, step_s: float) -> str:
    measured = {e: f for e, f in results.items() if isinstance(f, dict)}
    lines = [
        "## Serving under load (bench.load)",
        "",
        f"Command: `{COMMAND}` (module `bench/load.py`, the patients in `bench/locustfile.py`). "
        f"`make run`'s server on a free loopback port (`python -m upperback.web.serve`: "
        f"gunicorn, {GUNICORN_WORKERS} worker processes, DEBUG off, WhiteNoise, the task "
        "worker beside it) over a data folder prepared as `make run` does, plus "
        f"{PATIENTS} patients of the load's own (each her account, assessment, plan and three "
        "weekly readings; half advised a consultation). Locust, on the same machine, plays "
        "them: each logs in, then opens her home page, result, progress (charts), checks in, "
        "reads her messages, books once when offered (then looks at her appointments), "
        "downloads her PDF report and reads the API, at random by weight.",
        "",
        f"**{PATIENTS} patients, think time {THINK_SECONDS[0]:.0f}-{THINK_SECONDS[1]:.0f} s, "
        f"{think_s:.0f} s** after the last has arrived (they arrive {SPAWN_RATE} a second, "
        "each logging in first; the arrival's own figures on the second row; times in ms):",
        "",
        "| database | request | count | errors | median | p95 |",
        "|---|---|---|---|---|---|",
    ]
    for engine, f in measured.items():
        lines += _think_rows(engine, f)
    lines += [
        "",
        f"**Throughput**: patients without pause, {step_s:.0f} s per step, the same mix:",
        "",
        "| database | patients | requests/s | median ms | p95 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for engine, f in measured.items():
        lines += _step_rows(engine, f)
    lines += ["", *[_verdict(e, f) for e, f in measured.items()]]
    lines += [f"- {e}: {f}" for e, f in results.items() if isinstance(f, str)]
    return "\n".join(lines)


def run(quick: bool = False, engines: tuple[str, ...] = ("PostgreSQL", "SQLite")) -> str:
    think_s, step_s = (60.0, 8.0) if quick else (THINK_PHASE_SECONDS, STEP_SECONDS)
    results: dict[str, dict[str, Any] | str] = {}
    loads = [os.getloadavg()[0]]
    for engine in engines:
        print(f"bench.load: {engine}", file=sys.stderr)
        results[engine] = measure_on(engine, think_s, step_s)
        loads.append(os.getloadavg()[0])
    load = ", ".join(f"{value:.1f}" for value in loads)
    return (
        report(results, think_s, step_s)
        + f"\n\nLoad average (1 min) before, between and after: {load} on {os.cpu_count()} cores;"
        " the server, Locust and anything else on the machine share those cores."
    )


if __name__ == "__main__":
    chosen = tuple(a for a in sys.argv[1:] if not a.startswith("--")) or ("PostgreSQL", "SQLite")
    print(run(quick="--quick" in sys.argv, engines=chosen))
