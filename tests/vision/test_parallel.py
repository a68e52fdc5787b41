"""Issue 13: a video tracked in segments, one child process each, counts as one pass does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SHARED_DATA

from upperback.vision import parallel
from upperback.vision.errors import RetakeError, VisionError
from upperback.vision.exercise import analyse_exercise, analyse_track
from upperback.vision.isolated import Limits, run_isolated
from upperback.vision.parallel import (
    MIN_SPLIT_S,
    WARM_UP_S,
    frame_from_json,
    frame_json,
    lead_frames,
    plan_segments,
    segment_count,
    track_in_segments,
    tracking_child_setup,
)
from upperback.vision.tracking_spec import load_library
from upperback.vision.video import Segment, VideoInfo, sample_step


def _kept(info: VideoInfo, segments: list[Segment]) -> list[int]:
    step = sample_step(info.fps, 15.0)
    frames = []
    for s in segments:
        stop = info.frame_count if s.stop is None else s.stop
        frames += [i for i in range(s.warm_up_from, stop, step) if i >= s.start]
    return frames


WARM_UP_FRAMES = round(WARM_UP_S * 30.0 / 2) * 2  # in frames of a 30 fps video


@pytest.mark.parametrize("frames", [1, 2, 29, 300, 1801])
@pytest.mark.parametrize("parts", [1, 2, 3])
@pytest.mark.parametrize("lead", [0, 20])
def test_segments_keep_every_sampled_frame_once_and_in_order(
    frames: int, parts: int, lead: int
) -> None:
    info = VideoInfo(fps=30.0, frame_count=frames, width=10, height=10)
    segments = plan_segments(info, parts, lead=lead)
    assert _kept(info, segments) == list(range(0, frames, 2))
    for segment in segments:
        assert segment.start % 2 == 0 and segment.warm_up_from % 2 == 0
        assert segment.start - segment.warm_up_from <= WARM_UP_FRAMES
    late = [s for s in segments if s.start >= WARM_UP_FRAMES]
    assert all(s.start - s.warm_up_from == WARM_UP_FRAMES for s in late)


@pytest.mark.parametrize("parts", [2, 3, 4])
def test_the_segment_tracked_here_is_longer_by_the_warm_up_and_the_childs_start(
    parts: int,
) -> None:
    """Every process tracks as many frames, counting the children's start in frames."""
    info = VideoInfo(fps=30.0, frame_count=1800, width=10, height=10)
    lead = lead_frames()
    segments = plan_segments(info, parts, lead=lead)
    tracked = [len(range(s.warm_up_from, s.stop or 1800, 2)) for s in segments]
    work = [tracked[0], *(n + lead for n in tracked[1:])]
    assert len(segments) == parts
    assert max(work) - min(work) <= parts  # whole frames: within one frame a segment
    assert segments[0].warm_up_from == 0 and tracked[0] > tracked[1]


def test_a_segments_child_starts_without_matplotlib_and_this_process_keeps_it() -> None:
    import matplotlib

    target = "tests.vision.isolated_targets:matplotlib_here"
    assert run_isolated(target, {}, setup=tracking_child_setup) == "_NotLoaded"
    assert run_isolated(target, {}) != "_NotLoaded"  # only where asked for
    assert type(matplotlib).__name__ == "module"
    assert matplotlib.get_backend()  # still the real package here


def test_opencv_keeps_to_one_thread_where_the_model_runs(shared_data: Path) -> None:
    import cv2

    from upperback.vision import pose  # noqa: F401 - importing it sets OpenCV's threads
    from upperback.vision.video import open_decoder

    assert cv2.getNumThreads() == 1
    capture = open_decoder(shared_data / "videos/sample_bicep_curl.mp4")
    try:
        assert capture.isOpened()
        assert capture.get(cv2.CAP_PROP_N_THREADS) == 1
    finally:
        capture.release()


def test_a_short_clip_stays_in_one_process_and_a_long_one_is_split() -> None:
    short = VideoInfo(fps=30.0, frame_count=int(30 * (MIN_SPLIT_S - 1)), width=10, height=10)
    long = VideoInfo(fps=30.0, frame_count=30 * 60, width=10, height=10)
    assert segment_count(short) == 1
    assert segment_count(long) >= 1  # one per core: 2 on this machine
    assert segment_count(long, 3) == 3


def test_a_frame_crosses_the_process_boundary_unchanged(shared_data: Path, tracked: Any) -> None:
    track = tracked(shared_data / "videos/sample_bicep_curl.mp4")
    for frame in track.frames[:5]:
        assert frame_from_json(frame_json(frame)) == frame


