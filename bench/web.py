"""Page speed of the web app: median server time of the result page and of a wizard step.

Django's test client against a migrated temporary SQLite database (WAL, as in production),
in a child process (`python -m bench.web --measure`) so the database is fresh and the
settings are read once. Server time only: no network, no browser rendering.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 41
COMMAND = "make bench BENCH_ARGS=bench.web"


def _median_ms(call: Callable[[], Any]) -> float:
    call()  # warm caches (templates, knowledge base, translations)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return statistics.median(times)


def _set_up() -> tuple[Any, int, int]:
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    call_command("migrate", verbosity=0)
    # DEBUG off serves static files by their hashed names: the manifest must exist, as
    # `make run` makes it.
    call_command("collectstatic", interactive=False, verbosity=0)
    from tests.web.walkthrough import SAFE_STEPS, complete_intake, start_draft

    from upperback.web.records import actions

    patient = actions.create_patient(email="bench@example.com", password="bench-password-77")
    client = Client()
    client.force_login(patient)
    record_id = complete_intake(client)
    draft_id = start_draft(client)
    client.post(f"/intake/{draft_id}/safety/", {**SAFE_STEPS["safety"], "go": "next"})
    return client, record_id, draft_id


def measure() -> dict[str, float]:
    from tests.web.walkthrough import SAFE_STEPS

    client, record_id, draft_id = _set_up()
    pain = {**SAFE_STEPS["pain"], "go": "next"}
    figures = {
        "result_en": _median_ms(lambda: client.get(f"/assessments/{record_id}/")),
        "step_get": _median_ms(lambda: client.get(f"/intake/{draft_id}/pain/")),
        "step_post": _median_ms(lambda: client.post(f"/intake/{draft_id}/pain/", pain)),
    }
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    figures["result_es"] = _median_ms(lambda: client.get(f"/assessments/{record_id}/"))
    return figures


def measure_in_child(module: str, settings: str = "upperback.web.settings") -> Any:
    """Run `python -m <module> --measure` on a fresh temporary data folder, with the settings
    as in production (DEBUG off, cached templates; plain HTTP to the test client's host), and
    return the JSON it prints last."""
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "UPPERBACK_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": settings,
            "PYTHONPATH": os.pathsep.join(
                [str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]
            ),
            "UPPERBACK_DEBUG": "0",
            "UPPERBACK_SECRET_KEY": "bench-only-secret-key-not-for-any-real-server",
            "UPPERBACK_ALLOWED_HOSTS": "testserver",
            "UPPERBACK_SSL_REDIRECT": "0",
        }
        env.pop("DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, "-m", module, "--measure"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run() -> str:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "UPPERBACK_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "upperback.web.settings",
            # As in production: DEBUG off, so templates are parsed once (cached loader).
            "UPPERBACK_DEBUG": "0",
            "UPPERBACK_SECRET_KEY": "bench-only-secret-key-not-for-any-real-server",
            # The test client speaks plain HTTP to "testserver"; production settings would
            # redirect it to HTTPS and refuse the host name.
            "UPPERBACK_ALLOWED_HOSTS": "testserver",
            "UPPERBACK_SSL_REDIRECT": "0",
        }
        env.pop("DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, "-m", "bench.web", "--measure"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    f = json.loads(out.strip().splitlines()[-1])
    return "\n".join(
        [
            "## Web pages (bench.web)",
            "",
            f"Command: `{COMMAND}`. Django test client, migrated temporary SQLite database,",
            "UPPERBACK_DEBUG=0 (cached templates, as in production);",
            f"median of {REPEATS} requests after one warm-up; server time only.",
            "",
            "| page | median ms |",
            "|---|---|",
            f"| result page, English (`GET /assessments/<id>/`) | {f['result_en']:.1f} |",
            f"| result page, Spanish (engine `translate` on read) | {f['result_es']:.1f} |",
            f"| wizard step, show (`GET /intake/<id>/pain/`) | {f['step_get']:.1f} |",
            f"| wizard step, save (`POST`, with the engine's emergency check) | "
            f"{f['step_post']:.1f} |",
            "",
            f"Spanish / English result page: {f['result_es'] / f['result_en']:.2f}x; "
            f"saving a step / showing it: {f['step_post'] / f['step_get']:.2f}x.",
        ]
    )


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
    else:
        print(run())
