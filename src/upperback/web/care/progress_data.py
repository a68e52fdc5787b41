"""Plain data for the progress charts and the report: exercise sessions done against the plan,
week by week (ISO weeks), read through the audited door. No ORM objects leave this module."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from upperback.web.records.access import access_progress


class WeekSessions(TypedDict):
    week: str  # ISO week, "2026-W45"
    starts_on: dt.date  # its Monday
    done: int  # sessions reported plus camera checks, all exercises
    planned: int  # the plan's sessions for the week, all exercises
    by_exercise: dict[str, dict[str, int]]  # id -> {"done": n, "planned": n}


def _planned(changes: list[dict[str, Any]]) -> dict[str, int]:
    return {change["exercise"]: int(change["planned_per_week"]) for change in changes}


def sessions_by_week(user: Any, patient_id: Any) -> list[WeekSessions]:
    """Sessions done and planned for each ISO week with a check-in, oldest first."""
    weeks: dict[tuple[int, int], WeekSessions] = {}
    for entry in access_progress(user, patient_id, purpose="progress.data"):
        year, week, weekday = entry.recorded_on.isocalendar()
        row = weeks.setdefault(
            (year, week),
            {
                "week": f"{year}-W{week:02d}",
                "starts_on": entry.recorded_on - dt.timedelta(days=weekday - 1),
                "done": 0,
                "planned": 0,
                "by_exercise": {},
            },
        )
        planned = _planned(entry.dosage_changes)
        for exercise in {*planned, *entry.sessions_done()}:
            cell = row["by_exercise"].setdefault(exercise, {"done": 0, "planned": 0})
            cell["done"] += entry.sessions_done().get(exercise, 0)
            cell["planned"] = max(cell["planned"], planned.get(exercise, 0))
        row["done"] = sum(cell["done"] for cell in row["by_exercise"].values())
        row["planned"] = sum(cell["planned"] for cell in row["by_exercise"].values())
    return [weeks[key] for key in sorted(weeks)]
