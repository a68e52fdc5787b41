"""The one field table of the intake wizard: every question, in the contract's own names.

Each `Question` says which contract field it answers (`path`), the wizard step that asks it,
its widget, its words in English (Spanish through gettext) and, for an enumeration, the
values it offers with their labels (checked against the contract's enumerations at import).
The forms (forms.py), the draft (a partial intake in contract names), the review page, the
reopening of a stored intake and the reasons' plain words are all derived from this table:
a new optional intake field is one more `Question` here.

A field may be asked on two steps: the warning signs come first (a few symptoms, a tearing
pain, a major injury) and the rest of the same field later. Each step then owns the values
its question offers; saving a step replaces only those.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from upperback.clinical import Intake, PriorTreatment, PsfsActivity
from upperback.web.free_text import one_line

Widget = Literal[
    "integer",
    "decimal",
    "nrs",
    "scale",
    "radio",
    "checkboxes",
    "yes_no",
    "sign",
    "treatments",
    "psfs",
]
Labels = dict[str, Any]

STEPS: list[tuple[str, Any]] = [
    ("safety", _("Warning signs")),
    ("pain", _("Your pain")),
    ("symptoms", _("Other symptoms")),
    ("history", _("Health history")),
    ("treatments", _("Medicines and treatments")),
    ("function", _("Daily activities")),
    ("work", _("Work")),
]
STEP_NAMES = [name for name, _title in STEPS]
# Not a step of its own: the engine's follow-up questions of a broad answer, asked right after
# the step that gave it (`after` says which), only when the engine asks for them.
FOLLOW_UP = "follow_up"
TREATMENT_ROWS = 3
PSFS_ROWS = 5


@dataclass(frozen=True)
class Question:
    name: str  # the form field's name ("signs" entries: the prefix of their values)
    path: str  # the contract field it answers: "age", "pain.onset", "function.psfs"
    step: str
    widget: Widget
    label: Any  # the question as the patient reads it (a sign: unused)
    words: Any  # the field in the patient's words, for the engine's reasons
    labels: Labels = field(default_factory=dict)  # value -> label, in the order shown
    help_text: Any = ""
    required: bool = False
    css: str = ""
    # Sending the step with nothing ticked answers the whole field "none" (symptoms: []);
    # False for a sign that asks one value of a field the next steps ask in full.
    none_means_none: bool = True
    # The step counts as answered (when a stored intake reopens) only if this field is there.
    settles: bool = False
    extra: Labels = field(default_factory=dict)  # more radio choices meaning "not answered"
    after: str = ""  # a follow-up: the step of the broad answer it qualifies
    # A screening list (symptoms, history, medicines): ticks or "none of these", one required,
    # so that silence is never sent as "none" (issue 20).
    explicit_none: bool = False
    none_label: Any = ""  # its "none of these" box, in words that name what it asks


REGIONS: Labels = {
    "neck_base": _("Base of the neck"),
    "between_shoulder_blades": _("Between the shoulder blades"),
    "left_shoulder_blade": _("Left shoulder blade"),
    "right_shoulder_blade": _("Right shoulder blade"),
    "mid_back_center": _("Middle of the back"),
    "left_rib_cage": _("Left ribs"),
    "right_rib_cage": _("Right ribs"),
    "lower_back": _("Lower back"),
    "chest_front": _("Front of the chest"),
    "arm_left": _("Left arm"),
    "arm_right": _("Right arm"),
}
SEX: Labels = {"female": _("Female"), "male": _("Male"), "other": _("Other")}
ONSET: Labels = {"sudden": _("Suddenly"), "gradual": _("Gradually")}
TRIGGER: Labels = {
    "none_known": _("Nothing I know of"),
    "overuse_or_strain": _("Overuse or strain"),
    "poor_posture": _("Poor posture"),
    "lifting": _("Lifting"),
    "minor_trauma": _("A minor knock or fall"),
}
MAJOR_TRAUMA: Labels = {"major_trauma": _("A fall from height, a road accident or a hard blow")}
CHARACTER: Labels = {
    "aching": _("Aching"),
    "sharp": _("Sharp"),
    "burning": _("Burning"),
    "stiffness": _("Stiffness"),
    "band_around_chest": _("Like a band around the chest"),
}
TEARING: Labels = {"tearing_or_ripping": _("Sudden tearing or ripping pain")}
PATTERN: Labels = {
    "mechanical": _("Changes with movement and posture, eases with rest or position"),
    "constant": _("Constant, whatever I do"),
}
WORSE_WITH: Labels = {
    "sitting_long": _("Sitting a long time"),
    "standing_long": _("Standing a long time"),
    "overhead_activity": _("Reaching overhead"),
    "twisting": _("Twisting"),
    "bending": _("Bending"),
    "lifting": _("Lifting"),
    "deep_breath": _("A deep breath"),
    "cough_or_sneeze": _("Coughing or sneezing"),
    "exertion": _("Exertion (walking fast, stairs)"),
    "lying_down": _("Lying down"),
}
BETTER_WITH: Labels = {
    "rest": _("Rest"),
    "movement": _("Movement"),
    "heat": _("Heat"),
    "position_change": _("Changing position"),
    "medication": _("Medication"),
    "nothing": _("Nothing helps"),
}
NIGHT_PAIN: Labels = {
    "none": _("No pain at night"),
    "eased_by_position": _("Pain at night that eases when I change position"),
    "unrelieved": _("Pain at night that nothing eases"),
}
SYMPTOMS: Labels = {
    "chest_pain_or_pressure": _("Chest pain or pressure"),
    "shortness_of_breath": _("Shortness of breath"),
    "sweating": _("Sweating"),
    "nausea": _("Nausea"),
    "pain_to_arm_or_jaw": _("Pain spreading to the arm or jaw"),
    "palpitations": _("Racing or irregular heartbeat"),
    "fainting": _("Fainting or nearly fainting"),
    "fever_or_chills": _("Fever or chills"),
    "unexplained_weight_loss": _("Weight loss without trying"),
    "leg_weakness": _("Weakness in the legs"),
    "leg_numbness": _("Numbness in the legs"),
    "arm_weakness": _("Weakness in the arms"),
    "arm_numbness": _("Numbness in the arms"),
    "unsteady_walking": _("Unsteady walking"),
    "bladder_or_bowel_change": _("New trouble controlling bladder or bowel"),
    "saddle_numbness": _("Numbness between the legs or buttocks"),
    "loss_of_hand_dexterity": _("Clumsy hands"),
    "leg_swelling": _("A swollen leg"),
    "coughing_blood": _("Coughing up blood"),
    "visible_deformity": _("A visible change in the shape of the back"),
    "pain_worse_after_eating": _("Pain worse after eating"),
    "rash_on_painful_area": _("A rash on the painful area"),
    "severe_headache_or_stiff_neck": _("Severe headache or stiff neck"),
}
# Asked first: the symptoms the emergency rules read. Grouping only; the engine decides.
WARNING_SIGNS = [
    "chest_pain_or_pressure",
    "shortness_of_breath",
    "sweating",
    "pain_to_arm_or_jaw",
    "fainting",
    "coughing_blood",
    "leg_weakness",
    "arm_weakness",
    "unsteady_walking",
    "bladder_or_bowel_change",
    "saddle_numbness",
]
HISTORY: Labels = {
    "cancer": _("Cancer, now or in the past"),
    "osteoporosis": _("Osteoporosis (thin bones)"),
    "long_term_steroids": _("Steroid tablets for a long time"),
    "immunosuppressed": _("A weakened immune system"),
    "iv_drug_use": _("Injecting drugs"),
    "recent_infection": _("A recent infection"),
    "recent_spinal_procedure": _("A recent spine injection or operation"),
    "hypertension": _("High blood pressure"),
    "heart_disease": _("Heart disease"),
    "aortic_aneurysm": _("Aortic aneurysm"),
    "connective_tissue_disorder": _("Connective tissue disorder (e.g. Marfan)"),
    "recent_surgery_or_immobilisation": _("Recent surgery or a long time in bed"),
    "blood_clot": _("A blood clot in the past"),
    "inflammatory_arthritis": _("Inflammatory arthritis"),
    "peptic_ulcer_or_gi_bleed": _("Stomach ulcer or stomach bleeding"),
    "kidney_disease": _("Kidney disease"),
    "liver_disease": _("Liver disease"),
    "heart_failure": _("Heart failure"),
    "asthma_with_nsaids": _("Asthma made worse by anti-inflammatories"),
    "pregnant": _("Pregnant"),
    "bleeding_disorder": _("A bleeding disorder"),
    "diabetes": _("Diabetes"),
    "smoker": _("Smoker"),
}
MEDICATIONS: Labels = {
    "anticoagulant": _("Blood thinner (anticoagulant)"),
    "antiplatelet": _("Aspirin or another antiplatelet"),
    "nsaid": _("Anti-inflammatory (ibuprofen, naproxen)"),
    "oral_steroid": _("Steroid tablets"),
    "opioid": _("Opioid painkiller"),
    "muscle_relaxant": _("Muscle relaxant"),
    "immunosuppressant": _("Immunosuppressant"),
    "estrogen_containing": _("Estrogen (contraceptive pill, HRT)"),
}
DIAGNOSES: Labels = {
    "degenerative_disc_disease": _("Degenerative disc disease"),
    "spinal_stenosis": _("Spinal stenosis"),
    "disc_herniation": _("Disc herniation"),
    "scoliosis": _("Scoliosis"),
    "kyphosis": _("Kyphosis"),
    "facet_arthropathy": _("Facet joint arthritis"),
}
RESPONSE: Labels = {
    "none": _("No change"),
    "partial": _("Somewhat better"),
    "good": _("Much better"),
    "worse": _("Worse"),
}
YES_NO: Labels = {"yes": _("Yes"), "no": _("No")}
# The PHQ-4's answers (Kroenke 2009): how often over the last two weeks, scored 0 to 3.
HOW_OFTEN: Labels = {
    "0": _("Not at all"),
    "1": _("Several days"),
    "2": _("More than half the days"),
    "3": _("Nearly every day"),
}
PHQ4_HELP = _("Over the last 2 weeks, how often have you been bothered by this?")

Q = Question
QUESTIONS: tuple[Question, ...] = (
    # The warning signs: one list of boxes on the page, three contract fields behind it.
    Q("character", "pain.character", "safety", "sign", "", _("what it feels like"), TEARING,
      none_means_none=False),
    Q("trigger", "pain.trigger", "safety", "sign", "", _("what set it off"), MAJOR_TRAUMA,
      none_means_none=False),
    Q("symptom", "symptoms", "safety", "sign", "", _("your symptoms"),
      {s: SYMPTOMS[s] for s in WARNING_SIGNS}, settles=True),
    Q("age", "age", "safety", "integer", _("Your age in years"), _("your age"), required=True,
      settles=True),
    Q("sex", "sex", "safety", "radio", _("Sex"), _("your sex"), SEX, required=True, settles=True),
    Q("intensity_now", "pain.intensity_now", "safety", "nrs",
      _("How bad is the pain right now? (0 = no pain, 10 = worst imaginable)"), _("pain now"),
      required=True, css="nrs", settles=True),
    Q("duration_days", "pain.duration_days", "safety", "integer",
      _("How many days since this episode of pain began?"), _("how long it has lasted"),
      help_text=_("0 if it started today."), required=True, settles=True),
    # Your pain.
    Q("regions", "pain.regions", "pain", "checkboxes", _("Where does it hurt?"),
      _("where it hurts"), REGIONS, settles=True),
    Q("intensity_worst_week", "pain.intensity_worst_week", "pain", "nrs",
      _("The worst it has been in the last 7 days (0-10)"), _("worst pain this week"), css="nrs"),
    Q("onset", "pain.onset", "pain", "radio", _("How did it start?"), _("how it started"), ONSET),
    Q("trigger", "pain.trigger", "pain", "radio", _("What set it off?"), _("what set it off"),
      TRIGGER),
    Q("character", "pain.character", "pain", "checkboxes", _("What does it feel like?"),
      _("what it feels like"), CHARACTER, settles=True),
    Q("pattern", "pain.pattern", "pain", "radio", _("How does it behave?"), _("how it behaves"),
      PATTERN),
    Q("worse_with", "pain.worse_with", "pain", "checkboxes", _("What makes it worse?"),
      _("what makes it worse"), WORSE_WITH, settles=True),
    Q("better_with", "pain.better_with", "pain", "checkboxes", _("What makes it better?"),
      _("what makes it better"), BETTER_WITH, settles=True),
    Q("night_pain", "pain.night_pain", "pain", "radio", _("At night"), _("pain at night"),
      NIGHT_PAIN),
    Q("morning_stiffness_minutes", "pain.morning_stiffness_minutes", "pain", "integer",
      _("Morning stiffness, in minutes (0 if none)"), _("morning stiffness")),
    # Other symptoms.
    Q("symptoms", "symptoms", "symptoms", "checkboxes", _("Any of these in this episode?"),
      _("your symptoms"), {k: v for k, v in SYMPTOMS.items() if k not in WARNING_SIGNS},
      help_text=_("Tick every one that applies."), settles=True, explicit_none=True,
      none_label=_("None of these symptoms")),
    Q("neuro_progressive", "neuro.progressive", "symptoms", "yes_no",
      _("Are numbness, tingling or weakness getting worse?"),
      _("worsening numbness or weakness"), YES_NO, settles=True,
      extra={"none": _("I have none of these")}),
    # Health history.
    Q("history", "history", "history", "checkboxes",
      _("Have you had, or do you have, any of these?"), _("your health history"), HISTORY,
      settles=True, explicit_none=True, none_label=_("None of these conditions")),
    Q("diagnoses", "diagnoses", "history", "checkboxes",
      _("Has a clinician told you that you have any of these?"), _("earlier diagnoses"),
      DIAGNOSES, settles=True),
    # Medicines and treatments.
    Q("medications", "medications", "treatments", "checkboxes",
      _("Which of these do you take now?"), _("your medicines"), MEDICATIONS, settles=True,
      explicit_none=True, none_label=_("None of these medicines")),
    Q("treatment", "prior_treatments", "treatments", "treatments", "",
      _("treatments already tried"), settles=True),
    # Daily activities.
    Q("loss_of_function", "function.loss_of_function", "function", "yes_no",
      _("Does this pain stop you working, looking after yourself or sleeping?"),
      _("what the pain stops you doing"), YES_NO),
    Q("activity", "function.psfs", "function", "psfs", "", _("activities you find hard")),
    # The PHQ-4 (free to use; docs/psychosocial.md): mood and worry shape the kind of care.
    Q("phq4_interest", "phq4.interest", "function", "scale",
      _("Little interest or pleasure in doing things"), _("interest in doing things"),
      HOW_OFTEN, help_text=PHQ4_HELP),
    Q("phq4_down", "phq4.down", "function", "scale", _("Feeling down, depressed or hopeless"),
      _("feeling down"), HOW_OFTEN, help_text=PHQ4_HELP),
    Q("phq4_nervous", "phq4.nervous", "function", "scale",
      _("Feeling nervous, anxious or on edge"), _("feeling nervous"), HOW_OFTEN,
      help_text=PHQ4_HELP),
    Q("phq4_worrying", "phq4.worrying", "function", "scale",
      _("Not being able to stop or control worrying"), _("worrying"), HOW_OFTEN,
      help_text=PHQ4_HELP),
    # Work.
    Q("desk_hours_per_day", "work.desk_hours_per_day", "work", "decimal",
      _("Hours a day at a desk or screen"), _("hours at a desk")),
    Q("overhead_or_heavy", "work.overhead_or_heavy", "work", "yes_no",
      _("Does your work involve overhead or heavy lifting?"), _("overhead or heavy work"),
      YES_NO),
    # Follow-ups (asked only when the engine's `follow_ups` names them).
    Q("chest_exertional", "chest_pain.exertional", FOLLOW_UP, "yes_no",
      _("Does the chest pain come on with exertion (walking fast, stairs) and ease with rest?"),
      _("chest pain on exertion"), YES_NO, after="safety"),
    Q("chest_reproducible", "chest_pain.reproducible", FOLLOW_UP, "yes_no",
      _("Does pressing on the sore spot, or moving, bring the chest pain on?"),
      _("chest pain on pressing or moving"), YES_NO, after="safety"),
    Q("chest_days", "chest_pain.days", FOLLOW_UP, "integer",
      _("For how many days has the chest pain been coming?"),
      _("how long the chest pain has lasted"), help_text=_("0 if it started today."),
      after="safety"),
    Q("chest_accompanied", "chest_pain.accompanied", FOLLOW_UP, "yes_no",
      _("Does the chest pain come with breathlessness, sweating or nausea?"),
      _("what comes with the chest pain"), YES_NO, after="safety"),
    Q("nausea_meals", "nausea.with_meals", FOLLOW_UP, "yes_no",
      _("Does the nausea come with or after meals?"), _("nausea with meals"), YES_NO,
      after="symptoms"),
    Q("nausea_exertion", "nausea.with_exertion", FOLLOW_UP, "yes_no",
      _("Does the nausea come on with exertion?"), _("nausea on exertion"), YES_NO,
      after="symptoms"),
    Q("nausea_flank", "nausea.flank_or_urine", FOLLOW_UP, "yes_no",
      _("Do you have pain in your side, or a change in your urine?"),
      _("pain in the side or a change in the urine"), YES_NO, after="symptoms"),
    Q("procedure_weeks", "procedure.weeks_ago", FOLLOW_UP, "integer",
      _("How many weeks ago was the operation or procedure?"), _("weeks since the operation"),
      after="history"),
    Q("procedure_wound", "procedure.wound_problem", FOLLOW_UP, "yes_no",
      _("Is the wound red, swollen or weeping?"), _("the wound"), YES_NO, after="history"),
    Q("procedure_improving", "procedure.improving", FOLLOW_UP, "yes_no",
      _("Have you been getting steadily better since, without a setback?"),
      _("how you have been since the operation"), YES_NO, after="history"),
    Q("heart_coronary", "heart.coronary", FOLLOW_UP, "yes_no",
      _("Have you had a stent, a bypass, a heart attack or angina?"),
      _("your heart disease"), YES_NO, after="history"),
    Q("heart_like_before", "heart.like_before", FOLLOW_UP, "yes_no",
      _("Is this pain like a heart pain you have had before?"),
      _("whether it is like a heart pain before"), YES_NO, after="history"),
    Q("pregnancy_weeks", "pregnancy.weeks", FOLLOW_UP, "integer",
      _("How many weeks pregnant are you?"), _("weeks of pregnancy"), after="history"),
    Q("getting_better", "function.getting_better", FOLLOW_UP, "yes_no",
      _("Is it getting better day by day?"), _("whether it is getting better"), YES_NO,
      after="function"),
)  # fmt: skip


def _annotation(path: str) -> Any:
    """The contract's type of `path`, without its `| None`."""
    model: type[BaseModel] = Intake
    annotation: Any = None
    for part in path.split("."):
        annotation = model.model_fields[part].annotation
        if get_origin(annotation) in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return annotation


