"""Weekly check-ins over simulated weeks (the clock is frozen and moved a week at a time): the
engine's dosage and phase decisions are stored with the check-in and shown on the plan; a
warning sign goes to the emergency page; a finished camera check counts as a session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from upperback.clinical import Assessment, Intake, current_dosage
from upperback.web.care.progress_data import sessions_by_week
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord, ProgressEntry

MONDAY = dt.datetime(2030, 6, 3, 12, 0, tzinfo=dt.UTC)


class Clock:
    """`django.utils.timezone.now`, frozen; `advance` moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    frozen = Clock(MONDAY)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def plan(alice: Any, clock: Clock, desk_worker: dict[str, Any]) -> AssessmentRecord:
    """Alice's self-care plan, assessed on Monday 3 June 2030 (pain 4 now, 6 at worst)."""
    return actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))


def _exercises(record: AssessmentRecord) -> list[Any]:
    return current_dosage(Assessment.model_validate(record.assessment), 1)


def check_in(
    client: Client, record: AssessmentRecord, pain: int, worst: int, share: float, **more: Any
) -> Any:
    """Post a check-in: `share` of each exercise's planned sessions done (logged in again:
    a week later the session has expired)."""
    client.force_login(record.patient)
    form: dict[str, Any] = {"pain_now": str(pain), "pain_worst_week": str(worst), "psfs_1": "5"}
    for dose in _exercises(record):
        form[f"sessions_{dose.exercise}"] = str(round(share * dose.planned_per_week))
    form.update(more)
    return client.post("/progress/", form)


def _latest() -> ProgressEntry:
    return ProgressEntry.objects.latest("recorded_on", "created_at")


