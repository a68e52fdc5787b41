"""The assessment contract, version 1: pydantic models with the contract's names exactly.

`../shared/contract/README.md` owns the names; this module owns the code. A missing answer
means "not asked", never "no", so every optional answer defaults to None rather than to an
empty list: the engine must be able to tell "no symptoms" from "symptoms not asked".
Unknown fields are refused: a misspelt `symtoms` must not silently hide a red flag.
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

CONTRACT_VERSION: Final = "1"

Sex = Literal["female", "male", "other"]
Region = Literal[
    "neck_base",
    "between_shoulder_blades",
    "left_shoulder_blade",
    "right_shoulder_blade",
    "mid_back_center",
    "left_rib_cage",
    "right_rib_cage",
    "lower_back",
    "chest_front",
    "arm_left",
    "arm_right",
]
Onset = Literal["sudden", "gradual"]
Trigger = Literal[
    "none_known", "overuse_or_strain", "poor_posture", "lifting", "minor_trauma", "major_trauma"
]
Character = Literal[
    "aching", "sharp", "burning", "stiffness", "tearing_or_ripping", "band_around_chest"
]
Pattern = Literal["mechanical", "constant"]
WorseWith = Literal[
    "sitting_long",
    "standing_long",
    "overhead_activity",
    "twisting",
    "bending",
    "lifting",
    "deep_breath",
    "cough_or_sneeze",
    "exertion",
    "lying_down",
]
BetterWith = Literal["rest", "movement", "heat", "position_change", "medication", "nothing"]
NightPain = Literal["none", "eased_by_position", "unrelieved"]
Symptom = Literal[
    "chest_pain_or_pressure",
    "shortness_of_breath",
    "sweating",
    "nausea",
    "pain_to_arm_or_jaw",
    "palpitations",
    "fainting",
    "fever_or_chills",
    "unexplained_weight_loss",
    "leg_weakness",
    "leg_numbness",
    "arm_weakness",
    "arm_numbness",
    "unsteady_walking",
    "bladder_or_bowel_change",
    "saddle_numbness",
    "loss_of_hand_dexterity",
    "leg_swelling",
    "coughing_blood",
    "visible_deformity",
    "pain_worse_after_eating",
    "rash_on_painful_area",
    "severe_headache_or_stiff_neck",
]
HistoryItem = Literal[
    "cancer",
    "osteoporosis",
    "long_term_steroids",
    "immunosuppressed",
    "iv_drug_use",
    "recent_infection",
    "recent_spinal_procedure",
    "hypertension",
    "heart_disease",
    "aortic_aneurysm",
    "connective_tissue_disorder",
    "recent_surgery_or_immobilisation",
    "blood_clot",
    "inflammatory_arthritis",
    "peptic_ulcer_or_gi_bleed",
    "kidney_disease",
    "liver_disease",
    "heart_failure",
    "asthma_with_nsaids",
    "pregnant",
    "bleeding_disorder",
    "diabetes",
    "smoker",
]
Medication = Literal[
    "anticoagulant",
    "antiplatelet",
    "nsaid",
    "oral_steroid",
    "opioid",
    "muscle_relaxant",
    "immunosuppressant",
    "estrogen_containing",
]
Diagnosis = Literal[
    "degenerative_disc_disease",
    "spinal_stenosis",
    "disc_herniation",
    "scoliosis",
    "kyphosis",
    "facet_arthropathy",
]
StepId = Literal[
    "relative_rest",
    "activity_modification",
    "upper_back_brace",
    "exercise_program",
    "posture_program",
    "anti_inflammatory_medication",
    "trigger_point_injection",
    "massage_therapy",
    "guided_stretching",
    "chiropractic_manipulation",
    "acupuncture",
    "surgical_consultation",
    "physiotherapy_led_care",
    "psychologically_informed_care",
]
Response = Literal["none", "partial", "good", "worse"]
Triage = Literal["emergency", "urgent", "soon", "routine", "self_care"]
SourceId = Literal[
    "muscle_strain",
    "postural_strain",
    "joint_dysfunction",
    "degenerative_disc_disease",
    "spinal_stenosis",
    "disc_herniation",
    "nerve_compression",
    "deformity",
]
Specialty = Literal[
    "emergency_department",
    "spine_surgeon",
    "physiatrist",
    "physical_therapist",
    "chiropractor",
    "massage_therapist",
    "acupuncturist",
    "rheumatologist",
    "primary_care",
]
DeliveredBy = Literal[
    "self",
    "spine_surgeon",
    "physiatrist",
    "physical_therapist",
    "chiropractor",
    "massage_therapist",
    "acupuncturist",
    "rheumatologist",
    "primary_care",
]
Grade = Literal["moderate", "low", "very_low", "expert_opinion"]
Choice = Literal["like", "unsure", "rather_not"]
Stratum = Literal["low", "medium", "high"]
ChangeKind = Literal["put_first", "to_discuss", "replaced", "dropped", "kept_for_safety"]

# Highest first: the order in which levels win.
TRIAGE_ORDER: tuple[Triage, ...] = ("emergency", "urgent", "soon", "routine", "self_care")


class _Strict(BaseModel):
    """Refuse unknown fields and silent coercion ("5" is not 5, "yes" is not true)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _whole_number(cls, value: Any, info: ValidationInfo) -> Any:
        """23.0 is the JSON number 23 (JSON Schema's "integer" allows it): an integer field
        takes it as 23. 23.5, "23" and true go on to strict validation, which refuses them."""
        if isinstance(value, float) and value.is_integer() and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if annotation is int or int in get_args(annotation):
                return int(value)
        return value


