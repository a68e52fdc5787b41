"""A patient changes her phone number and consent after sign-up; bad input names the field
and keeps the number she had; the clinician's review page shows the new number."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from upperback.clinical import Intake
from upperback.web.records import actions

pytestmark = pytest.mark.django_db


def test_she_changes_her_number_and_the_clinician_sees_it(
    alice: Any, alice_client: Client, bob_client: Client, desk_worker: dict[str, Any]
) -> None:
    assert 'href="/accounts/phone/"' in alice_client.get("/").content.decode()
    page = alice_client.get("/accounts/phone/").content.decode()
    assert 'name="phone"' in page and 'name="phone_call_consent"' in page
    answer = alice_client.post(
        "/accounts/phone/", {"phone": "+1 310 555 0123", "phone_call_consent": "on"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/accounts/phone/?saved=1"
    assert "Saved." in alice_client.get(answer["Location"]).content.decode()
    alice.refresh_from_db()
    assert (alice.phone, alice.phone_call_consent) == ("+1 310 555 0123", True)
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    review = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    assert 'href="tel:+1 310 555 0123"' in review and "agreed to be called" in review


@pytest.mark.parametrize(
    ("form", "named"),
    [
        ({"phone": "call me maybe"}, "7 to 15 digits"),
        ({"phone": "", "phone_call_consent": "on"}, "Give the number the clinic may call"),
        ({"phone": "1" * 40}, "at most 32 characters"),
    ],
)
def test_a_bad_number_names_the_field_and_keeps_the_old_one(
    alice: Any, alice_client: Client, form: dict[str, str], named: str
) -> None:
    actions.set_phone(user=alice, phone="310 555 0100", may_call=True)
    answer = alice_client.post("/accounts/phone/", form)
    assert answer.status_code == 200
    assert named in answer.content.decode()
    alice.refresh_from_db()
    assert (alice.phone, alice.phone_call_consent) == ("310 555 0100", True)


def test_taking_the_number_away_takes_the_consent_with_it(alice: Any, alice_client: Client) -> None:
    actions.set_phone(user=alice, phone="310 555 0100", may_call=True)
    assert alice_client.post("/accounts/phone/", {"phone": ""}).status_code == 302
    alice.refresh_from_db()
    assert (alice.phone, alice.phone_call_consent) == ("", False)


def test_the_page_needs_a_login_and_speaks_spanish(anonymous: Client, alice: Any) -> None:
    answer = anonymous.get("/accounts/phone/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    actions.set_language(user=alice, language="es")
    client = Client()
    client.force_login(alice)
    assert "Su número de teléfono" in client.get("/accounts/phone/").content.decode()
