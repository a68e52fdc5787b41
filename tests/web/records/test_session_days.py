"""Sessions per week on the chart: what each check-in counted, then the live coaching sessions
and camera checks that no check-in has counted yet; and a chart drawn once per inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from upperback.clinical import Intake
from upperback.web.care import charts
from upperback.web.care.checkins import camera_sessions
from upperback.web.media import actions as media_actions
from upperback.web.records import actions
from upperback.web.records.demo_intakes import DESK_WORKER

pytestmark = pytest.mark.django_db


def _live_set(patient: Any, key: str, exercise: str = "shoulder_rolls") -> None:
    media_actions.record_live_set(
        patient=patient,
        key=key,
        exercise_id=exercise,
        view="front",
        tracking_version="t",
        experimental=True,
        reps_browser=8,
        reps_server=8,
        details={},
    )


def test_check_in_sessions_and_uncounted_live_sessions_are_on_the_chart(alice: Any) -> None:
    today = timezone.localdate()
    week_ago = today - dt.timedelta(days=7)
    actions.add_progress(
        patient=alice,
        pain_now=4,
        recorded_on=week_ago,
        sessions={"shoulder_rolls": 3},
        camera_sessions={"shoulder_rolls": 1},
    )
    _live_set(alice, "after-the-check-in")
    entries = list(alice.progress.all())

    days = charts.session_days(alice, alice.pk, entries, [], purpose="test")

    assert days.count(week_ago) == 4, "3 reported and 1 camera check, counted at the check-in"
    assert days.count(today) == 1, "the live session after it, not yet counted by a check-in"


def test_a_live_session_counts_as_a_session_at_the_next_check_in(alice: Any) -> None:
    _live_set(alice, "one")
    _live_set(alice, "two", exercise="lat_pullover")
    today = timezone.localdate()

    counted = camera_sessions(alice, alice.pk, ["shoulder_rolls"], None, today)

    assert counted == {"shoulder_rolls": 1}, "only the plan's exercises count"


def test_a_chart_is_drawn_once_for_the_same_inputs(alice: Any) -> None:
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(DESK_WORKER))
    actions.add_progress(patient=alice, pain_now=3)
    entries = list(alice.progress.all())
    charts._DRAWN.clear()
    with mock.patch.object(charts.reports, "pain_chart", wraps=charts.reports.pain_chart) as drawn:
        first = charts.pain_chart(record, entries)
        second = charts.pain_chart(record, entries)
        assert first is not None and second is not None
        assert first.svg() == second.svg()
        assert drawn.call_count == 1
        actions.add_progress(patient=alice, pain_now=2, recorded_on=timezone.localdate())
        third = charts.pain_chart(record, list(alice.progress.all()))
        assert third is not None and third.svg() != first.svg()
        assert drawn.call_count == 2, "a new reading draws afresh"
