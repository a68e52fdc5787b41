"""The clinician's messages inbox at 100 and at 10,000 threads: median server time and the
number of queries of `GET /clinic/messages/` (the first page of 50, the longest waiting
first, with its audit rows), and the ratio of the two times.

Django's test client against a migrated temporary SQLite database, in a child process
(`python -m bench.messaging --measure`), as bench.web. The threads are inserted in bulk (the
seeding is not what is measured); the clinician's session has passed the second factor.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from typing import Any

from bench.web import measure_in_child

REPEATS = 31
SIZES = (100, 10_000)
PATIENTS = 2_000

COMMAND = "make bench BENCH_ARGS=bench.messaging"


def _clinician_client() -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from upperback.web.records import actions

    user = actions.create_clinician(email="bench.doctor@example.com", password=None)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _patients() -> list[Any]:
    from upperback.web.accounts.models import User

    User.objects.bulk_create(
        User(email=f"p{n}@bench.example", first_name=f"P{n}", role="patient")
        for n in range(PATIENTS)
    )
    return list(User.objects.filter(role="patient").order_by("pk"))


def _add_threads(patients: list[Any], start: int, stop: int) -> None:
    from django.utils import timezone

    from upperback.web.messaging.models import Message, Thread

    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            patient=patients[n % len(patients)],
            subject=f"Question {n}",
            created_at=now - dt.timedelta(minutes=n),
            last_message_at=now - dt.timedelta(minutes=n),
            # Half still wait for the clinic (some for days, past the target), half answered.
            waiting_since=now - dt.timedelta(minutes=7 * n) if n % 2 == 0 else None,
        )
        for n in range(start, stop)
    )
    Message.objects.bulk_create(
        Message(
            thread=t,
            author_id=t.patient_id,
            from_patient=True,
            body="A question about my plan.",
            created_at=t.created_at,
        )
        for t in threads
    )


def _median_ms_and_queries(client: Any) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/clinic/messages/")  # warm caches (templates, translations)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get("/clinic/messages/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/clinic/messages/")
    return statistics.median(times), len(queries)


def measure() -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    client = _clinician_client()
    patients = _patients()
    figures: dict[str, Any] = {}
    made = 0
    for size in SIZES:
        _add_threads(patients, made, size)
        made = size
        ms, queries = _median_ms_and_queries(client)
        figures[str(size)] = {"ms": ms, "queries": queries}
    return figures


def run() -> str:
    # The app's settings as the test suite reads them (static files from the apps' folders).
    f = measure_in_child("bench.messaging", settings="settings_for_tests")
    small, large = f[str(SIZES[0])], f[str(SIZES[1])]
    return "\n".join(
        [
            "## Messages inbox (bench.messaging)",
            "",
            f"Command: `{COMMAND}` (module `bench/messaging.py`). Django test client, migrated",
            "temporary SQLite database, DEBUG off (the suite's settings); the clinician's inbox",
            "(`GET /clinic/messages/`: the first page of 50 threads, the longest waiting first,",
            f"with one audit row per thread shown), median of {REPEATS} requests after one",
            f"warm-up; server time only. Threads spread over {PATIENTS:,} patients, half of",
            "them waiting for an answer.",
            "",
            "| threads | median ms | queries |",
            "|---|---|---|",
            f"| {SIZES[0]:,} | {small['ms']:.1f} | {small['queries']} |",
            f"| {SIZES[1]:,} | {large['ms']:.1f} | {large['queries']} |",
            "",
            f"10,000 / 100 threads: {large['ms'] / small['ms']:.2f}x the time (the target: at"
            f" most 2x), the same number of queries ({small['queries']} and"
            f" {large['queries']}: the page, two counts on the `waiting_since` index, the"
            " session and the audit rows of the 50 shown).",
        ]
    )


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
