"""Properties of the slot arithmetic over every day of two years in Los Angeles, clock
changes included: slots last their real length, never overlap, and fill the real window."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from upperback.web.clinic.models import WorkingHours
from upperback.web.clinic.slots import Busy, tile, working_window

from .conftest import LA

days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31))
quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: dt.time(q // 4, (q % 4) * 15))
lengths = st.sampled_from([15, 30, 45, 60, 90]).map(lambda m: dt.timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(day=days, first=quarter_hours, last=quarter_hours, length=lengths)
def test_slots_tile_the_real_window_exactly(
    day: dt.date, first: dt.time, last: dt.time, length: dt.timedelta
) -> None:
    if last <= first:
        first, last = last, first
    block = WorkingHours(weekday=day.weekday(), starts=first, ends=last)
    start, end = working_window(day, block, LA)
    slots = list(tile(start, end, length))
    assert len(slots) == max((end - start) // length, 0)
    assert all(b - a == length for a, b in pairwise(slots))
    assert all(start <= s and s + length <= end for s in slots)
    assert len({s.astimezone(dt.UTC) for s in slots}) == len(slots)


@settings(max_examples=200, deadline=None)
@given(
    taken=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 12)), max_size=8),
    probe=st.tuples(st.integers(0, 200), st.integers(1, 12)),
)
def test_busy_overlap_agrees_with_the_definition(
    taken: list[tuple[int, int]], probe: tuple[int, int]
) -> None:
    base = dt.datetime(2026, 3, 8, tzinfo=dt.UTC)
    cell = dt.timedelta(minutes=15)

    def interval(at: int, cells: int) -> tuple[dt.datetime, dt.datetime]:
        return base + at * cell, base + (at + cells) * cell

    intervals = [interval(*t) for t in taken]
    start, end = interval(*probe)
    expected = any(s < end and start < e for s, e in intervals)
    assert Busy(intervals).overlaps(start, end) is expected
