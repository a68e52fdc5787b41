"""Idempotent demo data worth looking at: the demo patient with a four-week-old plan, her
progress readings and an upcoming appointment; the demo clinician; a few more patients, one
per triage level, so the queue shows its order; and the Santa Monica clinic.

Everything goes through the actions (records, clinic) and the engine; a second run adds
nothing that is already there.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from upperback.clinical import Intake
from upperback.web.accounts.models import User
from upperback.web.demo_accounts import (
    DEMO_CLINICIAN,
    DEMO_PASSWORD,
    DEMO_PATIENT,
    DEMO_TOTP_SECRET,
    demo_logins,
)
from upperback.web.records import actions
from upperback.web.records.demo_intakes import BY_TRIAGE, DESK_WORKER


@dataclass(frozen=True)
class DemoPatient:
    email: str
    first_name: str
    last_name: str
    triage: str  # the level its intake reaches (BY_TRIAGE); the engine decides
    waited: dt.timedelta  # how long ago the assessment was made: the queue's waiting time


# One patient per level above self-care (the demo patient is the self-care one).
QUEUE: tuple[DemoPatient, ...] = (
    DemoPatient(
        "frank.moreno@demo.upperback.example",
        "Frank",
        "Moreno",
        "emergency",
        dt.timedelta(minutes=5),
    ),
    DemoPatient(
        "grace.holt@demo.upperback.example", "Grace", "Holt", "urgent", dt.timedelta(minutes=40)
    ),
    DemoPatient(
        "hugo.brandt@demo.upperback.example", "Hugo", "Brandt", "soon", dt.timedelta(hours=3)
    ),
    DemoPatient("ivy.chen@demo.upperback.example", "Ivy", "Chen", "routine", dt.timedelta(days=1)),
)
PLAN_AGE = dt.timedelta(days=28)
# (days ago, pain 0-10, PSFS score for the intake's activity): slowly better, as plans go.
READINGS: tuple[tuple[int, int, int], ...] = ((21, 4, 5), (14, 3, 6), (7, 3, 7), (1, 2, 8))


def _patient(email: str, first_name: str, last_name: str) -> User:
    found = User.objects.filter(email=email).first()
    if found is not None:
        return found
    return actions.create_patient(
        email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
    )


def ensure_demo_accounts() -> None:
    _patient(DEMO_PATIENT, "Dana", "Demo")
    if not User.objects.filter(email=DEMO_CLINICIAN).exists():
        actions.create_clinician(
            email=DEMO_CLINICIAN, password=DEMO_PASSWORD, first_name="Casey", last_name="Clinic"
        )
    ensure_demo_second_factor()


def ensure_demo_second_factor() -> None:
    """The demo clinician's authenticator, with the published demo secret (see README)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    clinician = User.objects.get(email=DEMO_CLINICIAN)
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.update_or_create(
        user=clinician, name="demo authenticator", defaults={"key": key, "confirmed": True}
    )


def _assess_once(patient: User, intake: dict[str, Any], waited: dt.timedelta) -> None:
    if not patient.assessments.exists():
        actions.record_assessment(
            patient=patient,
            intake=Intake.model_validate(intake),
            assessed_at=timezone.now() - waited,
        )


def ensure_demo_assessment() -> None:
    """The demo patient's self-care plan, four weeks old, and her readings since."""
    patient = User.objects.get(email=DEMO_PATIENT)
    _assess_once(patient, DESK_WORKER, PLAN_AGE)
    if patient.progress.exists():
        return
    activity = DESK_WORKER["function"]["psfs"][0]["activity"]
    today = timezone.localdate()
    for days_ago, pain, score in READINGS:
        actions.add_progress(
            patient=patient,
            pain_now=pain,
            recorded_on=today - dt.timedelta(days=days_ago),
            psfs=[{"activity": activity, "score": score}],
        )


def ensure_queue() -> list[tuple[str, str, str]]:
    """One patient per triage level; returns their logins as (level, email, password)."""
    logins = []
    for demo in QUEUE:
        patient = _patient(demo.email, demo.first_name, demo.last_name)
        _assess_once(patient, BY_TRIAGE[demo.triage], demo.waited)
        logins.append((demo.triage, demo.email, DEMO_PASSWORD))
    return logins


def load_clinic() -> str:
    """The scheduling app's demo clinic; said plainly when that app is not there yet."""
    try:
        from upperback.web.clinic.demo import load_demo_clinic
    except ImportError:
        return "clinic: upperback.web.clinic.demo is not available yet; skipped"
    load_demo_clinic()
    return "clinic: demo clinic loaded (Santa Monica)"


def _next_slot(clinician: Any, location: Any, kind: Any) -> Any:
    from upperback.web.clinic.slots import find_slots

    # The earliest free slot an hour from now: today when the clinic is open, so the
    # clinician's calendar (a day view by default) shows it at once.
    start = timezone.now() + dt.timedelta(hours=1)
    found = find_slots(
        appointment_type=kind,
        clinician_id=clinician.pk,
        location=location,
        start=start,
        end=start + dt.timedelta(days=14),
        limit=1,
    )
    return found[0] if found else None


def ensure_demo_appointment() -> str:
    """An upcoming follow-up for the demo patient with the demo clinician (a physiatrist in
    the demo clinic), booked through the clinic's own action so it checks the calendar."""
    from upperback.web.clinic import actions as clinic_actions
    from upperback.web.clinic.access import access_own_appointments, staff_clinician
    from upperback.web.clinic.demo import load_demo_clinic
    from upperback.web.clinic.models import AppointmentType

    patient = User.objects.get(email=DEMO_PATIENT)
    clinician = staff_clinician(User.objects.get(email=DEMO_CLINICIAN))
    upcoming = [
        a
        for a in access_own_appointments(patient, purpose="demo.appointments")
        if a.clinician_id == clinician.pk and a.status == "booked" and a.starts_at > timezone.now()
    ]
    if upcoming:
        return f"appointment: {_local(upcoming[0].starts_at)} (already booked)"
    location = load_demo_clinic()  # idempotent; returns the demo clinic's location
    kind = AppointmentType.objects.get(code="follow-up")  # reference data, not patient data
    slot = _next_slot(clinician, location, kind)
    if slot is None:
        return "appointment: no free slot in the next two weeks; skipped"
    # The confirmation email is sent as for any booking; the console backend would print
    # the whole message (with its calendar file) over the demo logins, so it goes nowhere.
    with contextlib.redirect_stdout(io.StringIO()):
        booked = clinic_actions.book(
            patient=patient,
            clinician=clinician,
            location=location,
            appointment_type=kind,
            starts_at=slot.starts_at,
            note="Demo: review of the first four weeks.",
            assessment=patient.assessments.order_by("-created_at").first(),
        )
    return f"appointment: {_local(booked.starts_at)} with {clinician.name}"


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M} (clinic time)"


class Command(BaseCommand):
    help = "Create the demo accounts, patients, readings and clinic (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_demo_accounts()
        ensure_demo_assessment()
        queue = ensure_queue()
        clinic = load_clinic()
        self.stdout.write(clinic)
        if "skipped" not in clinic:
            self.stdout.write(ensure_demo_appointment())
        for role, email, password in demo_logins():
            self.stdout.write(f"demo {role}: {email} / {password}")
        self.stdout.write(
            f"demo clinician's second factor: authenticator secret {DEMO_TOTP_SECRET}"
            " (current code: python -m upperback.web.demo_accounts)"
        )
        for level, email, password in queue:
            self.stdout.write(f"demo patient ({level}): {email} / {password}")
