"""The patients of the load test (bench.load), for Locust.

Each simulated patient logs in as her own account (made by bench.load_patients), then, with
1-3 s of thought between clicks, does what patients do between visits: opens her home page,
her result, her progress (its charts drawn from her readings), checks in, reads her
messages, books a consultation once when her result offers one (and afterwards looks at her
appointments), downloads her progress report now and then, and her app reads the API.

A slot someone else took first is the right answer to a race (409 with fresh slots), not an
error; any other status, or a page without what it must show, is an error.

    locust -f bench/locustfile.py --headless --users 200 --spawn-rate 10 --host http://...
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
from typing import Any

from locust import FastHttpUser, between, events, task

from bench.load_forms import first_offer, token
from bench.load_patients import PASSWORD, email

_NUMBERS = itertools.count()
_NUMBERS_LOCK = threading.Lock()
_ENVIRONMENT: list[Any] = []


@events.init.add_listener
def _remember(environment: Any, **_kwargs: Any) -> None:
    _ENVIRONMENT.append(environment)


@events.spawning_complete.add_listener
def _keep_the_arrival(**_kwargs: Any) -> None:
    """The figures of the arrival (every patient logging in), written to
    UPPERBACK_LOAD_ARRIVAL_FILE before `--reset-stats` clears them for the steady state.
    Registered at import, so it runs before Locust's own reset."""
    path = os.environ.get("UPPERBACK_LOAD_ARRIVAL_FILE")
    if not path or not _ENVIRONMENT:
        return
    stats = _ENVIRONMENT[0].stats

    def figures(entry: Any) -> dict[str, float]:
        return {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "median_ms": entry.get_response_time_percentile(0.5) or 0,
            "p95_ms": entry.get_response_time_percentile(0.95) or 0,
            "per_second": entry.total_rps,
        }

    pages = {name: figures(entry) for (name, _method), entry in stats.entries.items()}
    with open(path, "w") as out:
        json.dump({**figures(stats.total), "pages": pages}, out)


def _next_number() -> int:
    with _NUMBERS_LOCK:
        return next(_NUMBERS)


# The benchmark's closed-loop steps set "0,0": patients without pause.
_THINK = tuple(float(s) for s in os.environ.get("UPPERBACK_LOAD_THINK", "1,3").split(","))


class Patient(FastHttpUser):
    wait_time = between(_THINK[0], _THINK[1])

    def on_start(self) -> None:
        self.number = _next_number()
        self.assessment_id = 0
        self.booked = False
        form = self.client.get("/accounts/login/", name="log in (form)")
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token(form.text or ""),
                "username": email(self.number),
                "password": PASSWORD,
            },
            name="log in",
            catch_response=True,
        ) as answer:
            if "/accounts/login/" in (answer.url or ""):
                answer.failure(f"{email(self.number)} was not logged in")
                return
        with self.client.get(
            "/api/v1/assessments", name="api assessments", catch_response=True
        ) as listed:
            records = listed.json() if listed.status_code == 200 else []
            if not records:
                listed.failure("no assessment listed")
                return
            self.assessment_id = int(records[0]["id"])

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(3)
    def result(self) -> None:
        if self.assessment_id:
            self.client.get(f"/assessments/{self.assessment_id}/", name="result")

    @task(3)
    def progress(self) -> None:
        with self.client.get("/progress/", name="progress", catch_response=True) as page:
            if "<svg" not in (page.text or ""):
                page.failure("no chart on the progress page")

    @task(1)
    def check_in(self) -> None:
        page = self.client.get("/progress/", name="progress")
        with self.client.post(
            "/progress/",
            data={
                "csrfmiddlewaretoken": token(page.text or ""),
                "pain_now": str(random.randint(1, 5)),
                "note": "load test",
            },
            name="check in",
            catch_response=True,
        ) as answer:
            if "/progress/" not in (answer.url or ""):
                answer.failure(f"the check-in ended at {answer.url}")

    @task(1)
    def messages(self) -> None:
        self.client.get("/messages/", name="messages")

    @task(1)
    def api(self) -> None:
        self.client.get("/api/v1/assessments", name="api assessments")

    @task(1)
    def report(self) -> None:
        with self.client.get("/progress/report.pdf", name="report pdf", catch_response=True) as pdf:
            if not (pdf.content or b"").startswith(b"%PDF"):
                pdf.failure("not a PDF")

    @task(1)
    def consultation(self) -> None:
        if self.booked or not self.assessment_id:
            self.client.get("/appointments/", name="appointments")
            return
        page = self.client.get(
            f"/consultations/assessment/{self.assessment_id}/", name="consultation slots"
        )
        offer = first_offer(page.text or "")
        if not offer:
            return  # a self-care plan offers no consultation
        with self.client.post(
            "/consultations/book/", data=offer, name="book", catch_response=True
        ) as answer:
            if answer.status_code == 409 and "just taken" in (answer.text or ""):
                answer.success()  # someone else was first: fresh slots are offered
            elif "/appointments/" in (answer.url or ""):
                self.booked = True