class Pain(_Strict):
    regions: list[Region] | None = None
    intensity_now: int = Field(ge=0, le=10)
    intensity_worst_week: int | None = Field(default=None, ge=0, le=10)
    duration_days: int = Field(ge=0, le=36500)
    onset: Onset | None = None
    trigger: Trigger | None = None
    character: list[Character] | None = None
    pattern: Pattern | None = None
    worse_with: list[WorseWith] | None = None
    better_with: list[BetterWith] | None = None
    night_pain: NightPain | None = None
    morning_stiffness_minutes: int | None = Field(default=None, ge=0, le=1440)


class Neuro(_Strict):
    progressive: bool | None = None


class PriorTreatment(_Strict):
    treatment: StepId
    weeks: int = Field(ge=0, le=520)
    response: Response


# A patient's own words: one line of text, no control characters (a NUL cannot be stored
# in PostgreSQL's text or JSON; the others are not words).
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


class PsfsActivity(_Strict):
    activity: str = Field(min_length=1, max_length=80, pattern=ONE_LINE)
    score: int = Field(ge=0, le=10)


class Function(_Strict):
    loss_of_function: bool | None = None
    psfs: list[PsfsActivity] | None = Field(default=None, max_length=5)
    # (1.3) follow-up of loss_of_function: is it getting better day by day?
    getting_better: bool | None = None


# (1.3) Follow-up questions: each qualifies one broad answer (the knowledge base's
# `follow_ups.yaml` says which and when). All optional: without them the answer is the same
# or safer, never lower.
class ChestPain(_Strict):
    """Qualifies `symptoms: chest_pain_or_pressure`."""

    exertional: bool | None = None  # brought on by exertion and eased by rest
    reproducible: bool | None = None  # reproduced by pressing on the spot or by moving
    days: int | None = Field(default=None, ge=0, le=36500)  # how long it has been coming
    accompanied: bool | None = None  # with breathlessness, sweating or nausea


class Nausea(_Strict):
    """Qualifies `symptoms: nausea`."""

    with_meals: bool | None = None  # comes with or after meals
    with_exertion: bool | None = None  # comes with exertion
    flank_or_urine: bool | None = None  # with pain in the side or a change in the urine


class Procedure(_Strict):
    """Qualifies `history: recent_spinal_procedure` or `recent_surgery_or_immobilisation`."""

    weeks_ago: int | None = Field(default=None, ge=0, le=520)
    wound_problem: bool | None = None  # redness, swelling or drainage at the wound
    improving: bool | None = None  # steadily better since, without a setback


class Heart(_Strict):
    """Qualifies `history: heart_disease`."""

    coronary: bool | None = None  # a stent, a bypass, a heart attack or angina
    like_before: bool | None = None  # this pain is like a heart pain had before


class Pregnancy(_Strict):
    """Qualifies `history: pregnant`."""

    weeks: int | None = Field(default=None, ge=0, le=45)


class Work(_Strict):
    desk_hours_per_day: float | None = Field(default=None, ge=0, le=24)
    overhead_or_heavy: bool | None = None


class Preference(_Strict):
    """(1.2) What the patient thinks of one plan step: "I'd like this", "not sure", "I'd
    rather not", with her reason in her own words (the engine reads only the choice)."""

    step: StepId
    choice: Choice
    reason: str | None = Field(default=None, max_length=200, pattern=ONE_LINE)