pytestmark_slow = pytest.mark.slow


def _labelled_videos() -> list[str]:
    labels = json.loads((SHARED_DATA / "labels.json").read_text())
    return [entry["file"] for entry in labels["videos"]]


@pytestmark_slow
@pytest.mark.parametrize("video", _labelled_videos())
def test_two_segments_count_as_one_pass_on_every_labelled_video(
    video: str, shared_data: Path, labels: dict[str, Any], tracked: Any
) -> None:
    entry = next(e for e in labels["videos"] if e["file"] == video)
    path = shared_data / video
    spec = load_library().get(entry["exercise"])
    one = analyse_track(tracked(path), spec, entry["view"])
    two, track = analyse_exercise(path, entry["exercise"], view=entry["view"], segments=2)
    assert [f.index for f in track.frames] == [f.index for f in tracked(path).frames]
    assert len(two.repetitions) == len(one.repetitions)


@pytestmark_slow
def test_the_first_segment_is_tracked_here_and_only_the_others_start_a_child(
    shared_data: Path, tracked: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shared_data / "videos/lateral_raise_shoulder_dumbells_beginner_front_view.mp4"
    children: list[dict[str, Any]] = []
    real = parallel.run_isolated

    def counted(function: Any, kwargs: dict[str, Any], *args: Any, **options: Any) -> Any:
        children.append(kwargs)
        return real(function, kwargs, *args, **options)

    monkeypatch.setattr(parallel, "run_isolated", counted)
    plan = [Segment(0, 100, 0), Segment(100, 200, 84), Segment(200, None, 184)]
    track = track_in_segments(path, plan)
    assert [c["start"] for c in children] == [100, 200]
    assert [f.index for f in track.frames] == [f.index for f in tracked(path).frames]


@pytestmark_slow
def test_a_childs_failure_stops_the_segment_tracked_here(shared_data: Path) -> None:
    path = shared_data / "videos/lateral_raise_shoulder_dumbells_beginner_front_view.mp4"
    plan = [Segment(0, 330, 0), Segment(330, None, 314)]
    reports: list[tuple[int, int]] = []
    with pytest.raises(VisionError) as caught:
        track_in_segments(
            path, plan, limits=Limits(seconds=0.01), progress=lambda d, t: reports.append((d, t))
        )
    assert caught.value.code == "analysis_timed_out"
    done = max((d for d, _ in reports), default=0)
    assert done < 165 - 50  # of 165 frames here: the child's error stopped them early


@pytestmark_slow
def test_a_repetition_cut_in_two_is_counted_once(shared_data: Path, tracked: Any) -> None:
    """The cut falls on the top of each repetition in turn: same count, same tops."""
    path = shared_data / "videos/lateral_raise_shoulder_dumbells_beginner_front_view.mp4"
    spec = load_library().get("lateral_raise")
    one = analyse_track(tracked(path), spec, "front")
    for rep in one.repetitions[1:3]:
        cut = tracked(path).frames[rep.top_index].index
        plan = [Segment(0, cut, 0), Segment(cut, None, max(0, cut - WARM_UP_FRAMES))]
        two = analyse_track(track_in_segments(path, plan), spec, "front")
        assert len(two.repetitions) == len(one.repetitions)
        tops = [round(r.top_s, 1) for r in two.repetitions]
        assert tops == pytest.approx([round(r.top_s, 1) for r in one.repetitions], abs=0.15)


@pytestmark_slow
def test_a_segment_that_finds_nobody_stops_the_analysis_with_its_own_error(
    tmp_path: Path,
) -> None:
    import cv2
    import numpy as np

    path = tmp_path / "nobody.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (160, 120))
    for i in range(30 * 8):
        writer.write(np.full((120, 160, 3), i % 200, dtype=np.uint8))
    writer.release()
    plan = plan_segments(VideoInfo(30.0, 240, 160, 120), 2)
    with pytest.raises(RetakeError) as caught:
        track_in_segments(path, plan)
    assert caught.value.code == "no_person_video"


@pytestmark_slow
def test_segments_past_their_deadline_are_killed(shared_data: Path) -> None:
    path = shared_data / "videos/lateral_raise_shoulder_dumbells_beginner_front_view.mp4"
    plan = [Segment(0, 100, 0), Segment(100, None, 40)]
    with pytest.raises(VisionError) as caught:
        track_in_segments(path, plan, limits=Limits(seconds=0.5))
    assert caught.value.code == "analysis_timed_out"
