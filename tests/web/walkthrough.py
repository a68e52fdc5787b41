"""Form posts that walk the intake wizard like a patient would (for tests and bench/web.py).

Test support, so it lives under tests/ and never ships in the package."""

from __future__ import annotations

from typing import Any

from django.test import Client

from upperback.web.records.demo_intakes import DESK_WORKER
from upperback.web.records.draft_answers import initial
from upperback.web.records.intake_fields import STEP_NAMES


def as_posts(intake: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An intake as the form posts of every wizard step that would save it (strings)."""
    return {
        step: {
            key: [str(v) for v in value] if isinstance(value, list) else str(value)
            for key, value in initial(intake, step).items()
        }
        for step in STEP_NAMES
    }


# The demo desk worker, typed in step by step: a self-care intake.
SAFE_STEPS: dict[str, dict[str, Any]] = as_posts(DESK_WORKER)


def start_draft(client: Client) -> int:
    response = client.get("/intake/")
    assert response.status_code == 302, response
    return int(response["Location"].strip("/").split("/")[1])


def post_step(client: Client, draft_id: int, step: str, data: dict[str, Any]) -> Any:
    return client.post(f"/intake/{draft_id}/{step}/", {**data, "go": "next"})


def complete_intake(client: Client, steps: dict[str, dict[str, Any]] = SAFE_STEPS) -> int:
    """Walk every step and submit; returns the new assessment's id."""
    draft_id = start_draft(client)
    for step, data in steps.items():
        response = post_step(client, draft_id, step, data)
        assert response.status_code == 302, (
            step,
            getattr(response, "context", None) and response.context["form"].errors,
        )
    response = client.post(f"/intake/{draft_id}/review/")
    assert response.status_code == 302
    return int(response["Location"].strip("/").split("/")[1])
