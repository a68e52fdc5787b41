"""Idempotent demo data: a demo patient, a demo clinician, and the Santa Monica clinic."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from upperback.clinical.contract import Intake
from upperback.web.accounts.models import User
from upperback.web.demo_accounts import DEMO_CLINICIAN, DEMO_PASSWORD, DEMO_PATIENT, demo_logins
from upperback.web.records import actions


def ensure_demo_accounts() -> None:
    if not User.objects.filter(email=DEMO_PATIENT).exists():
        actions.create_patient(
            email=DEMO_PATIENT, password=DEMO_PASSWORD, first_name="Dana", last_name="Demo"
        )
    if not User.objects.filter(email=DEMO_CLINICIAN).exists():
        actions.create_clinician(
            email=DEMO_CLINICIAN, password=DEMO_PASSWORD, first_name="Casey", last_name="Clinic"
        )


DEMO_INTAKE: dict[str, Any] = {
    "contract": "1",
    "age": 41,
    "sex": "female",
    "pain": {
        "regions": ["between_shoulder_blades", "neck_base"],
        "intensity_now": 5,
        "duration_days": 18,
        "onset": "gradual",
        "trigger": "poor_posture",
        "character": ["aching", "stiffness"],
        "pattern": "mechanical",
        "worse_with": ["sitting_long"],
        "better_with": ["movement", "heat"],
        "night_pain": "none",
    },
    "symptoms": [],
    "history": [],
    "medications": [],
    "function": {"loss_of_function": False, "psfs": [{"activity": "desk work", "score": 5}]},
    "work": {"desk_hours_per_day": 8, "overhead_or_heavy": False},
}


def ensure_demo_assessment() -> None:
    """One assessment for the demo patient, so the clinician's queue has someone in it."""
    patient = User.objects.get(email=DEMO_PATIENT)
    if not patient.assessments.exists():
        actions.record_assessment(patient=patient, intake=Intake.model_validate(DEMO_INTAKE))


def load_clinic() -> str:
    """The scheduling app's demo clinic; said plainly when that app is not there yet."""
    try:
        from upperback.web.clinic.demo import load_demo_clinic
    except ImportError:
        return "clinic: upperback.web.clinic.demo is not available yet; skipped"
    load_demo_clinic()
    return "clinic: demo clinic loaded (Santa Monica)"


class Command(BaseCommand):
    help = "Create the demo patient and clinician and the demo clinic (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_demo_accounts()
        ensure_demo_assessment()
        self.stdout.write(load_clinic())
        for role, email, password in demo_logins():
            self.stdout.write(f"demo {role}: {email} / {password}")
