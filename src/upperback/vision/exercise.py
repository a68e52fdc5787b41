"""Analyse an exercise video: count repetitions, measure each, and spot form faults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from upperback.vision.errors import RetakeError
from upperback.vision.faults import FaultEpisode, detect_faults
from upperback.vision.file_checks import check_video
from upperback.vision.parallel import track_any
from upperback.vision.reps import Repetition, count_repetitions, interpolate_gaps, smooth
from upperback.vision.signals import Series, signal_series
from upperback.vision.texts import Text, fault_code
from upperback.vision.tracking_spec import ExerciseTracking, View, load_library
from upperback.vision.video import SAMPLE_FPS, OnProgress, Track

# A clip where the person is found in fewer frames than this is not worth counting.
MIN_PERSON_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class ExerciseReport:
    spec: ExerciseTracking
    view: View
    times: tuple[float, ...]
    signal: tuple[float | None, ...]
    smoothed: tuple[float | None, ...]
    repetitions: tuple[Repetition, ...]
    faults: tuple[FaultEpisode, ...]
    duration_s: float

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.spec.id,
            "view": self.view,
            "signal": self.spec.signal.description,
            "unit": self.spec.signal.unit,
            "duration_s": round(self.duration_s, 2),
            "repetitions": len(self.repetitions),
            "per_repetition": [_repetition_json(r) for r in self.repetitions],
            "faults": [_fault_json(self.spec.id, f) for f in self.faults],
        }


def _repetition_json(rep: Repetition) -> dict[str, Any]:
    return {
        "number": rep.number,
        "start_s": round(rep.start_s, 2),
        "top_s": round(rep.top_s, 2),
        "end_s": round(rep.end_s, 2),
        "range_of_motion": round(rep.range_of_motion, 3),
        "rest_value": round(rep.rest_value, 3),
        "top_value": round(rep.top_value, 3),
        "up_s": round(rep.up_s, 2),
        "down_s": round(rep.down_s, 2),
    }


def _fault_json(exercise_id: str, fault: FaultEpisode) -> dict[str, Any]:
    return {
        "id": fault.rule_id,
        "message": fault.message,  # English, for the command line
        "message_code": Text(fault_code(exercise_id, fault.rule_id)).to_json(),
        "start_s": round(fault.start_s, 2),
        "end_s": round(fault.end_s, 2),
        "worst": round(fault.worst, 3),
    }


def choose_view(spec: ExerciseTracking, view: View | None) -> View:
    if view is None:
        return spec.views[0]
    if view not in spec.views:
        raise RetakeError("wrong_view", exercise=spec.name.en, views=list(spec.views))
    return view


def smoothing_window(sample_fps: float) -> int:
    from upperback.vision.reps import SMOOTHING_S

    return max(1, round(SMOOTHING_S * sample_fps) | 1)  # odd, so it is centred


def analyse_track(track: Track, spec: ExerciseTracking, view: View) -> ExerciseReport:
    seen_share = sum(f.pose is not None for f in track.frames) / len(track.frames)
    if seen_share < MIN_PERSON_SHARE:
        raise RetakeError("no_person_most_frames")
    times = [f.time_s for f in track.frames]
    raw: Series = signal_series(spec.signal, track.frames, view)
    smoothed = smooth(interpolate_gaps(raw, times), smoothing_window(track.sample_fps))
    reps = count_repetitions(
        smoothed, times, rest=spec.rest, top=spec.top, min_repetition_s=spec.min_repetition_s
    )
    return ExerciseReport(
        spec=spec,
        view=view,
        times=tuple(times),
        signal=tuple(raw),
        smoothed=tuple(smoothed),
        repetitions=tuple(reps),
        faults=tuple(detect_faults(spec.faults, track.frames, view)),
        duration_s=track.info.duration_s,
    )


def analyse_exercise(
    path: Path,
    exercise_id: str,
    *,
    view: View | None = None,
    progress: OnProgress | None = None,
    sample_fps: float = SAMPLE_FPS,
    segments: int | None = None,
) -> tuple[ExerciseReport, Track]:
    """`segments`: how many child processes track the video at once (None: one per core for
    a long video, this process for a short one; see parallel.py)."""
    spec = load_library().get(exercise_id)
    chosen = choose_view(spec, view)
    check_video(path)
    track = track_any(path, sample_fps=sample_fps, progress=progress, segments=segments)
    return analyse_track(track, spec, chosen), track
