"""Plain-words labels (English, translated by gettext) for the contract's enumerations."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REGIONS: dict[str, Promise] = {
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
SEX = {"female": _("Female"), "male": _("Male"), "other": _("Other")}
ONSET = {"sudden": _("Suddenly"), "gradual": _("Gradually")}
TRIGGER = {
    "none_known": _("Nothing I know of"),
    "overuse_or_strain": _("Overuse or strain"),
    "poor_posture": _("Poor posture"),
    "lifting": _("Lifting"),
    "minor_trauma": _("A minor knock or fall"),
    "major_trauma": _("A fall from height, a road accident or a hard blow"),
}
CHARACTER = {
    "aching": _("Aching"),
    "sharp": _("Sharp"),
    "burning": _("Burning"),
    "stiffness": _("Stiffness"),
    "tearing_or_ripping": _("Tearing or ripping"),
    "band_around_chest": _("Like a band around the chest"),
}
PATTERN = {
    "mechanical": _("Changes with movement and posture, eases with rest or position"),
    "constant": _("Constant, whatever I do"),
}
WORSE_WITH = {
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
BETTER_WITH = {
    "rest": _("Rest"),
    "movement": _("Movement"),
    "heat": _("Heat"),
    "position_change": _("Changing position"),
    "medication": _("Medication"),
    "nothing": _("Nothing helps"),
}
NIGHT_PAIN = {
    "none": _("No pain at night"),
    "eased_by_position": _("Pain at night that eases when I change position"),
    "unrelieved": _("Pain at night that nothing eases"),
}
SYMPTOMS = {
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
HISTORY = {
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
MEDICATIONS = {
    "anticoagulant": _("Blood thinner (anticoagulant)"),
    "antiplatelet": _("Aspirin or another antiplatelet"),
    "nsaid": _("Anti-inflammatory (ibuprofen, naproxen)"),
    "oral_steroid": _("Steroid tablets"),
    "opioid": _("Opioid painkiller"),
    "muscle_relaxant": _("Muscle relaxant"),
    "immunosuppressant": _("Immunosuppressant"),
    "estrogen_containing": _("Estrogen (contraceptive pill, HRT)"),
}
DIAGNOSES = {
    "degenerative_disc_disease": _("Degenerative disc disease"),
    "spinal_stenosis": _("Spinal stenosis"),
    "disc_herniation": _("Disc herniation"),
    "scoliosis": _("Scoliosis"),
    "kyphosis": _("Kyphosis"),
    "facet_arthropathy": _("Facet joint arthritis"),
}
PLAN_STEPS = {
    "relative_rest": _("Relative rest"),
    "activity_modification": _("Activity modification"),
    "upper_back_brace": _("Upper back brace"),
    "exercise_program": _("Exercise program"),
    "posture_program": _("Posture program"),
    "anti_inflammatory_medication": _("Anti-inflammatory medication"),
    "trigger_point_injection": _("Trigger point injection"),
    "massage_therapy": _("Massage therapy"),
    "guided_stretching": _("Guided stretching"),
    "chiropractic_manipulation": _("Chiropractic manipulation"),
    "acupuncture": _("Acupuncture"),
    "surgical_consultation": _("Surgical consultation"),
}
RESPONSE = {
    "none": _("No change"),
    "partial": _("Somewhat better"),
    "good": _("Much better"),
    "worse": _("Worse"),
}
SOURCES = {
    "muscle_strain": _("Muscle strain"),
    "postural_strain": _("Postural strain"),
    "joint_dysfunction": _("Joint dysfunction"),
    "degenerative_disc_disease": _("Degenerative disc disease"),
    "spinal_stenosis": _("Spinal stenosis"),
    "disc_herniation": _("Disc herniation"),
    "nerve_compression": _("Nerve compression"),
    "deformity": _("Deformity"),
}
SPECIALTIES = {
    "self": _("You, at home"),
    "emergency_department": _("Emergency department"),
    "spine_surgeon": _("Spine surgeon"),
    "physiatrist": _("Physiatrist"),
    "physical_therapist": _("Physical therapist"),
    "chiropractor": _("Chiropractor"),
    "massage_therapist": _("Massage therapist"),
    "acupuncturist": _("Acupuncturist"),
    "rheumatologist": _("Rheumatologist"),
    "primary_care": _("Primary care doctor"),
}
GRADES = {
    "moderate": _("Moderate evidence"),
    "low": _("Low evidence"),
    "very_low": _("Very low evidence"),
    "expert_opinion": _("Expert opinion"),
}
TRIAGE_TITLE = {
    "emergency": _("Emergency: call 911 now"),
    "urgent": _("Urgent: see a clinician today"),
    "soon": _("Soon: book a consultation within 2 weeks"),
    "routine": _("Routine: start the plan and book a consultation"),
    "self_care": _("Self-care: you can start the plan at home"),
}
TRIAGE_NOW = {
    "emergency": _(
        "Call 911 or go to the nearest emergency department now. Do not drive yourself."
    ),
    "urgent": _("See a clinician today or within 24 hours. Call the clinic now."),
    "soon": _("Book an in-person consultation within the next 2 weeks. Start the plan meanwhile."),
    "routine": _("Start the plan now and book a consultation at a convenient time."),
    "self_care": _("Follow the stepped plan at home and review your progress on the review date."),
}


def choices(labels: dict[str, Promise]) -> list[tuple[str, Promise]]:
    return list(labels.items())


# The intake fields an engine reason names (`because`), in the patient's words.
FIELDS: dict[str, Promise] = {
    "age": _("your age"),
    "sex": _("your sex"),
    "pain.regions": _("where it hurts"),
    "pain.intensity_now": _("pain now"),
    "pain.intensity_worst_week": _("worst pain this week"),
    "pain.duration_days": _("how long it has lasted"),
    "pain.onset": _("how it started"),
    "pain.trigger": _("what set it off"),
    "pain.character": _("what it feels like"),
    "pain.pattern": _("how it behaves"),
    "pain.worse_with": _("what makes it worse"),
    "pain.better_with": _("what makes it better"),
    "pain.night_pain": _("pain at night"),
    "pain.morning_stiffness_minutes": _("morning stiffness"),
    "symptoms": _("your symptoms"),
    "neuro.progressive": _("worsening numbness or weakness"),
    "history": _("your health history"),
    "medications": _("your medicines"),
    "diagnoses": _("earlier diagnoses"),
    "prior_treatments": _("treatments already tried"),
    "function.loss_of_function": _("what the pain stops you doing"),
    "function.psfs": _("activities you find hard"),
    "work.desk_hours_per_day": _("hours at a desk"),
    "work.overhead_or_heavy": _("overhead or heavy work"),
}


def field_words(paths: list[str]) -> str:
    """`["pain.onset", "age"]` -> "how it started, your age" (unknown paths shown as they are)."""
    words = []
    for path in paths:
        base = path.split("[", 1)[0]
        label = FIELDS.get(base) or FIELDS.get(base.rsplit(".", 1)[0])
        words.append(str(label) if label is not None else path)
    return ", ".join(dict.fromkeys(words))
