"""Load on `make run`'s server: 50 patients with think time, then the most requests per second
at which the 95th percentile stays under 500 ms; on SQLite and on PostgreSQL.

The server is the real one (`python -m upperback.web.serve`: gunicorn, DEBUG off, WhiteNoise,
the task worker beside it) on a free loopback port, over a data folder prepared as `make run`
prepares it (migrate, load_demo, collectstatic). The clients are threads of this process,
each with its own session (urllib with a cookie jar): they log in as the demo patient, then
visit her usual pages: home, her result, her progress, and the API's lists of her
assessments and intakes. Only loopback addresses are used.

    make bench BENCH_ARGS=bench.load
    .venv/bin/python -m bench.load --quick      # shorter phases, for a smoke run
"""

from __future__ import annotations

import concurrent.futures
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "make bench BENCH_ARGS=bench.load"
PATIENTS = 50
THINK_SECONDS = (1.0, 3.0)
THINK_PHASE_SECONDS = 60.0
STEP_SECONDS = 12.0
CONCURRENCY_STEPS = (1, 2, 4, 8, 16, 32)
P95_LIMIT_MS = 500.0
GUNICORN_WORKERS = 2
LOGIN_CONCURRENCY = 4
LOCAL_ENV = {
    "UPPERBACK_LOCAL": "1",
    "DJANGO_SETTINGS_MODULE": "upperback.web.settings",
    "UPPERBACK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


# --- The server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
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
def running_server(extra_env: dict[str, str]) -> Iterator[str]:
    """Prepare a data folder as `make run` does, serve it, yield the address, stop it."""
    with tempfile.TemporaryDirectory(prefix="upperback-load-") as data_dir:
        env = {**os.environ, **LOCAL_ENV, "UPPERBACK_DATA_DIR": data_dir, **extra_env}
        env.pop("UPPERBACK_DEBUG", None)
        if "DATABASE_URL" not in extra_env:
            env.pop("DATABASE_URL", None)
        for command in (["migrate"], ["load_demo"], ["collectstatic", "--verbosity", "0"]):
            _manage(env, *command, "--noinput" if command[0] != "load_demo" else "-v0")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "upperback.web.serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(_free_port()),
                "--workers",
                str(GUNICORN_WORKERS),
            ],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            address = _wait_for_address(server, timeout=120)
            threading.Thread(target=_drain, args=(server,), daemon=True).start()
            yield address
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


# --- A patient -------------------------------------------------------------------------------


@dataclass
class Timings:
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, ms: float) -> None:
        with self.lock:
            self.by_page.setdefault(page, []).append(ms)

    def fail(self, page: str, why: str) -> None:
        with self.lock:
            self.errors.append(f"{page}: {why}")

    def all(self) -> list[float]:
        return [ms for times in self.by_page.values() for ms in times]


class Patient:
    """One browser: its own cookies; logs in as the demo patient, then reads her pages."""

    def __init__(self, address: str, timings: Timings) -> None:
        self.address = address
        self.timings = timings
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.pages: list[tuple[str, str]] = []

    def _get(self, page: str, path: str, data: bytes | None = None) -> str | None:
        started = time.perf_counter()
        try:
            with self.opener.open(self.address + path.lstrip("/"), data=data, timeout=60) as r:
                body = r.read().decode()
        except (urllib.error.URLError, OSError) as error:
            self.timings.fail(page, str(error))
            return None
        self.timings.add(page, (time.perf_counter() - started) * 1000)
        return body

    def log_in(self) -> bool:
        from upperback.web.demo_accounts import DEMO_PASSWORD, DEMO_PATIENT

        form = self._get("login form", "accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form or "")
        if token is None:
            self.timings.fail("login form", "no CSRF token")
            return False
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": DEMO_PATIENT}
            | {"password": DEMO_PASSWORD}
        ).encode()
        home = self._get("login", "accounts/login/", data=data)
        return home is not None and self._find_pages()

    def _find_pages(self) -> bool:
        listed = self._get("api assessments", "api/v1/assessments")
        records = json.loads(listed) if listed else []
        if not records:
            self.timings.fail("login", "the demo patient has no assessment")
            return False
        self.pages = [
            ("home", "/"),
            ("result", f"/assessments/{records[0]['id']}/"),
            ("progress", "/progress/"),
            ("api assessments", "/api/v1/assessments"),
            ("api intakes", "/api/v1/intakes"),
        ]
        return True

    def visit(self, rng: random.Random) -> None:
        page, path = rng.choice(self.pages)
        self._get(page, path)


