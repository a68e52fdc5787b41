"""The search page's day chooser: the window a week at a time, each day with its number of
free times, and one chosen day's times grouped by clinician.

One slot search per page (a week of the window), grouped by the clinic's local date: the
day list and the chosen day's times come from the same search, so their counts agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from .models import AppointmentType, Clinician, Location
from .offers import present
from .slots import Slot, find_slots

PAGE_DAYS = 7


@dataclass
class Day:
    date: dt.date
    count: int
    chosen: bool = False
    link: str = ""


@dataclass
class Week:
    """One page of the window: its days, the chosen day and that day's times by clinician."""

    days: list[Day]
    chosen: dt.date | None
    page: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)
    has_earlier: bool = False
    has_later_in_window: bool = False

    @property
    def total(self) -> int:
        return sum(day.count for day in self.days)


@dataclass(frozen=True)
class Window:
    first_day: dt.date  # the clinic's local date the window starts on
    days: int
    zone: ZoneInfo

    @property
    def pages(self) -> int:
        return max(1, -(-self.days // PAGE_DAYS))

    def page_days(self, page: int) -> list[dt.date]:
        start = page * PAGE_DAYS
        stop = min(start + PAGE_DAYS, self.days)
        return [self.first_day + dt.timedelta(days=n) for n in range(start, stop)]

    def midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.zone)


def week(
    *,
    visit_type: AppointmentType,
    specialty: str,
    window: Window,
    page: int,
    day: dt.date | None,
    now: dt.datetime,
    clinician: Clinician | None = None,
    location: Location | None = None,
) -> Week:
    page = min(max(page, 0), window.pages - 1)
    dates = window.page_days(page)
    slots = find_slots(
        appointment_type=visit_type,
        specialty=specialty,
        start=window.midnight(dates[0]),
        end=window.midnight(dates[-1] + dt.timedelta(days=1)),
        now=now,
        clinician_id=clinician.pk if clinician else None,
        location=location,
    )
    by_day: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_day[slot.starts_at.astimezone(window.zone).date()].append(slot)
    chosen = _chosen(dates, by_day, day)
    return Week(
        days=[Day(date, len(by_day[date]), date == chosen) for date in dates],
        chosen=chosen,
        page=page,
        groups=by_clinician(present(by_day[chosen])) if chosen else [],
        has_earlier=page > 0,
        has_later_in_window=page < window.pages - 1,
    )


def _chosen(
    dates: list[dt.date], by_day: dict[dt.date, list[Slot]], wanted: dt.date | None
) -> dt.date | None:
    """The day asked for if it has free times, else the page's first day that has some."""
    if wanted in dates and by_day.get(wanted):
        return wanted
    return next((date for date in dates if by_day.get(date)), None)


def by_clinician(shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Presented slots grouped by clinician and place, each group earliest first."""
    groups: dict[tuple[int, int], dict[str, Any]] = {}
    for item in shown:
        key = (item["clinician"].pk, item["location"].pk)
        group = groups.setdefault(
            key, {"clinician": item["clinician"], "location": item["location"], "slots": []}
        )
        group["slots"].append(item)
    return sorted(groups.values(), key=lambda g: (g["clinician"].name, g["location"].name))
