"""The demo intakes, one per triage level: the one source for load_demo, the wizard
walkthrough (tests/web/walkthrough.py) and the web tests (tests/clinical keeps its own
vignettes on purpose).

Plain contract dicts; the engine decides their triage, so `load_demo` shows whatever the
current knowledge base says about them. Copy before changing one (`copy.deepcopy`).
"""

from __future__ import annotations

from typing import Any

# A desk worker with postural upper back pain: self-care at home.
DESK_WORKER: dict[str, Any] = {
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
    "function": {"loss_of_function": False, "psfs": [{"activity": "desk work", "score": 5}]},
    "work": {"desk_hours_per_day": 9, "overhead_or_heavy": False},
}

# Four months of mechanical pain that stops him working: a routine consultation.
LONG_STANDING: dict[str, Any] = {
    "contract": "1",
    "age": 52,
    "sex": "male",
    "pain": {
        "regions": ["mid_back_center"],
        "intensity_now": 5,
        "intensity_worst_week": 6,
        "duration_days": 120,
        "onset": "gradual",
        "trigger": "lifting",
        "character": ["aching"],
        "pattern": "mechanical",
        "worse_with": ["lifting", "bending"],
        "better_with": ["rest"],
        "night_pain": "eased_by_position",
    },
    "symptoms": [],
    "history": [],
    "medications": [],
    "function": {"loss_of_function": True, "psfs": [{"activity": "lifting boxes", "score": 3}]},
    "work": {"desk_hours_per_day": 2, "overhead_or_heavy": True},
}

# A burning band around the chest, worse on coughing: a consultation within 2 weeks.
RADICULAR_BAND: dict[str, Any] = {
    "contract": "1",
    "age": 45,
    "sex": "male",
    "pain": {
        "regions": ["right_rib_cage", "mid_back_center"],
        "intensity_now": 6,
        "intensity_worst_week": 8,
        "duration_days": 75,
        "onset": "gradual",
        "trigger": "lifting",
        "character": ["burning", "band_around_chest"],
        "pattern": "mechanical",
        "worse_with": ["cough_or_sneeze", "twisting"],
        "night_pain": "eased_by_position",
    },
    "symptoms": [],
    "neuro": {"progressive": False},
    "history": [],
    "prior_treatments": [{"treatment": "exercise_program", "weeks": 6, "response": "none"}],
    "function": {"loss_of_function": False},
}

# Past cancer, weight loss and night pain: see a clinician today.
CANCER_HISTORY: dict[str, Any] = {
    "contract": "1",
    "age": 58,
    "sex": "female",
    "pain": {
        "regions": ["mid_back_center"],
        "intensity_now": 6,
        "duration_days": 24,
        "onset": "gradual",
        "trigger": "none_known",
        "character": ["aching"],
        "pattern": "constant",
        "night_pain": "unrelieved",
    },
    "symptoms": ["unexplained_weight_loss"],
    "history": ["cancer"],
}

# Sudden tearing pain between the shoulder blades: call the emergency number.
TEARING_PAIN: dict[str, Any] = {
    "contract": "1",
    "age": 63,
    "sex": "male",
    "pain": {
        "regions": ["between_shoulder_blades", "chest_front"],
        "intensity_now": 9,
        "duration_days": 0,
        "onset": "sudden",
        "trigger": "none_known",
        "character": ["tearing_or_ripping"],
        "pattern": "constant",
    },
    "symptoms": ["sweating", "nausea"],
    "history": ["hypertension", "smoker"],
}

# Triage level -> the demo intake that reaches it (tests check the engine agrees).
BY_TRIAGE: dict[str, dict[str, Any]] = {
    "emergency": TEARING_PAIN,
    "urgent": CANCER_HISTORY,
    "soon": RADICULAR_BAND,
    "routine": LONG_STANDING,
    "self_care": DESK_WORKER,
}