class Phq4(_Strict):
    """(1.3) The PHQ-4 (Kroenke 2009), four answers over the last two weeks: 0 not at all,
    1 several days, 2 more than half the days, 3 nearly every day. Public domain-like terms:
    "no permission required" (docs/psychosocial.md)."""

    # Each may be left out (declined): the score and the stratum need all four.
    interest: int | None = Field(default=None, ge=0, le=3)  # little interest or pleasure
    down: int | None = Field(default=None, ge=0, le=3)  # feeling down, depressed or hopeless
    nervous: int | None = Field(default=None, ge=0, le=3)  # nervous, anxious or on edge
    worrying: int | None = Field(default=None, ge=0, le=3)  # cannot stop or control worrying


class Intake(_Strict):
    contract: Literal["1"]
    age: int = Field(ge=12, le=110)
    sex: Sex
    pain: Pain
    symptoms: list[Symptom] | None = None
    neuro: Neuro | None = None
    history: list[HistoryItem] | None = None
    medications: list[Medication] | None = None
    diagnoses: list[Diagnosis] | None = None
    prior_treatments: list[PriorTreatment] | None = None
    function: Function | None = None
    work: Work | None = None
    preferences: list[Preference] | None = Field(default=None, max_length=12)
    chest_pain: ChestPain | None = None
    nausea: Nausea | None = None
    procedure: Procedure | None = None
    heart: Heart | None = None
    pregnancy: Pregnancy | None = None
    phq4: Phq4 | None = None


# The follow-up groups: present in an intake (even as {}), their questions were asked and a
# missing answer inside was declined; absent, they were not asked.
FOLLOW_UP_GROUPS: tuple[str, ...] = ("chest_pain", "nausea", "procedure", "heart", "pregnancy")


class _Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RedFlag(_Output):
    id: str
    level: Triage
    because: list[str] = Field(description="the intake fields that fired the rule")
    source: str
    explanation: str = Field(default="", description="the rule's reason in plain words")


class LikelySource(_Output):
    id: SourceId
    score: float = Field(ge=0, le=1)
    because: list[str] = Field(description="the intake fields that moved the score")


class Evidence(_Output):
    grade: Grade
    source: str
    note: str = Field(default="", description="where guidelines disagree or advise against")


class ExercisePrescription(_Output):
    id: str
    name: str
    sets: int
    repetitions: int
    hold_seconds: int = 0
    per_day: int = 1
    instructions: list[str]
    progression: str


class StepDetails(_Output):
    summary: str
    exercises: list[ExercisePrescription] = Field(default_factory=list)


class PlanStep(_Output):
    step: StepId
    phase: int = Field(ge=1, description="1 first; later phases start when earlier ones fail")
    delivered_by: DeliveredBy
    review_after_days: int = Field(ge=0)
    details: StepDetails
    because: str
    evidence: Evidence


class Consult(_Output):
    recommended: bool
    specialty: Specialty | None = None
    within_days: int | None = Field(default=None, ge=0)
    because: str
    reason: str = Field(default="", description="the knowledge-base reason id of `because`")


class Withheld(_Output):
    step: StepId
    because: str
    rule: str = ""
    source: str = ""


class PlanChange(_Output):
    """(1.2) What one preference did to the plan, and why, in the knowledge base's words."""

    step: StepId
    choice: Choice
    change: ChangeKind
    replaced_by: StepId | None = None
    because: str


class Psychosocial(_Output):
    """(1.3) The psychosocial screen's score and the care stratum it gives, for the clinician."""

    instrument: Literal["phq4"] = "phq4"
    score: int = Field(ge=0, le=12)
    depression: int = Field(ge=0, le=6, description="PHQ-2, 3 or more: screen positive")
    anxiety: int = Field(ge=0, le=6, description="GAD-2, 3 or more: screen positive")
    stratum: Stratum
    because: str
    source: str


class Assessment(_Output):
    contract: Literal["1"] = CONTRACT_VERSION
    knowledge_base: str
    triage: Triage
    red_flags: list[RedFlag]
    likely_sources: list[LikelySource]
    plan: list[PlanStep]
    consult: Consult
    withheld: list[Withheld]
    questions: list[str]
    screening_complete: bool = Field(
        default=True,
        description="(1.1) symptoms, history and medications were all answered; when false the "
        "triage is never routine or self_care and a `screening_incomplete` red flag says why",
    )
    changes: list[PlanChange] = Field(
        default_factory=list,
        description="(1.2) what the patient's preferences changed in the plan, and why",
    )
    psychosocial: Psychosocial | None = Field(
        default=None,
        description="(1.3) the PHQ-4 score and care stratum when the intake answered it",
    )
    language: Literal["en", "es"] = "en"
    disclaimer: str = ""
