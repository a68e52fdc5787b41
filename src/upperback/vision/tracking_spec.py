"""The exercise tracking specs (clinical/kb/exercise_tracking.yaml), loaded and validated once.

The clinical engine's loader ignores this file; this one validates it with pydantic and, on a
mistake, names the file and the exercise.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from upperback.vision.errors import TrackingSpecError

SPEC_FILE = Path(__file__).resolve().parents[1] / "clinical" / "kb" / "exercise_tracking.yaml"

View = Literal["front", "side"]
SignalKind = Literal[
    "joint_angle", "height", "shoulder_elevation", "backward_travel", "forearm_rotation"
]
FaultMeasure = Literal["shoulder_elevation", "elbow_from_side", "trunk_angle_change"]
Part = Literal["nose", "ear", "shoulder", "elbow", "wrist", "hip", "knee"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Zone(Strict):
    """A band of the signal: above a value, below one, or between the two."""

    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _has_a_bound(self) -> Zone:
        if self.above is None and self.below is None:
            raise ValueError("a zone needs `above`, `below` or both")
        return self

    def contains(self, value: float) -> bool:
        over = self.above is None or value > self.above
        under = self.below is None or value < self.below
        return over and under


class Signal(Strict):
    kind: SignalKind
    # joint_angle: three parts, the angle is at the middle one; height/backward_travel: the
    # moving part, then the reference part; others name the parts they read, for the record.
    parts: tuple[Part, ...] = Field(min_length=1, max_length=3)
    unit: Literal["deg", "torso_lengths"]
    description: str

    @model_validator(mode="after")
    def _parts_fit_kind(self) -> Signal:
        wanted = {"joint_angle": 3, "height": 2, "backward_travel": 2}.get(self.kind)
        if wanted is not None and len(self.parts) != wanted:
            raise ValueError(f"a {self.kind} signal needs {wanted} parts")
        return self


class Name(Strict):
    """An exercise's name in each language the app speaks."""

    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def __str__(self) -> str:
        return self.en

    def __call__(self, language: str) -> str:
        return self.es if language.startswith("es") else self.en


class FaultRule(Strict):
    id: str
    measure: FaultMeasure
    above: float
    min_duration_s: float = Field(ge=0)
    message: str
    because: str


class ExerciseTracking(Strict):
    id: str
    name: Name
    views: tuple[View, ...] = Field(min_length=1)
    signal: Signal
    rest: Zone
    top: Zone
    min_repetition_s: float = Field(gt=0)
    faults: tuple[FaultRule, ...] = ()
    proven_on_real_people: bool
    source: str
    because: str

    @model_validator(mode="after")
    def _zones_apart(self) -> ExerciseTracking:
        # Hysteresis needs a gap: no value may lie in both zones at once.
        low = max(_low(self.rest), _low(self.top))
        high = min(_high(self.rest), _high(self.top))
        if low < high:
            raise ValueError("the rest and top zones overlap; hysteresis needs a gap")
        return self


def _low(zone: Zone) -> float:
    return -math.inf if zone.above is None else zone.above


def _high(zone: Zone) -> float:
    return math.inf if zone.below is None else zone.below


class TrackingLibrary(Strict):
    version: str
    exercises: tuple[ExerciseTracking, ...]

    def get(self, exercise_id: str) -> ExerciseTracking:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise TrackingSpecError("unknown_exercise", exercise=exercise_id, known=known)


def _exercise_label(raw: object, location: tuple[int | str, ...]) -> str:
    if len(location) >= 2 and location[0] == "exercises" and isinstance(raw, dict):
        entries = raw.get("exercises") or []
        index = location[1]
        if isinstance(index, int) and index < len(entries) and isinstance(entries[index], dict):
            return f"exercise {entries[index].get('id', f'#{index}')!r}"
    return "the file"


def parse_library(text: str, origin: Path) -> TrackingLibrary:
    """Validate the YAML text; an error names the file, the exercise and the rule broken."""
    raw = yaml.safe_load(text)
    try:
        library = TrackingLibrary.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = _exercise_label(raw, tuple(first["loc"]))
        field = ".".join(str(part) for part in first["loc"][2:]) or "-"
        detail = f"{where}, field {field}: {first['msg']}"
        raise TrackingSpecError("tracking_spec_invalid", file=origin.name, detail=detail) from None
    ids = [e.id for e in library.exercises]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        detail = f"exercise {duplicates[0]!r} is listed twice"
        raise TrackingSpecError("tracking_spec_invalid", file=origin.name, detail=detail)
    return library


@cache
def load_library(path: Path = SPEC_FILE) -> TrackingLibrary:
    return parse_library(path.read_text(encoding="utf-8"), path)
