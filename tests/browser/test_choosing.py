"""Choosing together, in Spanish on a phone (390x844): the patient compares her options and
declines one, sees her plan change and why; the clinician sees it, records a diagnosis and
an agreed plan; the patient sees the plan agreed with her clinician."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.web.conftest import DESK_WORKER

from upperback.clinical import Intake
from upperback.web.records import actions

PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.fixture
def second_tab(browser: Any, live_server: Any) -> Iterator[Any]:
    """Another person's own browser (own cookies), at phone size."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_choosing_together_in_spanish_on_a_phone(
    page: Any,
    second_tab: Any,
    patient: Any,
    clinician: Any,
    login: Callable[[Any, Any], Any],
) -> None:
    actions.set_language(user=patient, language="es")
    record = actions.record_assessment(
        patient=patient, intake=Intake.model_validate(DESK_WORKER), language="es"
    )

    # The patient compares her options and would rather not do the exercise program.
    page.set_viewport_size(PHONE)
    login(page, patient)
    page.goto(f"/assessments/{record.pk}/")
    page.locator("#options-link").click()
    page.wait_for_url(f"**/assessments/{record.pk}/options/")
    assert page.get_by_role("heading", name="Sus opciones").is_visible()
    option = page.locator("#option-exercise_program")
    option.locator("details.option-details > summary").click()  # the facts, folded (issue 22)
    assert "Efectos secundarios y riesgos frecuentes" in option.inner_text()
    assert _fits(page)
    option.get_by_label("Prefiero no").check()
    option.get_by_label("¿Por qué? (opcional)").fill("No tengo tiempo en casa")
    page.get_by_role("button", name="Guardar mis elecciones").click()
    page.wait_for_url("**/options/#your-plan")
    change = page.locator('#plan-changes li[data-step="exercise_program"]')
    assert change.get_attribute("data-change") == "replaced"
    assert "Estiramientos guiados" in change.inner_text()
    assert page.locator('#preferred-plan li[data-step="exercise_program"]').count() == 0
    assert _fits(page)

    # The clinician sees her choice, records a diagnosis and the agreed plan.
    login(second_tab, clinician)
    second_tab.goto(f"/clinic/assessments/{record.pk}/")
    second_tab.locator("#language-select").select_option("es")  # the header's switch
    second_tab.locator("#language-submit").click()
    second_tab.wait_for_url(f"**/clinic/assessments/{record.pk}/")
    assert second_tab.locator("html").get_attribute("lang") == "es"
    row = second_tab.locator('#patient-preferences tr[data-step="exercise_program"]')
    assert row.get_attribute("data-choice") == "rather_not"
    assert "No tengo tiempo en casa" in row.inner_text()
    second_tab.locator("#record-outcome").click()
    second_tab.wait_for_url("**/outcome/")
    second_tab.locator("#id_source").select_option("postural_strain")
    second_tab.locator("#id_certainty").select_option("probable")
    second_tab.locator("#id_basis").select_option("examination")
    second_tab.locator("#id_doses").fill("Estiramientos guiados: una sesión por semana")
    review = dt.date.today() + dt.timedelta(days=28)
    second_tab.locator("#id_next_review").fill(review.isoformat())
    assert _fits(second_tab)
    second_tab.locator("#outcome-form button[type=submit]").click()
    second_tab.wait_for_url(f"**/clinic/assessments/{record.pk}/")

    # The patient sees the plan agreed with her clinician.
    page.goto(f"/assessments/{record.pk}/")
    agreed = page.locator("#agreed-plan")
    assert "El plan acordado con su médico el" in agreed.inner_text()
    assert "una sesión por semana" in agreed.inner_text()
    assert page.locator("#agreed-diagnosis").inner_text() == "Sobrecarga postural"
    assert _fits(page)
