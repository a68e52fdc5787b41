"""The warm pool: children started and set up ahead, the same limits as a cold child, one
job at a time, retired after `max_jobs` jobs or at once after any failure."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from upperback.vision.errors import RetakeError, VisionError
from upperback.vision.isolated import Limits, run_isolated
from upperback.vision.pool import WarmPool

TARGETS = "tests.vision.isolated_targets"
SMALL = Limits(memory_bytes=768 * 1024 * 1024, seconds=60)


@pytest.fixture
def pool() -> Iterator[WarmPool]:
    warm = WarmPool(SMALL, setup=f"{TARGETS}:warm_up", max_jobs=3)
    yield warm
    warm.close()


def _run(pool: WarmPool, name: str, **kwargs: object) -> object:
    return pool.run(f"{TARGETS}:{name}", kwargs)


def _code(pool: WarmPool, name: str, **kwargs: object) -> str:
    with pytest.raises(VisionError) as caught:
        _run(pool, name, **kwargs)
    return caught.value.code


def test_a_job_runs_in_a_child_that_was_set_up_before_it(pool: WarmPool) -> None:
    pid = _run(pool, "my_pid")
    assert pid != os.getpid()
    assert _run(pool, "warmed_here") == [pid]  # the same child, set up once, before its jobs
    assert _run(pool, "answer", value=21) == {"double": 42}


def test_a_child_is_retired_after_max_jobs_and_replaced(pool: WarmPool) -> None:
    pids = [_run(pool, "my_pid") for _ in range(7)]
    assert pids[0] == pids[1] == pids[2] and pids[3] == pids[4] == pids[5]
    assert len(set(pids)) == 3 and pool.started == 3


def test_progress_reaches_the_caller(pool: WarmPool) -> None:
    seen: list[tuple[int, int]] = []
    assert pool.run(f"{TARGETS}:count", {"n": 4}, progress=lambda d, t: seen.append((d, t))) == 4
    assert seen[-1] == (4, 4)


@pytest.mark.parametrize(
    ("name", "kwargs", "code"),
    [
        ("segfault", {}, "analysis_crashed"),
        ("allocate", {"megabytes": 2048}, "analysis_out_of_memory"),
        ("broken", {}, "analysis_failed"),
    ],
)
def test_any_failure_retires_the_child_and_the_next_job_gets_a_fresh_one(
    pool: WarmPool, name: str, kwargs: dict[str, object], code: str
) -> None:
    before = _run(pool, "my_pid")
    assert _code(pool, name, **kwargs) == code
    after = _run(pool, "my_pid")
    assert after != before


def test_a_vision_error_keeps_its_class_and_retires_the_child(pool: WarmPool) -> None:
    before = _run(pool, "my_pid")
    with pytest.raises(RetakeError) as caught:
        _run(pool, "retake")
    assert caught.value.code == "two_people" and _run(pool, "my_pid") != before


def test_a_job_past_its_time_is_killed_and_the_pool_goes_on() -> None:
    warm = WarmPool(Limits(memory_bytes=SMALL.memory_bytes, seconds=1.0), max_jobs=5)
    try:
        started = time.monotonic()
        assert _code(warm, "sleep", seconds=30) == "analysis_timed_out"
        assert time.monotonic() - started < 15
        assert _run(warm, "answer", value=1) == {"double": 2}
    finally:
        warm.close()


def test_a_set_up_that_fails_fails_the_job_not_the_caller() -> None:
    warm = WarmPool(SMALL, setup=f"{TARGETS}:failing_warm_up")
    try:
        assert _code(warm, "answer", value=1) == "analysis_crashed"
    finally:
        warm.close()


@pytest.mark.slow
def test_a_warm_photo_analysis_gives_the_cold_answer_faster(shared_data: Path) -> None:
    from upperback.web.media.analysis import photo_job

    def kwargs() -> dict[str, object]:
        out = tempfile.mkdtemp()
        path = str(shared_data / "photos/markers_side.jpg")
        return {"path": path, "view": "side", "points": {}, "out": out}

    cold_started = time.monotonic()
    cold = run_isolated(photo_job, kwargs(), Limits())
    cold_s = time.monotonic() - cold_started
    warm_pool = WarmPool(Limits(), setup="upperback.vision.photo:warm_up")
    try:
        warm_pool.run(photo_job, kwargs())  # waits for the warm-up
        warm_started = time.monotonic()
        warm = warm_pool.run(photo_job, kwargs())
        warm_s = time.monotonic() - warm_started
    finally:
        warm_pool.close()
    assert warm["result"] == cold["result"]
    assert warm_s < cold_s  # the figures themselves: make bench (docs/benchmarks.md)
