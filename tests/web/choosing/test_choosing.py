"""Your options, her preferences, the clinician's diagnosis and agreed plan, concordance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from upperback.cli import main
from upperback.clinical import Intake
from upperback.web.choosing import actions as choosing
from upperback.web.choosing.concordance import concordance
from upperback.web.choosing.models import ConsultationOutcome, PlanPreferences
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord

PASSWORD = "correct-horse-battery-9"
NEXT_MONTH = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture
def record(alice: Any, desk_worker: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))


def _engine_sources(record: AssessmentRecord) -> list[str]:
    return [s["id"] for s in record.assessment["likely_sources"]]


def test_the_options_page_shows_the_current_and_next_phase_with_sources(
    alice_client: Client, record: AssessmentRecord
) -> None:
    page = alice_client.get(f"/assessments/{record.pk}/options/")
    assert page.status_code == 200
    phases = page.context["phases"]
    assert [p["number"] for p in phases] == [1, 2]
    shown = [o["option"].step for p in phases for o in p["options"]]
    assert "exercise_program" in shown and "guided_stretching" in shown
    html = page.content.decode()
    assert "Common side effects and risks" in html
    assert "NICE CKS: NSAIDs" in html  # the medicine's risks cite their source
    assert "If you wait" in html
    assert html.count('role="img"') >= 3  # the exercise program's pictures


def test_the_options_page_speaks_spanish(alice: Any, record: AssessmentRecord) -> None:
    actions.set_language(user=alice, language="es")
    client = Client()
    client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    text = client.get(f"/assessments/{record.pk}/options/").content.decode()
    assert "Sus opciones" in text
    assert "Prefiero no" in text


def test_a_patient_declines_an_option_and_the_engine_changes_her_plan(
    alice_client: Client, record: AssessmentRecord
) -> None:
    response = alice_client.post(
        f"/assessments/{record.pk}/options/",
        {"choice_exercise_program": "rather_not", "reason_exercise_program": "no time at home"},
    )
    assert response.status_code == 302
    stored = PlanPreferences.objects.get(record=record)
    assert stored.choices == [
        {"step": "exercise_program", "choice": "rather_not", "reason": "no time at home"}
    ]
    assert stored.assessment["changes"][0]["replaced_by"] == "guided_stretching"
    assert record.assessment == AssessmentRecord.objects.get(pk=record.pk).assessment
    page = alice_client.get(f"/assessments/{record.pk}/options/").content.decode()
    assert 'data-change="replaced"' in page
    assert "Guided stretching" in page


def test_nobody_else_may_mark_her_options(
    carol_client: Client, bob_client: Client, record: AssessmentRecord
) -> None:
    assert carol_client.get(f"/assessments/{record.pk}/options/").status_code == 404
    posted = bob_client.post(
        f"/assessments/{record.pk}/options/", {"choice_exercise_program": "rather_not"}
    )
    assert posted.status_code == 404
    assert not PlanPreferences.objects.exists()


def test_the_clinician_sees_her_choices_and_records_the_outcome(
    alice_client: Client, bob_client: Client, record: AssessmentRecord
) -> None:
    choosing.record_preferences(
        record=record,
        choices=[{"step": "acupuncture", "choice": "rather_not", "reason": "needles"}],
    )
    review = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    assert 'data-choice="rather_not"' in review and "needles" in review
    posted = bob_client.post(
        f"/clinic/assessments/{record.pk}/outcome/",
        {
            "source": "postural_strain",
            "certainty": "probable",
            "basis": "examination",
            "steps": ["exercise_program", "posture_program"],
            "doses": "Exercise program: 2 sets a day for 6 weeks",
            "agreed_on": dt.date.today().isoformat(),
            "next_review": NEXT_MONTH.isoformat(),
        },
    )
    assert posted.status_code == 302
    outcome = ConsultationOutcome.objects.get(record=record)
    assert outcome.engine_sources == _engine_sources(record)
    assert outcome.agreed_steps == [
        {"step": "exercise_program", "note": "2 sets a day for 6 weeks"},
        {"step": "posture_program", "note": ""},
    ]
    result = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    assert "The plan agreed with your clinician on" in result
    assert "2 sets a day for 6 weeks" in result


def test_a_patient_cannot_record_an_outcome(alice_client: Client, record: AssessmentRecord) -> None:
    posted = alice_client.post(f"/clinic/assessments/{record.pk}/outcome/", {})
    assert posted.status_code == 404


def test_another_cause_needs_a_name(bob: Any, record: AssessmentRecord) -> None:
    with pytest.raises(ValueError, match="Name the other cause"):
        choosing.record_outcome(
            record=record,
            author=bob,
            source="other",
            certainty="probable",
            basis="imaging",
            agreed_steps=[],
            next_review=NEXT_MONTH,
        )


def test_concordance_counts_first_and_first_two_by_diagnosis() -> None:
    total, rows = concordance(
        [
            ("muscle_strain", ["muscle_strain", "postural_strain"]),
            ("muscle_strain", ["postural_strain", "muscle_strain"]),
            ("muscle_strain", ["postural_strain", "joint_dysfunction", "muscle_strain"]),
            ("other", ["postural_strain"]),
        ]
    )
    assert (total.diagnoses, total.first, total.top_two) == (4, 1, 2)
    assert (total.first_percent, total.top_two_percent) == (25.0, 50.0)
    muscle = rows[0]
    assert (muscle.source, muscle.diagnoses, muscle.first, muscle.top_two) == (
        "muscle_strain",
        3,
        1,
        2,
    )
    assert (muscle.first_percent, muscle.top_two_percent) == (33.3, 66.7)


def _diagnose(
    record: AssessmentRecord,
    author: Any,
    source: str,
    agreed_steps: list[dict[str, str]] | None = None,
    **extra: Any,
) -> None:
    choosing.record_outcome(
        record=record,
        author=author,
        source=source,
        certainty="confirmed",
        basis="both",
        agreed_steps=agreed_steps or [{"step": "exercise_program"}],
        next_review=NEXT_MONTH,
        **extra,
    )


def test_upperback_concordance_prints_the_known_figures(
    bob: Any, desk_worker: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    intake = Intake.model_validate(desk_worker)
    patients = [
        actions.create_patient(email=f"p{i}@example.com", password="x-long-password-1")
        for i in range(4)
    ]
    records = [actions.record_assessment(patient=p, intake=intake) for p in patients]
    first, second = _engine_sources(records[0])[:2]
    _diagnose(records[0], bob, "deformity")  # superseded by the next one
    _diagnose(records[0], bob, first)
    _diagnose(records[1], bob, second)
    _diagnose(records[2], bob, second)
    _diagnose(records[3], bob, "other", other_cause="rib fracture")
    assert main(["concordance"]) == 0
    out = capsys.readouterr().out.splitlines()
    table = {line.split()[0]: line.split()[1:] for line in out[1:]}
    assert table["all"] == ["4", "1", "(25.0%)", "3", "(75.0%)"]
    assert table[first] == ["1", "1", "(100.0%)", "1", "(100.0%)"]
    assert table[second] == ["2", "0", "(0.0%)", "2", "(100.0%)"]
    assert table["other"] == ["1", "0", "(0.0%)", "0", "(0.0%)"]


def test_the_concordance_page_is_for_the_clinic_only(
    bob: Any, bob_client: Client, alice_client: Client, record: AssessmentRecord
) -> None:
    _diagnose(record, bob, _engine_sources(record)[0])
    page = bob_client.get("/clinic/concordance/")
    assert page.context["total"].first == 1
    assert 'data-source="all"' in page.content.decode()
    assert alice_client.get("/clinic/concordance/").status_code == 404


@pytest.fixture
def record_on_anticoagulant(alice: Any, desk_worker: dict[str, Any]) -> AssessmentRecord:
    """Anti-inflammatory medication is withheld: she takes an anticoagulant."""
    intake = Intake.model_validate({**desk_worker, "medications": ["anticoagulant"]})
    record = actions.record_assessment(patient=alice, intake=intake)
    assert "anti_inflammatory_medication" in [w["step"] for w in record.assessment["withheld"]]
    return record


def _outcome_post(steps: list[str], **extra: str) -> dict[str, Any]:
    return {
        "source": "muscle_strain",
        "certainty": "probable",
        "basis": "examination",
        "steps": steps,
        "agreed_on": dt.date.today().isoformat(),
        "next_review": NEXT_MONTH.isoformat(),
        **extra,
    }


def test_agreeing_to_a_withheld_step_shows_why_it_was_left_out_and_needs_a_reason(
    bob_client: Client, record_on_anticoagulant: AssessmentRecord
) -> None:
    url = f"/clinic/assessments/{record_on_anticoagulant.pk}/outcome/"
    page = bob_client.get(url).content.decode()
    assert 'id="outcome-withheld"' in page and "blood thinner" in page
    steps = ["exercise_program", "anti_inflammatory_medication"]
    refused = bob_client.post(url, _outcome_post(steps))
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Left out for this patient" in text and "Give your reason" in text
    assert not ConsultationOutcome.objects.filter(record=record_on_anticoagulant).exists()


def test_a_withheld_step_agreed_with_a_reason_keeps_both_reasons_for_the_patient(
    alice_client: Client, bob_client: Client, record_on_anticoagulant: AssessmentRecord
) -> None:
    url = f"/clinic/assessments/{record_on_anticoagulant.pk}/outcome/"
    steps = ["exercise_program", "anti_inflammatory_medication"]
    reason = "Topical gel only, agreed with her haematologist"
    posted = bob_client.post(url, _outcome_post(steps, withheld_reason=reason))
    assert posted.status_code == 302
    agreed = ConsultationOutcome.objects.get(record=record_on_anticoagulant).agreed_steps
    held = next(s for s in agreed if s["step"] == "anti_inflammatory_medication")
    assert held["agreed_because"] == reason and "blood thinner" in held["withheld_because"]
    assert "agreed_because" not in next(s for s in agreed if s["step"] == "exercise_program")
    result = alice_client.get(f"/assessments/{record_on_anticoagulant.pk}/").content.decode()
    assert "leave this out for you" in result and reason in result


def test_the_action_refuses_a_withheld_step_without_a_reason(
    bob: Any, record_on_anticoagulant: AssessmentRecord
) -> None:
    held = [{"step": "anti_inflammatory_medication", "note": ""}]
    with pytest.raises(ValueError, match="withheld for this patient"):
        _diagnose(record_on_anticoagulant, bob, "muscle_strain", held)


def test_no_reason_field_when_nothing_was_withheld(
    bob_client: Client, record: AssessmentRecord
) -> None:
    assert not record.assessment["withheld"]
    page = bob_client.get(f"/clinic/assessments/{record.pk}/outcome/").content.decode()
    assert "withheld_reason" not in page and 'id="outcome-withheld"' not in page
