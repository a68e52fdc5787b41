"""On a phone-sized screen the pages fit the width (no sideways scrolling) and the body map
and the 0-10 scale are usable by touch-sized targets."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import SHARED_CONTRACT

from upperback.clinical.contract import Intake
from upperback.web.records import actions

PHONE = {"width": 360, "height": 740}


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_wizard_and_the_result_fit_a_phone_screen(logged_in_page: Any, patient: Any) -> None:
    page = logged_in_page
    page.set_viewport_size(PHONE)
    page.goto("/intake/")
    assert _fits(page)
    target = page.locator("#id_intensity_now label").first.bounding_box()
    assert target["height"] >= 40  # a finger-sized target
    data = json.loads((SHARED_CONTRACT / "examples" / "desk-worker-self-care.json").read_text())
    record = actions.record_assessment(
        patient=patient, intake=Intake.model_validate(data["intake"])
    )
    page.goto(f"/assessments/{record.pk}/")
    assert page.locator("#plan-section").is_visible()
    assert _fits(page)


def test_the_call_911_page_fills_the_screen(logged_in_page: Any) -> None:
    page = logged_in_page
    page.set_viewport_size(PHONE)
    page.goto("/intake/")
    page.get_by_label("Coughing up blood").check()
    page.get_by_label("Chest pain or pressure").check()
    page.get_by_label("Your age in years").fill("58")
    page.get_by_label("Male", exact=True).check()
    page.locator("#id_intensity_now").get_by_label("8", exact=True).check()
    page.get_by_label("How many days since this episode of pain began?").fill("1")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/call-911/")
    box = page.locator(".emergency-screen").bounding_box()
    assert box["height"] >= PHONE["height"] - 1
    assert page.locator("header.site-header").is_hidden()
    assert _fits(page)
