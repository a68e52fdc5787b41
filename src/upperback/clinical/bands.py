"""Where a chart marks clinically important change: the escalation thresholds of the knowledge
base (escalation.yaml `thresholds`, Farrar 2001), the same ones `escalate` judges by. Pure."""

from __future__ import annotations

from upperback.clinical.knowledge import knowledge_base


def important_improvement(baseline_pain: float) -> float | None:
    """The pain (0-10) at or below which a reading is a clinically important improvement on
    `baseline_pain`: down by the threshold's points or its percent, whichever is reached
    first (the smaller drop). None when the baseline is already 0 (nothing to improve)."""
    limits = knowledge_base().escalation.thresholds
    if baseline_pain <= 0:
        return None
    drop = min(limits.nrs_points, baseline_pain * limits.nrs_percent / 100)
    return round(baseline_pain - drop, 2)
