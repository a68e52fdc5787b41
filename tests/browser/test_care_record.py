"""One care record in a real browser (issue 19): a clinician overrides, the patient answers
again, then declines a step, then the clinician records the agreed plan; after each, every
patient page, both PDFs (their text read back) and the FHIR export agree with the care."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pypdfium2 as pdfium
import pytest
from tests.web.conftest import DESK_WORKER

from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord

CLINIC_REASON = "Tender T6-7, r/o facet"
NOTE_FOR_HER = "Rest is not needed now: keep moving gently."


def _pdf(tab: Any, url: str) -> str:
    response = tab.request.get(url)
    assert response.status == 200, url
    document = pdfium.PdfDocument(response.body())
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    return " ".join(text.split())  # lines wrap where the page ends them


def _fhir(tab: Any) -> dict[str, Any]:
    response = tab.request.get("/api/v1/export/fhir")
    assert response.status == 200
    return dict(json.loads(response.body()))


def _activities(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The active CarePlan's activities by plan step (the care record's status extension)."""
    plans = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "CarePlan" and e["resource"]["status"] == "active"
    ]
    assert len(plans) == 1
    out = {}
    for activity in plans[0]["activity"]:
        detail = activity["detail"]
        out[detail["code"]["coding"][0]["code"]] = detail
    return out


def _triage(bundle: dict[str, Any]) -> str:
    episode = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "EpisodeOfCare"
    )
    return str(episode["extension"][0]["valueCoding"]["code"])


def _answer_again(tab: Any) -> int:
    """The patient sends the very same answers again (the API, as the app would)."""
    token = next(c["value"] for c in tab.context.cookies() if c["name"] == "csrftoken")
    response = tab.request.post(
        "/api/v1/assessments",
        data=json.dumps(DESK_WORKER),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert response.status == 201, response.text()
    return int(json.loads(response.body())["id"])


@pytest.fixture
def clinic_tab(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _patient_pages_agree(page: Any, newest: int, *, step: str, status: str) -> None:
    page.goto(f"/assessments/{newest}/")
    assert page.locator("#triage-title .badge").inner_text().strip() == "Soon"
    assert page.locator(f"#step-{step}").get_attribute("data-status") == status
    assert CLINIC_REASON not in page.content()
    next_review = page.locator("#next-review").inner_text()
    page.goto("/progress/")
    assert page.locator("#progress-next-review").inner_text().split(":")[-1].strip() in next_review
    page.goto("/assessments/")
    assert "Soon" in page.locator("main").inner_text()


def test_every_page_pdf_and_export_follow_the_clinicians_decision_and_her_choices(
    page: Any, clinic_tab: Any, patient: Any, clinician: Any, login: Callable[[Any, Any], Any]
) -> None:
    first = actions.record_assessment(patient=patient, intake=Intake.model_validate(DESK_WORKER))
    assert first.triage == "self_care"

    # The clinician raises her to Soon and removes relative rest, with a note for her.
    login(clinic_tab, clinician)
    clinic_tab.goto(f"/clinic/assessments/{first.pk}/")
    form = clinic_tab.locator("#override-form")
    form.locator("#id_new_triage").select_option("soon")
    form.locator("#id_reason").fill(CLINIC_REASON)
    form.locator("#id_plan_note").fill(NOTE_FOR_HER)
    form.locator("#id_specialty").select_option("physiatrist")
    form.locator('input[name="removed_steps"][value="relative_rest"]').check()
    form.locator("button[type=submit]").click()
    clinic_tab.wait_for_url(f"**/clinic/assessments/{first.pk}/")

    # She answers again, the very same answers: the clinician's decision stands.
    login(page, patient)
    newest = _answer_again(page)
    assert AssessmentRecord.objects.get(pk=newest).current_triage == "soon"
    _patient_pages_agree(page, newest, step="relative_rest", status="removed")
    mine = _pdf(page, "/progress/report.pdf")
    assert "Soon" in mine and NOTE_FOR_HER in mine and CLINIC_REASON not in mine
    theirs = _pdf(clinic_tab, f"/clinic/assessments/{newest}/report.pdf")
    assert "Triage now: Soon." in theirs and CLINIC_REASON in theirs, theirs[:3000]
    bundle = _fhir(page)
    assert _triage(bundle) == "soon"
    assert _activities(bundle)["relative_rest"]["status"] == "cancelled"

    # She declines manipulation on the options page.
    page.goto(f"/assessments/{newest}/options/")
    option = page.locator("#option-chiropractic_manipulation")
    option.get_by_label("I'd rather not").check()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_url("**/options/#your-plan")
    _patient_pages_agree(page, newest, step="chiropractic_manipulation", status="declined")
    assert "you chose not to do this" in _pdf(page, "/progress/report.pdf")
    assert _activities(_fhir(page))["chiropractic_manipulation"]["status"] == "cancelled"

    # The clinician records the diagnosis and the agreed plan.
    clinic_tab.goto(f"/clinic/assessments/{newest}/outcome/")
    clinic_tab.locator("#id_source").select_option("postural_strain")
    clinic_tab.locator("#id_certainty").select_option("probable")
    clinic_tab.locator("#id_basis").select_option("examination")
    for step in clinic_tab.locator('input[name="steps"]').all():
        if step.get_attribute("value") not in ("exercise_program", "posture_program"):
            step.uncheck()
        else:
            step.check()
    review = dt.date.today() + dt.timedelta(days=21)
    clinic_tab.locator("#id_next_review").fill(review.isoformat())
    clinic_tab.locator("#outcome-form button[type=submit]").click()
    clinic_tab.wait_for_url(f"**/clinic/assessments/{newest}/")

    page.goto(f"/assessments/{newest}/")
    assert page.locator("#step-exercise_program").get_attribute("data-status") == "agreed"
    assert page.locator("#step-activity_modification").get_attribute("data-status") == "removed"
    assert "Postural strain" in page.locator("#diagnosis").inner_text()
    assert str(review.day) in page.locator("#next-review").inner_text()
    page.goto("/progress/")
    assert str(review.day) in page.locator("#progress-next-review").inner_text()
    mine = _pdf(page, "/progress/report.pdf")
    assert "Postural strain" in mine
    theirs = _pdf(clinic_tab, f"/clinic/assessments/{newest}/report.pdf")
    assert "Postural strain" in theirs
    bundle = _fhir(page)
    condition = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"
    ]
    assert condition and "postural" in json.dumps(condition).lower()
    assert _activities(bundle)["exercise_program"]["status"] == "in-progress"
    assert _activities(bundle)["activity_modification"]["status"] == "cancelled"
