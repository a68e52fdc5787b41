"""The repetition counter on made-up signals: hysteresis, minimum time, the ready check."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from upperback.vision.reps import count_repetitions, interpolate_gaps, smooth
from upperback.vision.tracking_spec import Zone

REST = Zone(above=100)  # an elbow angle: straight arm at rest
TOP = Zone(below=70)  # bent at the top of a curl
FPS = 15.0


def _times(n: int) -> list[float]:
    return [i / FPS for i in range(n)]


def _curls(count: int, period_s: float = 2.0, lead_s: float = 1.0) -> list[float | None]:
    """Elbow angle: 160 at rest, 40 at the top, `count` cosine repetitions after a still lead."""
    n = int((lead_s + count * period_s) * FPS)
    values: list[float | None] = []
    for i in range(n):
        t = i / FPS - lead_s
        phase = 0.0 if t < 0 else (1 - math.cos(2 * math.pi * t / period_s)) / 2
        values.append(160 - 120 * phase)
    return values


def _count(values: list[float | None], min_s: float = 0.8) -> int:
    times = _times(len(values))
    return len(count_repetitions(values, times, rest=REST, top=TOP, min_repetition_s=min_s))


def test_it_counts_clean_repetitions() -> None:
    assert _count(_curls(5)) == 5


def test_jitter_around_one_threshold_is_not_counted_twice() -> None:
    values = _curls(1)
    top = min(range(len(values)), key=lambda i: values[i] or 0)
    # bounce across the top threshold without returning to rest
    for offset in range(1, 6):
        values[top + offset] = 72.0 if offset % 2 else 65.0
    assert _count(values) == 1


def test_repetitions_faster_than_the_minimum_time_are_not_counted() -> None:
    assert _count(_curls(6, period_s=0.6), min_s=1.0) < 6


def test_a_clip_starting_at_the_top_does_not_count_until_ready() -> None:
    values = [40.0] * 10 + _curls(2)  # held at the top first: not ready
    assert _count(values) == 2


def test_repetitions_report_range_of_motion_and_tempo() -> None:
    values = _curls(2)
    reps = count_repetitions(values, _times(len(values)), rest=REST, top=TOP, min_repetition_s=0.8)
    assert [r.number for r in reps] == [1, 2]
    for rep in reps:
        assert 100 < rep.range_of_motion <= 120
        assert rep.up_s > 0 and rep.down_s > 0


def test_short_gaps_are_bridged_and_single_spikes_removed() -> None:
    values: list[float | None] = [100.0, None, None, 106.0, 300.0, 106.0, 106.0]
    filled = interpolate_gaps(values, _times(len(values)))
    assert filled[1] == 102.0 and filled[2] == 104.0
    smoothed = smooth(filled, 1)
    assert smoothed[4] == 106.0


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=8), st.floats(min_value=1.2, max_value=3.0))
def test_the_count_matches_the_repetitions_made(count: int, period: float) -> None:
    assert _count(_curls(count, period_s=period)) == count
