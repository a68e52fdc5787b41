"""`load_demo`: demo data worth looking at, made through the actions and the engine, and
safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from upperback.clinical import assess
from upperback.web.accounts.models import User
from upperback.web.clinic.models import Appointment
from upperback.web.demo_accounts import DEMO_CLINICIAN, DEMO_PASSWORD, DEMO_PATIENT
from upperback.web.records.demo_intakes import BY_TRIAGE
from upperback.web.records.models import AssessmentRecord, ProgressEntry

QUEUE_ORDER = ["emergency", "urgent", "soon", "routine", "self_care"]


@pytest.fixture
def loaded(db: Any, capsys: Any) -> str:
    call_command("load_demo")
    call_command("load_demo")  # the second run must add nothing
    return str(capsys.readouterr().out)


@pytest.mark.parametrize("level", QUEUE_ORDER)
def test_each_demo_intake_reaches_its_triage_level(level: str) -> None:
    assert assess(BY_TRIAGE[level]).triage == level


def test_load_demo_twice_makes_everything_once(loaded: str) -> None:
    demo_users = User.objects.filter(email__endswith="@demo.upperback.example")
    assert demo_users.count() == 6  # the demo patient, the clinician, four more patients
    for user in demo_users.filter(role="patient"):
        assert user.assessments.count() == 1
    dana = User.objects.get(email=DEMO_PATIENT)
    assert ProgressEntry.objects.filter(patient=dana).count() == 4
    assert Appointment.objects.filter(patient=dana).count() == 1


def test_it_prints_every_login_it_creates(loaded: str) -> None:
    for user in User.objects.filter(email__endswith="@demo.upperback.example"):
        assert f"{user.email} / {DEMO_PASSWORD}" in loaded
    assert "demo patient (urgent): grace.holt@demo.upperback.example" in loaded


def test_the_demo_assessments_are_the_engines_answers(loaded: str) -> None:
    demo = AssessmentRecord.objects.filter(patient__email__endswith="@demo.upperback.example")
    assert demo.count() == 5
    for record in demo:
        assert record.assessment == assess(record.intake).model_dump(mode="json")


def test_the_clinicians_queue_shows_every_level_in_order(loaded: str) -> None:
    client = Client()
    client.force_login(User.objects.get(email=DEMO_CLINICIAN))
    rows = client.get("/clinic/queue/").context["rows"]
    assert [row["record"].current_triage for row in rows] == QUEUE_ORDER


def test_the_demo_patient_has_weeks_of_readings_since_her_plan(loaded: str) -> None:
    dana = User.objects.get(email=DEMO_PATIENT)
    plan = dana.assessments.get()
    entries = list(ProgressEntry.objects.filter(patient=dana).order_by("recorded_on"))
    assert (entries[-1].recorded_on - entries[0].recorded_on).days >= 14
    assert all(e.recorded_on >= timezone.localdate(plan.created_at) for e in entries)
    assert all(e.psfs and e.psfs[0]["activity"] == "desk work" for e in entries)
    client = Client()
    client.force_login(dana)
    page = client.get("/progress/")
    pain = next(c for c in page.context["charts"] if c.id == "chart-pain")
    assert len(pain.rows) == 5  # the plan's start, then the 4 readings
    assert page.context["decision"] is not None


def test_the_demo_patient_has_an_upcoming_appointment_with_the_demo_clinician(
    loaded: str,
) -> None:
    appointment = Appointment.objects.get(patient__email=DEMO_PATIENT)
    assert appointment.clinician.user.email == DEMO_CLINICIAN
    assert appointment.status == "booked"
    assert appointment.starts_at > timezone.now()
    assert appointment.cells.exists()  # booked through the clinic's action: the slot is held


def test_an_assessment_is_never_dated_in_the_future(alice: Any) -> None:
    import datetime as dt

    from upperback.clinical.contract import Intake
    from upperback.web.records import actions

    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValueError, match="future"):
        actions.record_assessment(
            patient=alice, intake=Intake.model_validate(BY_TRIAGE["self_care"]), assessed_at=later
        )
    assert not AssessmentRecord.objects.filter(patient=alice).exists()


def test_the_demo_clinician_passes_the_second_factor_with_the_published_secret(
    loaded: str,
) -> None:
    import base64

    from django_otp.oath import totp

    from upperback.web.demo_accounts import DEMO_TOTP_SECRET, demo_totp_code

    assert DEMO_TOTP_SECRET in loaded
    assert demo_totp_code() == f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
    client = Client()
    login = {"username": DEMO_CLINICIAN, "password": DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302
    assert client.get("/clinic/queue/").status_code == 302  # the second step first
    passed = client.post("/accounts/two-factor/", {"code": demo_totp_code()})
    assert passed.status_code == 302
    assert client.get("/clinic/queue/").status_code == 200
