"""A patient changes her phone number in a real browser (axe-core checks each page): from the
home page's button, a wrong number named, then saved."""

from __future__ import annotations

from typing import Any


def test_she_changes_her_phone_number_from_the_home_page(logged_in_page: Any, patient: Any) -> None:
    page = logged_in_page
    page.goto("/")
    page.get_by_role("link", name="Your phone number").click()
    page.wait_for_load_state()
    page.get_by_label("Phone number (optional)").fill("not a number")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "7 to 15 digits" in page.locator("#phone-form").inner_text()
    page.get_by_label("Phone number (optional)").fill("+1 310 555 0142")
    page.get_by_label("The clinic may call me on this number about my care").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator("#phone-saved").is_visible()
    patient.refresh_from_db()
    assert (patient.phone, patient.phone_call_consent) == ("+1 310 555 0142", True)
