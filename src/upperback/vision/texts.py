"""The analysis texts of the vision package: readings, notes and warnings, each with a
stable code, its parameters and the English text.

Like the error codes (upperback.vision.errors), the code and parameters are what a caller
keeps and translates: the web app renders them through gettext in the reader's language, and
the command line prints the English below. Form-fault messages come from the exercise
tracking knowledge base; their code is "fault.<exercise id>.<fault id>". This package stays
free of Django; a web test checks that every code here has an English and a Spanish text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from upperback.vision.errors import MESSAGES as ERROR_MESSAGES
from upperback.vision.errors import placeholders

# code -> English template ({name} placeholders). Codes are stable: stored with an analysed
# upload and translated later, so rename one only with a data migration.
TEXTS: dict[str, str] = {
    # Readings of a measure
    "head_over_shoulders": "head over the shoulders",
    "head_somewhat_forward": "head somewhat forward of the shoulders",
    "head_well_forward": "head well forward of the shoulders",
    "cva_forward_head": "forward head posture (cut-off {cutoff} degrees)",
    "cva_usual_range": "within the usual range (cut-off {cutoff} degrees)",
    "shoulders_ahead": "shoulders ahead of the ear-hip line",
    "shoulders_in_line": "shoulders in line",
    "upright": "upright",
    "leaning_forward": "leaning forward",
    "leaning_back": "leaning back",
    "shoulders_level": "shoulders level",
    "head_level": "head level",
    "shoulders_side_higher": (
        "shoulders: the person's {side} side higher (on the viewer's {on_screen} in this "
        "{view} view)"
    ),
    "head_side_higher": (
        "head: the person's {side} side higher (on the viewer's {on_screen} in this {view} view)"
    ),
    "trunk_centred": "trunk centred",
    "reading_unreliable": "not reliable: the pose model's looks at this photo disagree",
    "trunk_shifted": "trunk shifted to one side",
    # Notes on a measure
    "note_forward_head_proxy": (
        "Automatic proxy from pose landmarks (ear and shoulder joint, not tragus and C7): a band, "
        "not a craniovertebral angle. Place tragus and C7 on the photo for the exact angle."
    ),
    "note_cva_source": (
        "Craniovertebral angle under about 50 degrees read as forward head posture: Oakley PA "
        "et al., J Clin Med 2024;13(7):2149 (CVA 50 degrees ~ C2-C7 SVA 20 mm); smaller angles "
        "in neck pain: Yip CH, Chiu TT, Poon AT, Man Ther 2008;13(2):148-154."
    ),
    "note_protraction_proxy": "Proxy: angle at the hip between the ear and the shoulder joint.",
    # Warnings on a report (a retake error that still left some measures is a warning too,
    # under its error code)
    "points_only": "No person found automatically; only the placed points were measured.",
    "warning_unreliable": (
        "Some readings are not reliable or were left out: the pose model read this photo "
        "differently each time it looked, or read an impossible angle. Retake it side on, "
        "with the whole upper body in view and good light."
    ),
    "model_took_other_view": (
        "The pose model took this for a {model_view} view; left and right follow the {view} "
        "view given."
    ),
}
FAULT_PREFIX = "fault."


@dataclass(frozen=True, slots=True)
class Text:
    """A text to show: its stable code and parameters; `english()` for the command line."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code.startswith(FAULT_PREFIX):
            return  # checked against the tracking knowledge base by fault_texts()
        template = TEXTS.get(self.code) or ERROR_MESSAGES.get(self.code)
        if template is None:
            raise KeyError(f"no text for vision code {self.code!r}")
        missing = placeholders(template) - set(self.params)
        if missing:
            raise KeyError(f"vision text {self.code!r} needs {', '.join(sorted(missing))}")

    def english(self) -> str:
        if self.code.startswith(FAULT_PREFIX):
            return fault_texts()[self.code]
        template = TEXTS.get(self.code) or ERROR_MESSAGES[self.code]
        words = {k: " or ".join(v) if isinstance(v, list) else v for k, v in self.params.items()}
        return template.format(**words)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


def fault_code(exercise_id: str, fault_id: str) -> str:
    return f"{FAULT_PREFIX}{exercise_id}.{fault_id}"


def fault_texts() -> dict[str, str]:
    """Every form-fault code of the tracking knowledge base, with its English message."""
    from upperback.vision.tracking_spec import load_library

    return {
        fault_code(spec.id, rule.id): rule.message
        for spec in load_library().exercises
        for rule in spec.faults
    }


def emitted_codes() -> dict[str, str]:
    """Every reading, note, warning and fault code the package can emit, with its English.

    (Errors, including a retake error kept as a warning, are in upperback.vision.errors.)
    """
    return {**TEXTS, **fault_texts()}
