"""Small intake builders shared by the clinical tests: a plain desk strain, then changes."""

from __future__ import annotations

import copy
from typing import Any

DESK_STRAIN: dict[str, Any] = {
    "contract": "1",
    "age": 34,
    "sex": "female",
    "pain": {
        "regions": ["between_shoulder_blades", "neck_base"],
        "intensity_now": 4,
        "intensity_worst_week": 6,
        "duration_days": 21,
        "onset": "gradual",
        "trigger": "poor_posture",
        "character": ["aching", "stiffness"],
        "pattern": "mechanical",
        "worse_with": ["sitting_long"],
        "better_with": ["movement", "heat"],
        "night_pain": "none",
        "morning_stiffness_minutes": 5,
    },
    "symptoms": [],
    "neuro": {"progressive": False},
    "history": [],
    "medications": [],
    "diagnoses": [],
    "prior_treatments": [],
    "function": {"loss_of_function": False},
    "work": {"desk_hours_per_day": 9, "overhead_or_heavy": False},
}


def desk_strain(**changes: Any) -> dict[str, Any]:
    """The desk strain with top-level fields replaced and `pain_<name>` pain fields set."""
    intake = copy.deepcopy(DESK_STRAIN)
    for name, value in changes.items():
        if name.startswith("pain_"):
            intake["pain"][name.removeprefix("pain_")] = value
        else:
            intake[name] = value
    return intake
