"""Counting repetitions: smoothing, then a hysteresis state machine with a ready check.

A repetition is counted when the smoothed signal passes from outside into the top zone, at
least `min_repetition_s` after the previous one; it must then come back to the rest zone
before the next can count (the hysteresis). Counting starts only once the person has been
seen outside the top zone for READY_S (the "ready" check): a clip that starts at the top of a
movement, or a title card the model misreads as a person at the top, does not count. A clip
that starts on the way up does count that first repetition, as people counting by eye do.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from upperback.vision.tracking_spec import Zone

# Two consecutive samples at 15 fps. Longer holds were tried: the labelled lateral raise starts
# on the way up of its first repetition (counted by eye) and a 0.3 s hold missed it.
READY_S = 0.06
# Gaps the model misses (a blurred frame, the far arm hidden for an instant) are bridged when
# shorter than this; longer ones end the current state.
MAX_GAP_S = 0.5
SMOOTHING_S = 0.2


@dataclass(frozen=True, slots=True)
class Repetition:
    number: int
    start_s: float
    top_s: float
    end_s: float
    rest_value: float
    top_value: float
    top_index: int  # index into the sampled frames, for the contact sheet

    @property
    def range_of_motion(self) -> float:
        return abs(self.top_value - self.rest_value)

    @property
    def up_s(self) -> float:
        return self.top_s - self.start_s

    @property
    def down_s(self) -> float:
        return self.end_s - self.top_s


@dataclass(slots=True)
class _Machine:
    rest: Zone
    top: Zone
    min_repetition_s: float
    ready_since: float | None = None
    ready: bool = False
    in_top: bool = False
    last_rest_s: float = 0.0
    rest_extreme: float | None = None
    reps: list[Repetition] = field(default_factory=list)
    top_value: float = 0.0
    top_index: int = 0
    top_s: float = 0.0


def _more_extreme(zone: Zone, a: float, b: float) -> float:
    """The value deeper into `zone`: the larger for an `above` zone, the smaller otherwise."""
    return max(a, b) if zone.above is not None else min(a, b)


def interpolate_gaps(values: Sequence[float | None], times: Sequence[float]) -> list[float | None]:
    """Fill short runs of None linearly between their neighbours; long runs stay None."""
    filled = list(values)
    known = [i for i, v in enumerate(values) if v is not None]
    for a, b in itertools.pairwise(known):
        if b - a > 1 and times[b] - times[a] <= MAX_GAP_S:
            va, vb = values[a], values[b]
            assert va is not None and vb is not None
            for i in range(a + 1, b):
                share = (times[i] - times[a]) / (times[b] - times[a])
                filled[i] = va + (vb - va) * share
    return filled


def smooth(values: Sequence[float | None], window: int) -> list[float | None]:
    """A median of 3 (kills single-frame spikes) then a centred moving mean of `window`."""
    medianed: list[float | None] = []
    for i, value in enumerate(values):
        around = [v for v in values[max(0, i - 1) : i + 2] if v is not None]
        medianed.append(None if value is None else statistics.median(around))
    half = window // 2
    meaned: list[float | None] = []
    for i, value in enumerate(medianed):
        around = [v for v in medianed[max(0, i - half) : i + half + 1] if v is not None]
        meaned.append(None if value is None else sum(around) / len(around))
    return meaned


def _step(machine: _Machine, index: int, time_s: float, value: float) -> None:
    if not machine.ready:
        if machine.top.contains(value):
            machine.ready_since = None
            return
        machine.ready_since = time_s if machine.ready_since is None else machine.ready_since
        machine.ready = time_s - machine.ready_since >= READY_S
        machine.rest_extreme = value
        machine.last_rest_s = time_s
        return
    if machine.in_top:
        _step_in_top(machine, index, time_s, value)
    else:
        _step_at_rest(machine, index, time_s, value)


def _step_at_rest(machine: _Machine, index: int, time_s: float, value: float) -> None:
    if not machine.top.contains(value):
        if machine.rest.contains(value):  # tempo runs from the last moment at rest
            machine.last_rest_s = time_s
        base = machine.rest_extreme
        machine.rest_extreme = value if base is None else _more_extreme(machine.rest, base, value)
        return
    previous_top = machine.reps[-1].top_s if machine.reps else None
    too_soon = previous_top is not None and time_s - previous_top < machine.min_repetition_s
    if not too_soon:
        machine.in_top = True
        machine.top_value, machine.top_index, machine.top_s = value, index, time_s


def _step_in_top(machine: _Machine, index: int, time_s: float, value: float) -> None:
    if _more_extreme(machine.top, machine.top_value, value) == value and value != machine.top_value:
        machine.top_value, machine.top_index, machine.top_s = value, index, time_s
    if machine.rest.contains(value):
        _close(machine, end_s=time_s)
        machine.rest_extreme = value
        machine.last_rest_s = time_s


def _close(machine: _Machine, end_s: float) -> None:
    rest_value = machine.rest_extreme if machine.rest_extreme is not None else machine.top_value
    machine.reps.append(
        Repetition(
            number=len(machine.reps) + 1,
            start_s=machine.last_rest_s,
            top_s=machine.top_s,
            end_s=end_s,
            rest_value=rest_value,
            top_value=machine.top_value,
            top_index=machine.top_index,
        )
    )
    machine.in_top = False


def count_repetitions(
    values: Sequence[float | None],
    times: Sequence[float],
    *,
    rest: Zone,
    top: Zone,
    min_repetition_s: float,
) -> list[Repetition]:
    """Repetitions in an already smoothed signal. A final one that reached the top counts."""
    machine = _Machine(rest=rest, top=top, min_repetition_s=min_repetition_s)
    for index, (time_s, value) in enumerate(zip(times, values, strict=True)):
        if value is not None:
            _step(machine, index, time_s, value)
    if machine.in_top:
        _close(machine, end_s=times[-1])
    return machine.reps