def test_easy_well_kept_weeks_progress_the_dosage_and_the_plan_shows_why(
    alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    clock.advance(weeks=1)
    response = check_in(alice_client, plan, pain=2, worst=3, share=1.0)
    assert response.status_code == 302
    entry = _latest()
    assert set(entry.dosage.values()) == {2}
    assert {c["change"] for c in entry.dosage_changes} == {"up"}
    assert {c["rule"] for c in entry.dosage_changes} == {"dosage_progress"}
    clock.advance(weeks=1)
    check_in(alice_client, plan, pain=2, worst=2, share=0.9)
    assert _latest().dosage["lat_pullovers"] == 3
    page = alice_client.get("/progress/").content.decode()
    assert 'id="plan-now"' in page
    assert "3 of 4" in page  # lat pullovers: level 3 of 4
    assert "80%" in page  # the rule's reason is shown beside the dose


def test_a_week_with_too_few_sessions_keeps_the_dosage(
    alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    clock.advance(weeks=1)
    check_in(alice_client, plan, pain=2, worst=2, share=0.5)
    assert set(_latest().dosage.values()) == {1}


def test_a_flare_steps_the_dosage_back(
    alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    clock.advance(weeks=1)
    check_in(alice_client, plan, pain=2, worst=2, share=1.0)
    assert _latest().dosage["chin_tucks"] == 2
    clock.advance(weeks=1)
    check_in(alice_client, plan, pain=5, worst=5, share=1.0)
    entry = _latest()
    assert entry.dosage["chin_tucks"] == 1
    assert {c["rule"] for c in entry.dosage_changes} == {"dosage_flare"}


def test_no_improvement_by_the_review_moves_the_phase_stores_it_and_offers_a_consultation(
    alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    assessment = Assessment.model_validate(plan.assessment)
    review_after = max(s.review_after_days for s in assessment.plan if s.phase == 1)
    for _ in range(review_after // 7):
        clock.advance(weeks=1)
        check_in(alice_client, plan, pain=4, worst=5, share=0.5)
    entry = _latest()
    assert (entry.action, entry.phase) == ("step_up", 2)
    assert entry.phase_started_on == clock().date()
    assert entry.rules == ["escalate_no_important_improvement"]
    assert entry.because
    alice_client.force_login(plan.patient)
    page = alice_client.get("/progress/")
    assert page.context["plan_now"]["phase"] == 2
    assert page.context["plan_now"]["offer_consult"]
    assert 'id="plan-consult"' in page.content.decode()  # the consultation stays offered
    # The next week starts from phase 2: the stored phase is read back.
    clock.advance(weeks=1)
    check_in(alice_client, plan, pain=4, worst=4, share=0.5)
    assert (_latest().phase, _latest().action) == (2, "continue")


def test_pain_worse_by_two_points_offers_a_consultation_soon(
    alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    clock.advance(weeks=1)
    check_in(alice_client, plan, pain=6, worst=7, share=1.0)
    entry = _latest()
    assert (entry.action, entry.rules) == ("consult", ["escalate_pain_worse"])
    assert 'id="review-decision"' in alice_client.get("/progress/").content.decode()


def test_function_lost_in_a_check_in_offers_a_consultation(
    alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    clock.advance(weeks=1)
    check_in(alice_client, plan, pain=4, worst=4, share=1.0, loss_of_function="on")
    assert _latest().rules == ["escalate_function_lost"]


def test_a_warning_sign_in_a_check_in_gives_the_emergency_page(
    alice: Any, alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    clock.advance(weeks=1)
    response = check_in(
        alice_client, plan, pain=3, worst=3, share=1.0, new_symptoms=["chest_pain_or_pressure"]
    )
    newest = AssessmentRecord.objects.filter(patient=alice).latest("created_at")
    assert newest.triage == "emergency"
    assert response["Location"] == f"/assessments/{newest.pk}/"
    assert 'href="tel:911"' in alice_client.get(response["Location"]).content.decode()
    assert _latest().action == "retriage"


def test_a_check_in_says_it_was_saved_in_the_patients_language(
    alice: Any, alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    clock.advance(weeks=1)
    page = check_in(alice_client, plan, pain=3, worst=3, share=1.0)
    shown = alice_client.get(page["Location"]).content.decode()
    assert "Thank you: your check-in is saved." in shown
    alice_client.post("/accounts/language/", {"language": "es", "next": "/"})
    clock.advance(weeks=1)
    page = check_in(alice_client, plan, pain=3, worst=3, share=1.0)
    shown = alice_client.get(page["Location"]).content.decode()
    assert "Gracias: su control semanal está guardado." in shown


def test_sessions_by_week_gives_done_against_planned(
    alice: Any, alice_client: Client, plan: AssessmentRecord, clock: Clock
) -> None:
    planned = sum(d.planned_per_week for d in _exercises(plan))
    for share in (1.0, 0.5):
        clock.advance(weeks=1)
        check_in(alice_client, plan, pain=3, worst=3, share=share)
    weeks = sessions_by_week(alice, alice.pk)
    assert [w["week"] for w in weeks] == ["2030-W24", "2030-W25"]
    assert weeks[0]["starts_on"] == dt.date(2030, 6, 10)
    assert weeks[0]["planned"] == planned
    assert weeks[0]["done"] == planned
    assert weeks[1]["done"] < weeks[1]["planned"]


def test_a_finished_camera_check_counts_as_a_session(
    alice: Any,
    alice_client: Client,
    plan: AssessmentRecord,
    clock: Clock,
    shared_data: Path,
    settings: Any,
    tmp_path: Path,
) -> None:
    from upperback.web.media import actions as media_actions

    settings.MEDIA_ROOT = tmp_path / "media"
    video = shared_data / "videos" / "Front_Raise_musclewiki.mp4"
    clock.advance(weeks=1)
    for _ in range(2):
        upload = media_actions.save_upload(
            patient=alice,
            uploaded=SimpleUploadedFile(video.name, video.read_bytes()),
            kind="video",
            view="front",
            exercise_id="chin_tucks",
        )
        media_actions.finish(upload=upload, result={}, pictures={})
    clock.advance(hours=1)
    alice_client.force_login(alice)
    alice_client.post("/progress/", {"pain_now": "3", "sessions_chin_tucks": "3"})
    entry = _latest()
    assert entry.camera_sessions == {"chin_tucks": 2}
    assert entry.sessions_done()["chin_tucks"] == 5