def enumeration(path: str) -> tuple[str, ...]:
    """The contract's values for an enumeration (or a list of one), in its order; () if none."""
    annotation = _annotation(path)
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    return get_args(annotation) if get_origin(annotation) is Literal else ()


def is_list(path: str) -> bool:
    return get_origin(_annotation(path)) is list


def bounds(model: type[BaseModel], name: str) -> dict[str, Any]:
    """The contract's own limits of a number (`min_value`, `max_value`) or a text's length,
    and its pattern of a patient's words on one line (as the form's validator)."""
    out: dict[str, Any] = {}
    for rule in model.model_fields[name].metadata:
        for attr, key in (("ge", "min_value"), ("le", "max_value"), ("max_length", "max_length")):
            if getattr(rule, attr, None) is not None:
                out[key] = getattr(rule, attr)
        if getattr(rule, "pattern", None) is not None:
            out["validators"] = [one_line]
    return out


def bounds_of(path: str) -> dict[str, Any]:
    *parents, leaf = path.split(".")
    return bounds(_annotation(".".join(parents)) if parents else Intake, leaf)


ROW_LIMITS = {
    "weeks": bounds(PriorTreatment, "weeks"),
    "activity": bounds(PsfsActivity, "activity"),
}


def questions_of(step: str) -> list[Question]:
    return [q for q in QUESTIONS if q.step == step]


