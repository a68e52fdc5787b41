"""A patient checks in on /progress/ in a real browser: the success message, the plan's phase
and dosage with its reason, in English and then in Spanish."""

from __future__ import annotations

from typing import Any

from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER
from upperback.web.records.models import ProgressEntry


def _check_in(page: Any, save: str) -> None:
    page.locator("#id_pain_now").fill("2")
    page.locator("#id_pain_worst_week").fill("3")
    page.locator("#id_sessions_lat_pullovers").fill("7")
    page.get_by_role("button", name=save).click()
    page.wait_for_load_state()


def test_a_check_in_shows_a_success_message_in_both_languages(
    logged_in_page: Any, patient: Any
) -> None:
    actions.record_assessment(patient=patient, intake=Intake.model_validate(DESK_WORKER))
    page = logged_in_page
    page.goto("/progress/")
    assert page.locator("#plan-now").is_visible()
    _check_in(page, "Save today's entry")
    assert page.locator(".messages").inner_text().strip() == "Thank you: your check-in is saved."
    # Lat pullovers were done every day of an easy week: the next level, with the reason.
    row = page.locator('#dosage-table tr[data-exercise="lat_pullovers"]')
    assert "2 of 4" in row.inner_text()
    assert "80%" in row.inner_text()
    page.locator("#language-select").select_option("es")
    page.locator("#language-submit").click()
    page.wait_for_load_state()
    page.goto("/progress/")
    assert page.locator("html").get_attribute("lang") == "es"
    # The reason stored in English reads in Spanish now.
    assert "siguiente nivel de dosis" in row.inner_text()
    _check_in(page, "Guardar el registro de hoy")
    assert "Gracias: su control semanal está guardado." in page.locator(".messages").inner_text()
    assert page.get_by_role("heading", name="Su plan ahora").is_visible()
    assert ProgressEntry.objects.filter(patient=patient).count() == 2
