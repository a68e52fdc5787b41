"""The words a page shows for a camera check's ids: the exercise, the unit of its measure and
each picture, in the reader's language (never `lateral_raise`, `torso_lengths` or
`annotated_photo`).

An exercise is named by the knowledge base: the plan's name (exercises.yaml) for an exercise
of the plan, else the tracking spec's own (exercise_tracking.yaml), so a patient reads one
name for one exercise everywhere.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from upperback.clinical import kb_name
from upperback.vision import load_library

UNITS: dict[str, Any] = {"deg": "°", "torso_lengths": _("torso lengths")}
PICTURES: dict[str, Any] = {
    "original": _("The photo as it was taken"),
    "annotated_photo": _("The photo with the body points and lines the camera found"),
    "signal_plot": _("A chart of the movement over time, one peak per repetition"),
    "contact_sheet": _("One picture from each repetition"),
}


def _language() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def exercise_name(exercise_id: str) -> str:
    language = _language()
    try:
        return kb_name("exercise", exercise_id, language)
    except KeyError:
        pass
    known = {e.id: e for e in load_library().exercises}
    if exercise_id in known:
        return str(known[exercise_id].name(language))
    return exercise_id.replace("_", " ")  # an exercise since removed: readable, not an id


def unit_name(unit: str) -> str:
    return str(UNITS.get(unit, unit.replace("_", " ")))


def picture_name(name: str) -> str:
    return str(PICTURES.get(name, _("A picture of the analysis")))
