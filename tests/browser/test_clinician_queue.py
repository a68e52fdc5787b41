"""A clinician in a real browser: the queue in order, an override with a reason and its author."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from tests.conftest import SHARED_CONTRACT

from upperback.clinical.contract import Intake
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord


def _assess(email: str, example: str, waited_minutes: int) -> AssessmentRecord:
    patient = actions.create_patient(
        email=email, password="x-long-password-1", first_name=email[:4]
    )
    data = json.loads((SHARED_CONTRACT / "examples" / f"{example}.json").read_text())
    record = actions.record_assessment(
        patient=patient, intake=Intake.model_validate(data["intake"])
    )
    AssessmentRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=waited_minutes)
    )
    return record


def test_a_clinician_sees_the_queue_in_order_and_overrides_a_triage(
    page: Any, clinician: Any, login: Callable[[Any, Any], Any]
) -> None:
    desk_old = _assess("ann@example.com", "desk-worker-self-care", 120)
    desk_new = _assess("ben@example.com", "desk-worker-self-care", 20)
    urgent = _assess("cat@example.com", "cancer-history-urgent", 5)
    soon = _assess("dee@example.com", "radicular-band-soon", 30)
    login(page, clinician)
    page.goto("/clinic/queue/")
    rows = page.locator("#queue tbody tr")
    assert [rows.nth(i).get_attribute("data-triage") for i in range(rows.count())] == [
        "urgent",
        "soon",
        "self_care",
        "self_care",
    ]
    names = [rows.nth(i).locator("a").inner_text() for i in range(rows.count())]
    assert names == ["cat@", "dee@", "ann@", "ben@"]
    hrefs = [rows.nth(i).locator("a").get_attribute("href") for i in range(rows.count())]
    assert hrefs == [f"/clinic/assessments/{r.pk}/" for r in (urgent, soon, desk_old, desk_new)]

    rows.nth(2).get_by_role("link").click()
    page.wait_for_url(f"**/clinic/assessments/{desk_old.pk}/")
    page.get_by_label("Triage", exact=True).select_option("soon")
    page.get_by_label("Reason, kept for the clinic (required)").fill(
        "Tender over T6 on examination; wants a PT review"
    )
    page.get_by_role("button", name="Save override").click()
    page.wait_for_load_state()
    overrides = page.locator("#overrides")
    assert "Tender over T6 on examination" in overrides.inner_text()
    assert "Bob Nguyen" in overrides.inner_text()
    assert "Self-care" in page.locator("#engine-triage").inner_text()

    page.goto("/clinic/queue/")
    assert rows.nth(1).locator("a").inner_text() == "ann@"  # now soon, and waited longest
    assert rows.nth(1).get_attribute("data-triage") == "soon"
