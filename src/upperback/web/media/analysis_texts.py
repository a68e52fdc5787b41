"""The camera analysis's readings, notes, warnings and form faults in the reader's language.

The vision package gives each of them a stable code and parameters next to its English text
(upperback.vision.texts; form faults are "fault.<exercise>.<fault>"); an analysed upload keeps
both, and the pages render the code here, through gettext. A result stored before the codes
existed has only the English, which is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from .vision_messages import TEXTS as ERROR_TEXTS
from .vision_messages import vision_message

# One entry per code of upperback.vision.texts.TEXTS that needs no word from its parameters.
READINGS: dict[str, Any] = {
    "head_over_shoulders": _("head over the shoulders"),
    "head_somewhat_forward": _("head somewhat forward of the shoulders"),
    "head_well_forward": _("head well forward of the shoulders"),
    "cva_forward_head": _("forward head posture (cut-off %(cutoff)s degrees)"),
    "cva_usual_range": _("within the usual range (cut-off %(cutoff)s degrees)"),
    "shoulders_ahead": _("shoulders ahead of the ear-hip line"),
    "shoulders_in_line": _("shoulders in line"),
    "upright": _("upright"),
    "leaning_forward": _("leaning forward"),
    "leaning_back": _("leaning back"),
    "shoulders_level": _("shoulders level"),
    "head_level": _("head level"),
    "trunk_centred": _("trunk centred"),
    "reading_unreliable": _("not reliable: the pose model's looks at this photo disagree"),
    "trunk_shifted": _("trunk shifted to one side"),
    "note_forward_head_proxy": _(
        "Automatic proxy from pose landmarks (ear and shoulder joint, not tragus and C7): a band, not a craniovertebral angle. Place tragus and C7 on the photo for the exact angle."
    ),
    "note_cva_source": _(
        "Craniovertebral angle under about 50 degrees read as forward head posture: Oakley PA et al., J Clin Med 2024;13(7):2149 (CVA 50 degrees ~ C2-C7 SVA 20 mm); smaller angles in neck pain: Yip CH, Chiu TT, Poon AT, Man Ther 2008;13(2):148-154."
    ),
    "note_protraction_proxy": _("Proxy: angle at the hip between the ear and the shoulder joint."),
    "points_only": _("No person was found automatically; only the placed points were measured."),
    "warning_unreliable": _(
        "Some readings are not reliable or were left out: the pose model read this photo "
        "differently each time it looked, or read an impossible angle. Retake it side on, "
        "with the whole upper body in view and good light."
    ),
}
# A side higher: one whole sentence per part, side and view (the words agree in Spanish).
# Key: (code, the person's side, view); the viewer's side follows from the two.
SIDE_HIGHER: dict[tuple[str, str, str], Any] = {
    ("shoulders_side_higher", "left", "back"): _(
        "shoulders: the person's left side higher (on the viewer's left in this back view)"
    ),
    ("shoulders_side_higher", "right", "back"): _(
        "shoulders: the person's right side higher (on the viewer's right in this back view)"
    ),
    ("shoulders_side_higher", "left", "front"): _(
        "shoulders: the person's left side higher (on the viewer's right in this front view)"
    ),
    ("shoulders_side_higher", "right", "front"): _(
        "shoulders: the person's right side higher (on the viewer's left in this front view)"
    ),
    ("head_side_higher", "left", "back"): _(
        "head: the person's left side higher (on the viewer's left in this back view)"
    ),
    ("head_side_higher", "right", "back"): _(
        "head: the person's right side higher (on the viewer's right in this back view)"
    ),
    ("head_side_higher", "left", "front"): _(
        "head: the person's left side higher (on the viewer's right in this front view)"
    ),
    ("head_side_higher", "right", "front"): _(
        "head: the person's right side higher (on the viewer's left in this front view)"
    ),
}
# The pose model saw the other view: key is the view given.
OTHER_VIEW: dict[str, Any] = {
    "front": _(
        "The pose model took this for a back view; left and right follow the front view given."
    ),
    "back": _(
        "The pose model took this for a front view; left and right follow the back view given."
    ),
}
# One entry per form fault of the exercise tracking knowledge base.
FAULTS: dict[str, Any] = {
    "fault.biceps_curl.elbow_leaves_side": _(
        "Keep the elbow at your side; only the forearm should move."
    ),
    "fault.lateral_raise.shrugging": _(
        "Keep your shoulders down, away from your ears, as the arms rise."
    ),
    "fault.lat_pullovers.lower_back_arch": _(
        "Keep your lower back on the floor or bench as the arms go overhead."
    ),
    "fault.rotator_cuff_rotations.shrugging": _(
        "Keep your shoulders relaxed and down while you rotate."
    ),
    "fault.rotator_cuff_rotations.elbow_leaves_side": _(
        "Keep the elbow tucked against your side (a towel roll helps)."
    ),
    "fault.scapular_retraction.shrugging": _("Squeeze the shoulder blades back and down, not up."),
}
MEASURE_NAMES: dict[str, Any] = {
    "forward_head": _("Head forward of the shoulders (proxy)"),
    "shoulder_protraction": _("Shoulders forward (proxy)"),
    "trunk_lean": _("Trunk lean"),
    "shoulder_tilt": _("Shoulder tilt"),
    "head_tilt": _("Head tilt"),
    "trunk_shift": _("Trunk shift"),
    "craniovertebral_angle": _("Craniovertebral angle"),
}


def picture_labels() -> dict[str, dict[str, str]]:
    """The measures' names in each language, for the words written on the annotated photo
    (the analysis runs without Django, so it gets them as plain text)."""
    from django.conf import settings
    from django.utils import translation

    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels[language] = {key: str(name) for key, name in MEASURE_NAMES.items()}
    return labels


def analysis_text(coded: Any, english: str = "") -> str:
    """A coded text ({"code", "params"}) in the active language; else the English given."""
    if not isinstance(coded, Mapping) or not isinstance(coded.get("code"), str):
        return english
    code: str = coded["code"]
    params: Mapping[str, Any] = coded.get("params") or {}
    if code in READINGS:
        return str(READINGS[code]) % dict(params)
    if code in FAULTS:
        return str(FAULTS[code])
    key = (code, str(params.get("side")), str(params.get("view")))
    if key in SIDE_HIGHER:
        return str(SIDE_HIGHER[key])
    if code == "model_took_other_view" and params.get("view") in OTHER_VIEW:
        return str(OTHER_VIEW[params["view"]])
    if code in ERROR_TEXTS:  # a retake error that still left some measures: a warning
        return vision_message(code, params)
    return english  # a code from a newer vision package: its English is better than nothing


def measure_rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The result's measures, named and read in the active language, for a table."""
    rows = []
    for name, measure in (result.get("measures") or {}).items():
        rows.append(
            {
                "name": name,
                "label": str(MEASURE_NAMES.get(name, name)),
                "value_deg": measure.get("value_deg"),
                "confidence": measure.get("confidence"),
                "reading": analysis_text(measure.get("reading_code"), measure.get("reading", "")),
                "note": analysis_text(measure.get("note_code"), measure.get("note", "")),
            }
        )
    return rows


def fault_rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The result's form faults, their message in the active language."""
    return [
        {**fault, "message": analysis_text(fault.get("message_code"), fault.get("message", ""))}
        for fault in result.get("faults") or []
    ]


def warnings(result: Mapping[str, Any]) -> list[str]:
    """The result's warnings in the active language (the English of an older result)."""
    coded = result.get("warning_codes")
    if isinstance(coded, list) and len(coded) == len(result.get("warnings") or []):
        return [
            analysis_text(c, e) for c, e in zip(coded, result.get("warnings") or [], strict=True)
        ]
    return [str(w) for w in result.get("warnings") or []]


def headline_reading(result: Mapping[str, Any]) -> str:
    """The forward-head reading of a photo, for the summaries."""
    measure = (result.get("measures") or {}).get("forward_head") or {}
    return analysis_text(measure.get("reading_code"), measure.get("reading", ""))
