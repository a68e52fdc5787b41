"""The result page's words for a likely source and its phase dates (issue 11, items 3 and 4)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import translation
from tests.clinical.vignettes import desk_strain

from upperback.clinical import assess
from upperback.web.records.presenting import (
    POSSIBLE_FROM,
    SourceList,
    current_phase,
    likelihood,
    phases,
)


def test_a_score_is_worded_by_where_it_stands_never_as_a_percentage() -> None:
    with translation.override("en"):
        assert likelihood(1.0, top=1.0) == "Most likely"
        assert likelihood(0.3, top=0.3) == "Most likely"  # the leading source, however low
        assert likelihood(POSSIBLE_FROM, top=1.0) == "Possible"
        assert likelihood(POSSIBLE_FROM - 0.01, top=1.0) == "Less likely"
    with translation.override("es"):
        assert likelihood(1.0, top=1.0) == "Más probable"


def test_each_phase_is_reviewed_after_the_previous_one() -> None:
    assessment = assess(desk_strain())
    start = dt.date(2026, 11, 27)
    plan = phases(assessment, start, SourceList())
    assert len(plan) >= 2
    first_days = max(s.review_after_days for s in assessment.plan if s.phase == plan[0]["number"])
    assert plan[0]["review_on"] == start + dt.timedelta(days=first_days)
    for before, after in itertools.pairwise(plan):
        assert after["starts_on"] == before["review_on"] < after["review_on"]
    assert current_phase(plan, today=start) == plan[0]["number"]
    assert current_phase(plan, today=plan[0]["review_on"]) == plan[1]["number"]
    assert current_phase(plan, today=plan[-1]["review_on"]) == plan[-1]["number"]
