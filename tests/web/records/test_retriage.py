"""`upperback retriage`: the current rules over each patient's latest intake, raises on top.

An assessment "made under an older knowledge base" is simulated by rewriting a stored record
as the old rules would have left it: another version string, and (for a raise) the triage and
warning signs the old rules gave. That is stored legacy data, so it is set on the rows
directly; everything else goes through the actions.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from upperback.cli import main as upperback
from upperback.clinical import Intake, knowledge_base_version
from upperback.web.records import actions, episodes
from upperback.web.records.access import access_queue
from upperback.web.records.demo_intakes import DESK_WORKER
from upperback.web.records.episode_history import events_of
from upperback.web.records.models import AssessmentRecord, CareEpisode, triage_rank
from upperback.web.records.retriage import _load, retriage

pytestmark = pytest.mark.django_db(transaction=True)

OLD_VERSION = "2025.01.0"
URGENT = {
    "contract": "1",
    "age": 58,
    "sex": "female",
    "pain": {
        "regions": ["mid_back_center"],
        "intensity_now": 6,
        "duration_days": 24,
        "onset": "gradual",
        "trigger": "none_known",
        "character": ["aching"],
        "pattern": "constant",
        "night_pain": "unrelieved",
    },
    "symptoms": ["unexplained_weight_loss"],
    "history": ["cancer"],
}


def _record(patient: Any, intake: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=patient, intake=Intake.model_validate(intake))


def _as_made_by_old_rules(record: AssessmentRecord, *, triage: str | None = None) -> None:
    """What the old knowledge base stored: its version, and (if given) its triage, with none
    of the warning signs the new rules fire."""
    assessment = copy.deepcopy(record.assessment)
    assessment["knowledge_base"] = OLD_VERSION
    fields: dict[str, Any] = {"knowledge_base": OLD_VERSION}
    if triage is not None:
        assessment["triage"] = triage
        assessment["red_flags"] = []
        fields.update(triage=triage, current_triage=triage, current_rank=triage_rank(triage))
    AssessmentRecord.objects.filter(pk=record.pk).update(assessment=assessment, **fields)
    # The episode as the old rules made it: rebuilt from the rows, as the migration does.
    CareEpisode.objects.filter(patient_id=record.patient_id).delete()
    rows = AssessmentRecord.objects.filter(patient_id=record.patient_id).order_by("created_at")
    for event in events_of(assessments=rows):
        episodes.record(patient=record.patient_id, event=event)


def test_a_raise_is_recorded_under_the_new_version_and_tops_the_queue(
    alice: Any, carol: Any, bob: Any
) -> None:
    calm = _record(carol, DESK_WORKER)  # routine or self-care, earlier: would wait first
    old = _record(alice, URGENT)
    _as_made_by_old_rules(old, triage="self_care")
    _as_made_by_old_rules(calm)

    report = retriage(workers=1)

    assert report.latest == 2 and report.rerun == 2
    assert [c.patient_email for c in report.raises] == ["alice@example.com"]
    raise_ = report.raises[0]
    assert (raise_.old_triage, raise_.new_triage) == ("self_care", "urgent")
    assert "cancer" in raise_.reason or "weight" in raise_.reason
    new = AssessmentRecord.objects.get(retriaged_from=old)
    assert new.knowledge_base == knowledge_base_version()
    assert new.triage == "urgent" and new.raised_by_retriage
    assert new.intake == AssessmentRecord.objects.get(pk=old.pk).intake
    queue = access_queue(bob, purpose="queue.read").episodes
    assert queue[0].latest_assessment_id == new.pk, "the raise is at the top of the queue"
    # The unchanged patient was re-run too (her latest is now under the new version) but
    # is not listed as a change.
    assert AssessmentRecord.objects.get(retriaged_from=calm).knowledge_base == new.knowledge_base
    assert all(c.patient_email != "carol@example.com" for c in report.changes)


def test_the_queue_page_shows_the_raise_and_its_reason(alice: Any, bob: Any) -> None:
    from tests.web.conftest import _client_for

    old = _record(alice, URGENT)
    _as_made_by_old_rules(old, triage="routine")
    retriage(workers=1)
    client: Client = _client_for(bob)
    page = client.get("/clinic/queue/").content.decode()
    assert "Raised by the knowledge-base update" in page
    assert "routine -&gt; urgent" in page or "routine -> urgent" in page


def test_a_second_run_changes_nothing(alice: Any) -> None:
    old = _record(alice, URGENT)
    _as_made_by_old_rules(old, triage="self_care")
    first = retriage(workers=1)
    count = AssessmentRecord.objects.count()

    second = retriage(workers=1)

    assert first.rerun == 1
    assert (second.latest, second.rerun, second.changes) == (0, 0, [])
    assert AssessmentRecord.objects.count() == count


def test_a_patient_who_answered_again_keeps_her_new_answer(alice: Any) -> None:
    old = _record(alice, URGENT)
    _as_made_by_old_rules(old, triage="self_care")
    stored = _load([(old.pk, alice.pk)])
    plans = [
        actions.RetriagePlan(
            old=stored[0],
            assessment_json=json.dumps(old.assessment),
            knowledge_base=knowledge_base_version(),
            triage="urgent",
            current_triage="urgent",
            raised=True,
            reason="test",
        )
    ]
    _record(alice, DESK_WORKER)  # she answers again while the run is under way

    written = actions.record_retriage(plans=plans)

    assert written == []
    assert not AssessmentRecord.objects.filter(retriaged_from=old).exists()


def test_a_clinicians_raise_is_never_lowered_by_a_rerun(alice: Any, bob: Any) -> None:
    record = _record(alice, DESK_WORKER)
    actions.override_assessment(record=record, author=bob, new_triage="soon", reason="exam")
    _as_made_by_old_rules(record)

    report = retriage(workers=1)

    new = AssessmentRecord.objects.get(retriaged_from=record)
    assert new.current_triage == "soon", "the clinician's decision stands"
    assert report.changes == []


def test_worker_processes_give_the_same_answers(alice: Any, carol: Any) -> None:
    for patient, intake in ((alice, URGENT), (carol, DESK_WORKER)):
        _as_made_by_old_rules(_record(patient, intake), triage="self_care")

    report = retriage(workers=2, batch_size=1)

    assert report.rerun == 2
    assert [c.patient_email for c in report.raises] == ["alice@example.com"]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = upperback(argv)
    except SystemExit as exit_:  # argparse's refusal
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_command_lists_the_raise_and_draws_progress(
    alice: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _record(alice, URGENT)
    _as_made_by_old_rules(old, triage="self_care")

    code, out, err = run_cli(["retriage", "--workers", "1"], capsys)

    assert code == 0
    assert "1 triage changes (1 raised)" in out
    assert "RAISED\talice@example.com\tself_care -> urgent" in out
    assert "retriage" in err and "intake" in err  # tqdm's bar on stderr


def test_the_command_names_a_bad_workers_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["retriage", "--workers", "0"], capsys)
    assert code == 2 and "--workers: must be 1 or more, not 0" in err


def test_an_intake_the_new_rules_cannot_read_is_reported(alice: Any) -> None:
    old = _record(alice, DESK_WORKER)
    intake = dict(old.intake, age="not a number")
    AssessmentRecord.objects.filter(pk=old.pk).update(intake=intake, knowledge_base=OLD_VERSION)

    report = retriage(workers=1)

    assert report.rerun == 0
    assert report.failed and report.failed[0][:2] == ("alice@example.com", old.pk)
    assert json.dumps(report.failed)  # plain data, printable


def test_an_emergency_stays_above_a_raise_and_a_reviewed_raise_takes_its_place(
    alice: Any, carol: Any, bob: Any
) -> None:
    tearing = {**DESK_WORKER["pain"], "character": ["tearing_or_ripping"], "onset": "sudden"}
    emergency = _record(carol, {**DESK_WORKER, "pain": tearing})
    dora = actions.create_patient(email="dora@example.com", password="correct-horse-battery-9")
    waiting = _record(dora, URGENT)  # urgent, and waiting longer than the raise
    old = _record(alice, URGENT)
    _as_made_by_old_rules(old, triage="self_care")
    retriage(workers=1)
    raised = AssessmentRecord.objects.get(retriaged_from=old)
    assert emergency.triage == "emergency" and raised.current_triage == "urgent"

    assert [e.latest_assessment_id for e in access_queue(bob, purpose="t").episodes] == [
        emergency.pk,
        raised.pk,
        waiting.pk,
    ]

    actions.override_assessment(record=raised, author=bob, new_triage="urgent", reason="seen")

    assert [e.latest_assessment_id for e in access_queue(bob, purpose="t").episodes] == [
        emergency.pk,
        waiting.pk,
        raised.pk,
    ]
