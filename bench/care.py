"""The care record at scale: the clinician queue at 1,000 and 20,000 patients (time, queries,
audit rows per view) and the review page of a patient with a year of weekly check-ins.

Django's test client against a migrated temporary SQLite database, in a child process
(`python -m bench.care --measure`), settings as in production (DEBUG off). Patients are
bulk-inserted with their episode's state derived by `upperback.care` (as the actions would
store it); the patient with a year of check-ins is made through the actions themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from typing import Any

from bench.web import measure_in_child

COMMAND = "make bench BENCH_ARGS=bench.care"
REPEATS = 15
SIZES = (1_000, 20_000)


def _bulk_patients(start: int, count: int, answer: dict[str, Any], intake: dict[str, Any]) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from upperback.care import Assessed, assessed_parts, derive, event_to_json
    from upperback.web.accounts.models import Role, User
    from upperback.web.records.episodes import columns_of
    from upperback.web.records.models import AssessmentRecord, CareEpisode, CareEvent

    password = make_password("bench-password-77")
    users = User.objects.bulk_create(
        User(email=f"p{n}@bench.example", password=password, role=Role.PATIENT, first_name=f"P{n}")
        for n in range(start, start + count)
    )
    now = timezone.now()
    records = AssessmentRecord.objects.bulk_create(
        AssessmentRecord(
            patient=u,
            intake=intake,
            assessment=answer,
            triage=answer["triage"],
            current_triage=answer["triage"],
            current_rank=4,
            knowledge_base=answer["knowledge_base"],
        )
        for u in users
    )
    parts = assessed_parts(answer)
    episodes, events = [], []
    for n, record in enumerate(records):
        at = now - dt.timedelta(minutes=count - n)
        event = Assessed.model_validate({**parts, "at": at, "assessment_id": record.pk})
        episode = CareEpisode(patient_id=record.patient_id, opened_at=at)
        for name, value in columns_of(derive([event])).items():
            setattr(episode, name, value)
        episodes.append(episode)
        events.append((episode, event))
    CareEpisode.objects.bulk_create(episodes)
    CareEvent.objects.bulk_create(
        CareEvent(episode=e, at=ev.at, kind=ev.kind, payload=event_to_json(ev)) for e, ev in events
    )


def _timed(call: Any) -> tuple[float, int, int]:
    """Median ms of `call`, and the queries and audit rows of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from upperback.web.records.models import AuditEvent

    call()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        call()
    return statistics.median(times), len(queries), AuditEvent.objects.count() - before


def _year_of_check_ins(bob: Any) -> int:
    from django.utils import timezone

    from upperback.clinical import Intake
    from upperback.web.records import actions
    from upperback.web.records.demo_intakes import DESK_WORKER

    patient = actions.create_patient(email="year@bench.example", password="bench-password-77")
    record = actions.record_assessment(
        patient=patient,
        intake=Intake.model_validate(DESK_WORKER),
        assessed_at=timezone.now() - dt.timedelta(days=365),
    )
    for week in range(52):
        on = timezone.localdate() - dt.timedelta(days=364 - 7 * week)
        entry = actions.add_progress(
            patient=patient,
            pain_now=max(0, 6 - week // 8),
            recorded_on=on,
            psfs=[{"activity": "sitting at my desk", "score": min(10, 3 + week // 6)}],
        )
        actions.record_review(entry=entry, action="continue", phase=1, since=on)
    del bob
    return int(record.pk)


def measure() -> dict[str, Any]:
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files
    from upperback.clinical import assess
    from upperback.web.records import actions
    from upperback.web.records.demo_intakes import DESK_WORKER

    answer = assess(DESK_WORKER).model_dump(mode="json")
    bob = actions.create_clinician(email="bob@bench.example", password="bench-password-77")
    client = Client()
    client.force_login(bob)
    from tests.web.conftest import pass_second_factor

    pass_second_factor(client, bob)
    figures: dict[str, Any] = {}
    made = 0
    for size in SIZES:
        _bulk_patients(made, size - made, answer, DESK_WORKER)
        made = size
        figures[str(size)] = _timed(lambda: client.get("/clinic/queue/"))
    record_id = _year_of_check_ins(bob)
    figures["review"] = _timed(lambda: client.get(f"/clinic/assessments/{record_id}/"))
    return figures


def run() -> str:
    f = measure_in_child("bench.care")
    small, large, review = f[str(SIZES[0])], f[str(SIZES[1])], f["review"]
    return "\n".join(
        [
            "## The care record: queue and review page (bench.care)",
            "",
            f"Command: `{COMMAND}`. Django test client, migrated temporary SQLite database,",
            f"UPPERBACK_DEBUG=0; median of {REPEATS} requests after one warm-up; server time.",
            "The queue is one indexed query over the episodes' projection, paged by the database",
            "(50 a page), auditing the patients it shows.",
            "",
            "| view | median ms | queries | audit rows |",
            "|---|---|---|---|",
            f"| queue, {SIZES[0]:,} patients | {small[0]:.1f} | {small[1]} | {small[2]} |",
            f"| queue, {SIZES[1]:,} patients | {large[0]:.1f} | {large[1]} | {large[2]} |",
            f"| review page, a year of weekly check-ins | {review[0]:.1f} | {review[1]} | "
            f"{review[2]} |",
            "",
            f"Queue at {SIZES[1]:,} / at {SIZES[0]:,}: {large[0] / small[0]:.2f}x "
            "(target: at most 2x, 30 queries and 100 audit rows a view; the review page at",
            "most 30 queries).",
        ]
    )


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
    else:
        print(run())
