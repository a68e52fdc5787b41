"""The chart's band of clinically important improvement is the knowledge base's threshold:
2 points or 30% less pain (Farrar 2001), whichever is the smaller drop."""

from __future__ import annotations

import pytest

from upperback.clinical import important_improvement


@pytest.mark.parametrize(
    ("baseline", "top"),
    [(10, 8), (7, 5), (6, 4.2), (4, 2.8), (1, 0.7)],
)
def test_the_band_top_is_the_smaller_drop_of_2_points_or_30_percent(
    baseline: int, top: float
) -> None:
    assert important_improvement(baseline) == pytest.approx(top)


def test_no_band_when_there_is_no_pain_to_improve() -> None:
    assert important_improvement(0) is None
