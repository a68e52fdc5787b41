"""Scheduling in a real browser (Playwright, Debian's Chromium) against the demo clinic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.utils import timezone

from upperback.clinical.contract import Intake
from upperback.web.accounts.models import User
from upperback.web.clinic import setup
from upperback.web.clinic.demo import load_demo_clinic
from upperback.web.clinic.models import Appointment, Clinician, Status
from upperback.web.records import actions as records
from upperback.web.records.models import AssessmentRecord

pytestmark = pytest.mark.django_db(transaction=True)

# A desk worker whose arm has gone numb: the engine says "soon", a physiatrist, 14 days.
INTAKE: dict[str, Any] = {
    "contract": "1",
    "age": 34,
    "sex": "female",
    "pain": {
        "regions": ["between_shoulder_blades"],
        "intensity_now": 4,
        "intensity_worst_week": 6,
        "duration_days": 21,
        "onset": "gradual",
        "trigger": "poor_posture",
        "character": ["aching"],
        "pattern": "mechanical",
        "worse_with": ["sitting_long"],
        "better_with": ["movement"],
        "night_pain": "none",
        "morning_stiffness_minutes": 5,
    },
    "symptoms": ["arm_numbness"],
    "history": [],
    "medications": [],
    "function": {"loss_of_function": False, "psfs": [{"activity": "desk work", "score": 5}]},
    "work": {"desk_hours_per_day": 9, "overhead_or_heavy": False},
}


@pytest.fixture
def soon_result(patient: User) -> AssessmentRecord:
    # The first offered slot may start within the day: let the patient cancel up to the start.
    setup.set_cancellation_window(location=load_demo_clinic(), hours=0)
    record = records.record_assessment(patient=patient, intake=Intake.model_validate(INTAKE))
    assert (record.triage, record.assessment["consult"]["specialty"]) == ("soon", "physiatrist")
    return record


def test_a_patient_books_from_a_soon_result_downloads_the_ics_and_cancels(
    page: Any,
    login: Callable[[Any, Any], Any],
    patient: User,
    soon_result: AssessmentRecord,
    tmp_path: Path,
) -> None:
    login(page, patient)
    page.goto(f"/assessments/{soon_result.pk}/")
    page.get_by_role("link", name="Book an in-person consultation").click()
    first = page.locator("ul.slots li").first
    assert "Physiatrist" in first.inner_text()
    first.get_by_role("button").click()
    page.wait_for_url("**/appointments/*/")
    booked = Appointment.objects.get(patient=patient)
    assert booked.clinician.specialty == "physiatrist"
    assert booked.assessment_id == soon_result.pk

    page.goto("/appointments/")
    assert "Dr. Priya Shah" in page.locator("#upcoming").inner_text()

    page.goto(f"/appointments/{booked.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    saved = tmp_path / "appointment.ics"
    download.value.save_as(saved)
    event = icalendar.Calendar.from_ical(saved.read_bytes()).events[0]
    assert event.start == booked.starts_at

    page.get_by_role("button", name="Cancel this appointment").click()
    page.wait_for_url("**/appointments/")
    assert "No upcoming appointments." in page.locator("#upcoming").inner_text()
    assert Appointment.objects.get(pk=booked.pk).status == Status.CANCELLED


def test_an_urgent_result_with_no_slot_in_a_day_shows_the_clinics_number(
    page: Any,
    login: Callable[[Any, Any], Any],
    patient: User,
    clinician: User,
    soon_result: AssessmentRecord,
) -> None:
    records.override_assessment(
        record=soon_result,
        author=clinician,
        new_triage="urgent",
        reason="Numbness spreading to the hand",
    )
    for physiatrist in Clinician.objects.filter(specialty="physiatrist"):
        setup.add_time_off(
            clinician=physiatrist,
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(days=2),
            reason="away",
        )
    login(page, patient)
    page.goto(f"/assessments/{soon_result.pk}/")
    page.get_by_role("link", name="Book an in-person consultation").click()
    alert = page.get_by_role("alert")
    assert "Call the clinic now" in alert.inner_text()
    call = alert.get_by_role("link", name="+1 310 555 0142")
    assert call.get_attribute("href") == "tel:+13105550142"
    assert page.locator("ul.slots").count() == 0