def _patient_loop(patient: Patient, until: float, think: tuple[float, float], seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        patient.visit(rng)
        if think[1] > 0:
            time.sleep(rng.uniform(*think))


def _logged_in(address: str, count: int, timings: Timings) -> list[Patient]:
    patients = [Patient(address, timings) for _ in range(count)]
    # Patients arrive a few at a time: a burst of 50 password checks (Argon2, made to be slow)
    # at the same instant is not what the phase below measures.
    with concurrent.futures.ThreadPoolExecutor(max_workers=LOGIN_CONCURRENCY) as pool:
        list(pool.map(lambda p: p.log_in(), patients))
    ready = [p for p in patients if p.pages]
    if not ready:
        raise RuntimeError(f"no patient logged in: {timings.errors[:5]}")
    return ready  # the report counts the others' failures as errors


def run_patients(
    patients: list[Patient], seconds: float, think: tuple[float, float]
) -> tuple[Timings, float]:
    """Every patient visits pages until time is up; returns the timings and the wall time."""
    timings = Timings()
    for patient in patients:
        patient.timings = timings
    until = time.monotonic() + seconds
    started = time.monotonic()
    threads = [
        threading.Thread(target=_patient_loop, args=(p, until, think, seed))
        for seed, p in enumerate(patients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.monotonic() - started


# --- Figures ---------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else 0.0


def _summary(timings: Timings, wall: float) -> dict[str, Any]:
    values = timings.all()
    return {
        "requests": len(values),
        "errors": len(timings.errors),
        "error_examples": timings.errors[:3],
        "per_second": len(values) / wall,
        "median_ms": statistics.median(values) if values else 0.0,
        "p95_ms": p95(values),
        "pages": {
            page: (statistics.median(times), p95(times))
            for page, times in sorted(timings.by_page.items())
        },
    }


def measure(address: str, think_seconds: float, step_seconds: float) -> dict[str, Any]:
    login_timings = Timings()
    patients = _logged_in(address, PATIENTS, login_timings)
    think = _summary(*run_patients(patients, think_seconds, THINK_SECONDS))
    think["login"] = _summary(login_timings, 1.0)
    think["patients"] = len(patients)
    steps = []
    for concurrency in CONCURRENCY_STEPS:
        step = _summary(*run_patients(patients[:concurrency], step_seconds, (0.0, 0.0)))
        steps.append({"concurrency": concurrency, **step})
    return {"think": think, "steps": steps}


def best_rate(steps: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The step with the most requests per second whose p95 stayed under the limit, no errors."""
    fine = [s for s in steps if s["p95_ms"] < P95_LIMIT_MS and not s["errors"]]
    return max(fine, key=lambda s: s["per_second"]) if fine else None


def measure_on(engine: str, think_seconds: float, step_seconds: float) -> dict[str, Any] | str:
    if engine == "SQLite":
        with running_server({}) as address:
            return measure(address, think_seconds, step_seconds)
    sys.path.insert(0, str(ROOT / "tests"))
    from postgres_cluster import PostgresUnavailable, cluster

    try:
        with cluster() as url, running_server({"DATABASE_URL": url}) as address:
            return measure(address, think_seconds, step_seconds)
    except PostgresUnavailable as missing:
        return f"skipped: {missing}"


# --- The report ------------------------------------------------------------------------------


def _think_rows(engine: str, f: dict[str, Any]) -> list[str]:
    think = f["think"]
    rows = [
        f"| {engine} | all pages | {think['requests']} | {think['errors']} | "
        f"{think['median_ms']:.1f} | {think['p95_ms']:.1f} |"
    ]
    for page, (median, high) in think["pages"].items():
        rows.append(f"| {engine} | {page} | | | {median:.1f} | {high:.1f} |")
    login = think["login"]
    rows.append(
        f"| {engine} | log in (form, POST, API; {LOGIN_CONCURRENCY} at a time, before) | "
        f"{login['requests']} | {login['errors']} | {login['median_ms']:.1f} | "
        f"{login['p95_ms']:.1f} |"
    )
    return rows


def _step_rows(engine: str, f: dict[str, Any]) -> list[str]:
    return [
        f"| {engine} | {s['concurrency']} | {s['per_second']:.1f} | {s['median_ms']:.1f} | "
        f"{s['p95_ms']:.1f} | {s['errors']} |"
        for s in f["steps"]
    ]


def _verdict(engine: str, f: dict[str, Any]) -> str:
    think = f["think"]
    errors = think["errors"] + think["login"]["errors"]
    ok = think["p95_ms"] < 200 and errors == 0 and think["patients"] == PATIENTS
    best = best_rate(f["steps"])
    rate = (
        f"{best['per_second']:.0f} requests/s at {best['concurrency']} concurrent clients "
        f"(p95 {best['p95_ms']:.0f} ms)"
        if best
        else "no step kept p95 under 500 ms"
    )
    target = "meets" if ok else "MISSES"
    return (
        f"- {engine}: {think['patients']} of {PATIENTS} patients logged in; p95 "
        f"{think['p95_ms']:.0f} ms with {errors} errors ({target} the target: p95 under "
        "200 ms, no error); "
        f"the most with p95 under {P95_LIMIT_MS:.0f} ms: {rate}."
    )


def report(results: dict[str, dict[str, Any] | str], think_s: float, step_s: float) -> str:
    measured = {e: f for e, f in results.items() if isinstance(f, dict)}
    lines = [
        "## Serving under load (bench.load)",
        "",
        f"Command: `{COMMAND}` (module `bench/load.py`). `make run`'s server on a free "
        f"loopback port (`python -m upperback.web.serve`: gunicorn, {GUNICORN_WORKERS} worker "
        "processes of 4 threads, DEBUG off, WhiteNoise, the task worker beside it) over a "
        "data folder prepared as `make run` does (migrate, load_demo, collectstatic). The "
        "clients are threads of the benchmark's own process on the same machine (they share "
        "its cores with the server). Each logs in as the demo patient, then visits one of "
        "home, her result, her progress, the API's assessments and intakes, at random.",
        "",
        f"**{PATIENTS} patients, think time {THINK_SECONDS[0]:.0f}-{THINK_SECONDS[1]:.0f} s, "
        f"{think_s:.0f} s** (times in ms, per request):",
        "",
        "| database | page | requests | errors | median | p95 |",
        "|---|---|---|---|---|---|",
    ]
    for engine, f in measured.items():
        lines += _think_rows(engine, f)
    lines += [
        "",
        f"**Throughput**: closed loop, no think time, {step_s:.0f} s per step, the same pages:",
        "",
        "| database | concurrent clients | requests/s | median ms | p95 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for engine, f in measured.items():
        lines += _step_rows(engine, f)
    lines += ["", *[_verdict(e, f) for e, f in measured.items()]]
    lines += [f"- {e}: {f}" for e, f in results.items() if isinstance(f, str)]
    return "\n".join(lines)


def run(quick: bool = False) -> str:
    think_s, step_s = (15.0, 4.0) if quick else (THINK_PHASE_SECONDS, STEP_SECONDS)
    results: dict[str, dict[str, Any] | str] = {}
    loads = [os.getloadavg()[0]]
    for engine in ("SQLite", "PostgreSQL"):
        print(f"bench.load: {engine}", file=sys.stderr)
        results[engine] = measure_on(engine, think_s, step_s)
        loads.append(os.getloadavg()[0])
    load = ", ".join(f"{value:.1f}" for value in loads)
    return (
        report(results, think_s, step_s)
        + f"\n\nLoad average (1 min) before, between and after: {load} on {os.cpu_count()} cores;"
        " the server, the clients and anything else on the machine share those cores."
    )


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