def questions_for(path: str) -> list[Question]:
    return [q for q in QUESTIONS if q.path == path]


PATHS: list[str] = list(dict.fromkeys(q.path for q in QUESTIONS))


def _check_table() -> None:
    """Every offered value is the contract's; a split enumeration is offered whole."""
    for path in PATHS:
        values = enumeration(path)
        offered = [v for q in questions_for(path) for v in q.labels]
        if values and sorted(offered) != sorted(values):
            raise ValueError(f"{path}: the questions offer {offered}, the contract {values}")
        steps = [*STEP_NAMES, FOLLOW_UP]
        if q_steps := [q.step for q in questions_for(path) if q.step not in steps]:
            raise ValueError(f"{path}: unknown step {q_steps}")


_check_table()


def step_of(field_path: str) -> str | None:
    """The wizard step that asks `field_path` ("pain.onset", "function.psfs[0].score"); a field
    asked on two steps belongs to the later, where it is asked in full."""
    base = field_path.split("[", 1)[0]
    asked = questions_for(base) or questions_for(base.rsplit(".", 1)[0])
    if not asked:
        return None
    return asked[-1].after or asked[-1].step


def words_of(field_path: str) -> Any:
    base = field_path.split("[", 1)[0]
    asked = questions_for(base) or questions_for(base.rsplit(".", 1)[0])
    return asked[0].words if asked else None


def field_words(paths: list[str]) -> str:
    """`["pain.onset", "age"]` -> "how it started, your age" (unknown paths shown as they are)."""
    words = []
    for path in paths:
        label = words_of(path)
        words.append(str(label) if label is not None else path)
    return ", ".join(dict.fromkeys(words))
