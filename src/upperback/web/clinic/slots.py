"""Free slots: working hours minus closures, time off and booked appointments.

Working hours are wall-clock times in the location's zone. Each day's window is resolved to
real instants with zoneinfo, and slots tile that window in UTC, so a 30-minute slot lasts 30
real minutes on the days the clocks change (aware arithmetic inside one zone is wall-clock
arithmetic in Python, which would stretch or shrink slots across the change).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from .models import (
    CELL,
    Appointment,
    AppointmentType,
    Clinician,
    Closure,
    Location,
    Status,
    TimeOff,
    WorkingHours,
)

UTC = dt.UTC
# Statuses whose time is taken (cancelled and rescheduled appointments free their time).
OCCUPYING = (Status.BOOKED, Status.COMPLETED, Status.NO_SHOW)


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime
    clinician_id: int
    location_id: int
    appointment_type_id: int


class Busy:
    """A clinician's taken intervals, sorted by start, for fast overlap checks."""

    def __init__(self, intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> None:
        self._intervals = sorted(intervals)
        self._starts = [start for start, _ in self._intervals]
        # The longest interval bounds how far back an overlapping one can start.
        self._longest = max((end - start for start, end in self._intervals), default=CELL)

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        if not self._intervals:
            return False
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        return any(s < end and start < e for s, e in self._intervals[first:last])


def local_dates(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> Iterator[dt.date]:
    """Every date in `zone` that [start, end) touches."""
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def working_window(
    day: dt.date, hours: WorkingHours, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """The real instants a wall-clock block covers on `day` (fold=0: the first occurrence)."""
    start = dt.datetime.combine(day, hours.starts, tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day, hours.ends, tzinfo=zone).astimezone(UTC)
    return start, end


def tile(start: dt.datetime, end: dt.datetime, length: dt.timedelta) -> Iterator[dt.datetime]:
    """Slot starts from `start`, one `length` apart, that end by `end` (UTC arithmetic)."""
    moment = start
    while moment + length <= end:
        yield moment
        moment += length


def _clinicians(
    appointment_type: AppointmentType, specialty: str | None, clinician_id: int | None
) -> list[Clinician]:
    query = Clinician.objects.filter(is_active=True, specialty__in=appointment_type.specialties)
    if specialty:
        query = query.filter(specialty=specialty)
    if clinician_id:
        query = query.filter(pk=clinician_id)
    return list(query)


def _busy(clinician_ids: list[int], start: dt.datetime, end: dt.datetime) -> dict[int, Busy]:
    taken: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    window = Q(starts_at__lt=end, ends_at__gt=start, clinician_id__in=clinician_ids)
    for row in Appointment.objects.filter(window, status__in=OCCUPYING).values_list(
        "clinician_id", "starts_at", "ends_at"
    ):
        taken[row[0]].append((row[1], row[2]))
    for row in TimeOff.objects.filter(window).values_list("clinician_id", "starts_at", "ends_at"):
        taken[row[0]].append((row[1], row[2]))
    return {cid: Busy(taken[cid]) for cid in clinician_ids}


def find_slots(
    *,
    appointment_type: AppointmentType,
    start: dt.datetime,
    end: dt.datetime,
    specialty: str | None = None,
    clinician_id: int | None = None,
    location: Location | None = None,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> list[Slot]:
    """Free slots of `appointment_type` starting in [start, end), earliest first.

    With a limit, the search widens from one day (x4 each time) and stops as soon as it has
    enough: the booking page wants the first dozen, not two months of slots.
    """
    start = max(start, now or timezone.now())
    clinicians = _clinicians(appointment_type, specialty, clinician_id)
    hours = list(WorkingHours.objects.filter(clinician__in=clinicians).select_related("location"))
    if location is not None:
        hours = [block for block in hours if block.location_id == location.pk]
    if limit is None:
        return _search(hours, appointment_type, start, end)
    window = dt.timedelta(days=1)
    while True:
        stop = min(end, start + window)
        found = _search(hours, appointment_type, start, stop)
        if len(found) >= limit or stop >= end:
            return found[:limit]
        window *= 4


def _search(
    hours: list[WorkingHours],
    appointment_type: AppointmentType,
    start: dt.datetime,
    end: dt.datetime,
) -> list[Slot]:
    ids = sorted({block.clinician_id for block in hours})
    # A slot starting just before `end` reaches past it: fetch what could overlap its tail.
    busy = _busy(ids, start, end + appointment_type.duration)
    closed = _closed({block.location_id for block in hours}, start, end)
    found: dict[tuple[dt.datetime, int], Slot] = {}
    for block in hours:
        blocks = _slots_in_block(block, appointment_type, start, end, busy[block.clinician_id])
        for slot in blocks:
            if (block.location_id, slot.starts_at.astimezone(block.location.zone).date()) in closed:
                continue  # a holiday or closure: that location offers nothing that day
            found[(slot.starts_at, slot.clinician_id)] = slot  # overlapping blocks: once
    return [found[key] for key in sorted(found)]


def _closed(
    location_ids: set[int], start: dt.datetime, end: dt.datetime
) -> set[tuple[int, dt.date]]:
    """(location, local date) of every closure the window touches (a day either side covers
    any zone's offset from UTC)."""
    rows = Closure.objects.filter(
        location_id__in=location_ids,
        date__gte=(start - dt.timedelta(days=1)).date(),
        date__lte=(end + dt.timedelta(days=1)).date(),
    ).values_list("location_id", "date")
    return set(rows)


def _slots_in_block(
    block: WorkingHours,
    appointment_type: AppointmentType,
    start: dt.datetime,
    end: dt.datetime,
    busy: Busy,
) -> Iterator[Slot]:
    zone = block.location.zone
    length = appointment_type.duration
    for day in local_dates(start, end, zone):
        if day.weekday() != block.weekday:
            continue
        window_start, window_end = working_window(day, block, zone)
        for moment in tile(window_start, window_end, length):
            if start <= moment < end and not busy.overlaps(moment, moment + length):
                yield Slot(
                    moment,
                    moment + length,
                    block.clinician_id,
                    block.location_id,
                    appointment_type.pk,
                )


def cells(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The 15-minute cells [start, end) covers; both must lie on the grid."""
    if (start.timestamp() % CELL.total_seconds()) or (end - start) % CELL:
        raise ValueError("appointments start and end on the quarter hour")
    return list(tile(start.astimezone(UTC), end.astimezone(UTC), CELL))
