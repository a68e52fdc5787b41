"""The shape of every knowledge-base file, checked by pydantic when the files load.

Every human-facing text is a `Text` with both languages: a rule without its Spanish (or its
English) is refused at load, so the web app never shows a half-translated plan.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from upperback.clinical.contract import (
    ChangeKind,
    DeliveredBy,
    Grade,
    SourceId,
    Specialty,
    StepId,
    Triage,
)

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def __call__(self, language: Language) -> str:
        return self.es if language == "es" else self.en


class SourcedText(Text):
    """A text a patient reads when she weighs an option, with the citation that supports it."""

    source: str


class Citation(_Strict):
    key: str
    # What a patient reads beside a reason ("Dahm et al., Cochrane review 2010"); the full
    # reference goes in the page's numbered list of sources.
    short: str = Field(min_length=3, max_length=60)
    reference: str = Field(min_length=10)
    url: str | None = None


class MetaFile(_Strict):
    version: str = Field(min_length=1)
    disclaimer: Text
    triage: dict[Triage, Text]
    citations: list[Citation]


class LabelsFile(_Strict):
    """A person's words for the contract's ids (labels.yaml); the loader checks that every id
    of each enumeration, and every intake field a question may name, has one."""

    triage: dict[Triage, Text]
    triage_now: dict[Triage, Text]
    who: dict[str, Text]
    grade: dict[Grade, Text]
    fields: dict[str, Text]


class Rule(_Strict):
    """What every rule carries: an id, its reason in plain words, and a citation key."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    because: Text
    source: str


class RedFlagRule(Rule):
    family: str
    level: Triage
    when: Any
    consult: Specialty
    within_days: int | None = Field(default=None, ge=0)


class RedFlagFile(_Strict):
    rules: list[RedFlagRule]


class FollowUpRule(Rule):
    """(1.3) When a broad answer is given (`when`), the questions that qualify it (`ask`:
    intake fields, asked in this order). `because` says why they are asked."""

    when: Any
    ask: list[str] = Field(min_length=1)


class FollowUpFile(_Strict):
    rules: list[FollowUpRule]


class StratumBand(_Strict):
    stratum: Literal["low", "medium", "high"]
    max_score: int = Field(ge=0, le=12)
    because: Text
    source: str


class PsychosocialFile(_Strict):
    """(1.3) The psychosocial screen: its instrument, its licence (in words, with where it
    was checked), the score bands of each care stratum, and when to ask it again."""

    instrument: Literal["phq4"]
    source: str
    licence: str
    # Bands in order of score; the first whose max_score is at or above the score wins.
    strata: list[StratumBand] = Field(min_length=3, max_length=3)
    # Ask again at check-ins after this many days (sooner when high).
    ask_again_days: dict[Literal["low", "medium", "high"], int]
    ask_again_source: str


class SourceFeature(_Strict):
    when: Any
    weight: float = Field(ge=-1, le=1)


class SourceRule(Rule):
    id: SourceId
    name: Text
    specialty: Specialty
    features: list[SourceFeature] = Field(min_length=1)


class SourceFile(_Strict):
    # A source is listed only from this score: a single weak feature is not a reason.
    list_from: float = Field(gt=0, le=1)
    rules: list[SourceRule]


class EvidenceSpec(_Strict):
    grade: Grade
    source: str
    note: Text | None = None


class StepRule(_Strict):
    id: StepId
    name: Text
    phase: int = Field(ge=1, le=4)
    delivered_by: DeliveredBy
    review_after_days: int = Field(ge=1)
    offer_when: Any = None
    exercises: list[str] = Field(default_factory=list)
    summary: Text
    because: Text
    evidence: EvidenceSpec
    # For the patient weighing her options: how long and how many visits, the common side
    # effects and risks, what happens if she waits; each with its source.
    course: SourcedText
    risks: SourcedText
    if_waiting: SourcedText
    # What may take this step's place, in order, when she would rather not have it (only
    # one the plan offers her and no contraindication withholds).
    alternatives: list[StepId] = Field(default_factory=list)
    # A safety step stays in the plan whatever she prefers: always (`safety: true`) or when
    # `safety_when` holds (relative rest in an urgent case).
    safety: bool = False
    safety_when: Any = None

    @property
    def source(self) -> str:
        return self.evidence.source


class TreatmentFile(_Strict):
    rules: list[StepRule]
    # What a preference did to the plan, in words: {step} and {alternative} are step names.
    preference_changes: dict[ChangeKind, Text]


class ContraindicationRule(Rule):
    withhold: list[str] = Field(min_length=1)
    when: Any
    # Withhold only the listed steps the person already tried for weeks without benefit
    # (the derived field `prior_treatments.failed`), not every listed step.
    withhold_if_tried: bool = False


class ContraindicationFile(_Strict):
    rules: list[ContraindicationRule]


class DoseLevel(_Strict):
    """One dosage level of an exercise: sets of repetitions (and a hold, in seconds)."""

    sets: int = Field(ge=1, le=10)
    repetitions: int = Field(ge=1, le=50)
    hold_seconds: int = Field(default=0, ge=0, le=120)


class Dosage(_Strict):
    """The levels an exercise moves through, easiest first; level 1 is the prescription."""

    levels: list[DoseLevel] = Field(min_length=1)
    source: str


class ExerciseRule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    sets: int = Field(ge=1, le=10)
    repetitions: int = Field(ge=1, le=50)
    hold_seconds: int = Field(default=0, ge=0, le=120)
    per_day: int = Field(default=1, ge=1, le=6)
    instructions: list[Text] = Field(min_length=2)
    progression: Text
    source: str
    dosage: Dosage | None = None

    @model_validator(mode="after")
    def _level_one_is_the_prescription(self) -> ExerciseRule:
        first = self.dosage.levels[0] if self.dosage else None
        if first is not None and (first.sets, first.repetitions, first.hold_seconds) != (
            self.sets,
            self.repetitions,
            self.hold_seconds,
        ):
            raise ValueError("dosage level 1 must be the exercise's own sets, repetitions, hold")
        return self

    def levels(self) -> list[DoseLevel]:
        """The dosage levels; an exercise without them has its prescription as its one level."""
        if self.dosage is not None:
            return list(self.dosage.levels)
        return [
            DoseLevel(sets=self.sets, repetitions=self.repetitions, hold_seconds=self.hold_seconds)
        ]


class ExerciseFile(_Strict):
    rules: list[ExerciseRule]


EscalationKind = Literal[
    "no_important_improvement",
    "pain_worse",
    "function_lost",
    "new_red_flag",
    "dosage_progress",
    "dosage_flare",
]


class EscalationRule(Rule):
    kind: EscalationKind
    consult: Specialty | None = None


class Thresholds(_Strict):
    """Minimal clinically important differences: Farrar 2001 (NRS), JOSPT 2014 (PSFS)."""

    nrs_points: float = Field(gt=0)
    nrs_percent: float = Field(gt=0, le=100)
    psfs_points: float = Field(gt=0)
    worse_nrs_points: float = Field(gt=0)
    source: str


class DosageThresholds(_Strict):
    """The weekly exercise dosage rule: progress after an easy, well-kept week; step back
    after a flare (pain up from the week before)."""

    max_pain: int = Field(ge=0, le=10)
    min_sessions_percent: float = Field(gt=0, le=100)
    flare_nrs_points: float = Field(gt=0)
    source: str


class EscalationFile(_Strict):
    consult_within_days: dict[Triage, int]
    consult_reasons: dict[str, Text]
    thresholds: Thresholds
    dosage: DosageThresholds
    rules: list[EscalationRule]
