"""The analysis runs in a child process: a crash, an out-of-memory, a time-out or any other
error becomes a VisionError with a stable code, and the caller (the worker) lives on with its
memory untouched."""

from __future__ import annotations

import resource
import time

import pytest

from upperback.vision.errors import RetakeError, VisionError
from upperback.vision.isolated import DEFAULT_MEMORY_BYTES, Limits, run_isolated

TARGETS = "tests.vision.isolated_targets"
SMALL = Limits(memory_bytes=768 * 1024 * 1024, seconds=60)


def _run(name: str, limits: Limits = SMALL, **kwargs: object) -> object:
    return run_isolated(f"{TARGETS}:{name}", kwargs, limits)


def _code(name: str, limits: Limits = SMALL, **kwargs: object) -> str:
    with pytest.raises(VisionError) as caught:
        _run(name, limits, **kwargs)
    return caught.value.code


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_result_comes_back_as_json() -> None:
    assert _run("answer", value=21) == {"double": 42}


def test_progress_reports_reach_the_caller() -> None:
    seen: list[tuple[int, int]] = []
    result = run_isolated(
        f"{TARGETS}:count", {"n": 5}, SMALL, progress=lambda d, t: seen.append((d, t))
    )
    assert result == 5
    assert seen[-1] == (5, 5) and len(seen) == 5


def test_more_memory_than_the_limit_is_an_out_of_memory_error_not_the_callers() -> None:
    before = _peak_rss_mb()
    assert _code("allocate", megabytes=1500) == "analysis_out_of_memory"
    assert _peak_rss_mb() - before < 100  # the caller never held the gigabytes


def test_the_padded_square_that_once_crashed_mediapipe_is_refused_by_the_limit() -> None:
    """2.7 GB for OpenCV: its allocation fails inside the child, which says so."""
    assert _code("pad_a_strip_to_a_square", Limits(DEFAULT_MEMORY_BYTES, 60)) == (
        "analysis_out_of_memory"
    )


def test_a_segfault_fails_the_analysis_and_the_caller_goes_on() -> None:
    assert _code("segfault") == "analysis_crashed"
    assert _run("answer", value=1) == {"double": 2}


def test_an_analysis_past_its_time_is_killed() -> None:
    started = time.monotonic()
    with pytest.raises(VisionError) as caught:
        _run("sleep", Limits(SMALL.memory_bytes, seconds=2), seconds=60)
    assert caught.value.code == "analysis_timed_out"
    assert caught.value.params == {"seconds": 2}
    assert time.monotonic() - started < 15


def test_a_vision_error_keeps_its_class_code_and_file() -> None:
    with pytest.raises(RetakeError) as caught:
        _run("retake")
    assert caught.value.code == "two_people" and caught.value.file == "group.jpg"


def test_any_other_exception_is_an_analysis_failure() -> None:
    assert _code("broken") == "analysis_failed"
