"""Form posts that walk the intake wizard like a patient would (for tests and bench/web.py)."""

from __future__ import annotations

from typing import Any

from django.test import Client

SAFE_STEPS: dict[str, dict[str, Any]] = {
    "safety": {"age": "34", "sex": "female", "intensity_now": "4", "duration_days": "21"},
    "pain": {
        "regions": ["between_shoulder_blades", "neck_base"],
        "intensity_worst_week": "6",
        "onset": "gradual",
        "trigger": "poor_posture",
        "character": ["aching", "stiffness"],
        "pattern": "mechanical",
        "worse_with": ["sitting_long"],
        "better_with": ["movement", "heat"],
        "night_pain": "none",
        "morning_stiffness_minutes": "5",
    },
    "symptoms": {"neuro_progressive": "none"},
    "history": {},
    "treatments": {},
    "function": {"loss_of_function": "no", "activity_1": "desk work", "score_1": "5"},
    "work": {"desk_hours_per_day": "9", "overhead_or_heavy": "no"},
}


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
