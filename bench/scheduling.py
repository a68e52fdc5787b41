"""Scheduling speed: slot search over 30 clinicians and 60 days, and booking throughput with
20 concurrent clients, on SQLite and on a throw-away PostgreSQL cluster.

Each engine runs in its own process (`python -m bench.scheduling --measure`), because Django
binds its database at start-up; the parent collects their JSON and writes one section.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLINICIANS = 30
DAYS = 60
CLIENTS = 20
BOOKINGS_PER_CLIENT = 15
REPEATS = 9


def _seed() -> tuple[Any, Any, list[Any]]:
    from upperback.web.clinic import setup

    location = setup.create_location(
        name="Bench Clinic",
        address="1 Bench St",
        time_zone="America/Los_Angeles",
        phone="+1 310 555 0199",
    )
    kind = setup.create_appointment_type(
        code="session", name="Session", duration_minutes=30, specialties=["physical_therapist"]
    )
    clinicians = []
    for n in range(CLINICIANS):
        clinician = setup.create_clinician(
            name=f"Therapist {n:02d}", specialty="physical_therapist", credentials="PT"
        )
        setup.add_working_hours(
            clinician=clinician,
            location=location,
            weekdays=[0, 1, 2, 3, 4],
            starts=dt.time(8),
            ends=dt.time(17),
        )
        clinicians.append(clinician)
    return location, kind, clinicians


def _median_ms(call: Any) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _client(index: int, slots: list[Any], location: Any, kind: Any, errors: list[str]) -> None:
    from django.db import connections

    from upperback.web.accounts.models import User
    from upperback.web.clinic import actions
    from upperback.web.clinic.models import Clinician

    try:
        patient = User.objects.create_user(email=f"bench{index}@example.com", password=None)
        for slot in slots:
            actions.book(
                patient=patient,
                clinician=Clinician.objects.get(pk=slot.clinician_id),
                location=location,
                appointment_type=kind,
                starts_at=slot.starts_at,
            )
    except Exception as error:  # recorded and reported: a benchmark must not hide failures
        errors.append(repr(error))
    finally:
        connections.close_all()


def _throughput(location: Any, kind: Any, slots: list[Any]) -> float:
    """CLIENTS threads, each booking its own BOOKINGS_PER_CLIENT distinct slots."""
    errors: list[str] = []
    shares = [slots[i::CLIENTS][:BOOKINGS_PER_CLIENT] for i in range(CLIENTS)]
    threads = [
        threading.Thread(target=_client, args=(i, share, location, kind, errors))
        for i, share in enumerate(shares)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"booking failed: {errors[:3]}")
    return CLIENTS * BOOKINGS_PER_CLIENT / elapsed


def measure() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from upperback.web.clinic.slots import find_slots

    call_command("migrate", verbosity=0)
    location, kind, _ = _seed()
    now = timezone.now()
    end = now + dt.timedelta(days=DAYS)
    slots = find_slots(appointment_type=kind, start=now, end=end, now=now)
    booked_per_second = _throughput(location, kind, slots[::2])
    # After the bookings: the search also subtracts 300 appointments.
    search_ms = _median_ms(lambda: find_slots(appointment_type=kind, start=now, end=end, now=now))
    first_ms = _median_ms(
        lambda: find_slots(appointment_type=kind, start=now, end=end, now=now, limit=12)
    )
    return {
        "engine": connection.vendor,
        "slots": len(slots),
        "search_ms": search_ms,
        "first_ms": first_ms,
        "bookings_per_second": booked_per_second,
    }


def _measure_in(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.scheduling", "--measure"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    if done.returncode:
        raise RuntimeError(f"bench.scheduling --measure failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _sqlite() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="upperback-bench-") as data_dir:
        return _measure_in({"UPPERBACK_DATA_DIR": data_dir})


def _postgres() -> dict[str, Any] | str:
    sys.path.insert(0, str(ROOT / "tests"))
    from postgres_cluster import PostgresUnavailable, cluster

    try:
        with cluster() as url:
            return _measure_in({"DATABASE_URL": url})
    except PostgresUnavailable as missing:
        return f"skipped: {missing}"


def _row(label: str, key: str, unit: str, sqlite: dict[str, Any], pg: Any) -> str:
    pg_value = f"{pg[key]:.1f} {unit}" if isinstance(pg, dict) else "n/a"
    ratio = f"{sqlite[key] / pg[key]:.2f}" if isinstance(pg, dict) and pg[key] else "n/a"
    return f"| {label} | {sqlite[key]:.1f} {unit} | {pg_value} | {ratio} |"


def run() -> str:
    env = {
        "DJANGO_SETTINGS_MODULE": "upperback.web.settings",
        "UPPERBACK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    os.environ.update(env)
    sqlite = _sqlite()
    pg = _postgres()
    lines = [
        "## Scheduling: slot search and booking throughput",
        "",
        "Command: `make bench BENCH_ARGS=bench.scheduling` (module `bench/scheduling.py`).",
        f"{CLINICIANS} physical therapists, 9 working hours a weekday, 30-minute sessions, "
        f"search window {DAYS} days ({sqlite['slots']} free slots before booking). "
        f"Throughput: {CLIENTS} concurrent clients (threads, one connection each) book "
        f"{BOOKINGS_PER_CLIENT} distinct slots each through the booking action (check, "
        "insert, cells, reminder queued). Searches: median of "
        f"{REPEATS}, after those {CLIENTS * BOOKINGS_PER_CLIENT} bookings. The clients are "
        "threads of one Python process, so throughput is bounded by that process's share of "
        "the CPU as much as by the database; the database work per booking is one pre-check "
        "search, one appointment row and one row per 15-minute cell.",
        "",
        "| measure | SQLite | PostgreSQL | SQLite / PostgreSQL |",
        "|---|---|---|---|",
        _row(
            f"slot search, all slots, {CLINICIANS} clinicians x {DAYS} days",
            "search_ms",
            "ms",
            sqlite,
            pg,
        ),
        _row("slot search, first 12 (the booking page)", "first_ms", "ms", sqlite, pg),
        _row(
            f"booking throughput, {CLIENTS} clients",
            "bookings_per_second",
            "bookings/s",
            sqlite,
            pg,
        ),
    ]
    if not isinstance(pg, dict):
        lines.append(f"\nPostgreSQL {pg}.")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        print(json.dumps(measure()))
    else:
        print(run())
