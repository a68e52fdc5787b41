"""Issue 11, item 7: the words behind the pages (the browser checks are in
tests/browser/test_experience_words.py)."""

from __future__ import annotations

import pytest
from django.utils import translation
from pydantic import ValidationError

from upperback.clinical import Intake, validation_messages
from upperback.vision import load_library
from upperback.web.media.names import exercise_name, picture_name, unit_name
from upperback.web.records.templatetags.upperback_extras import within_days


@pytest.mark.parametrize(
    ("language", "days", "words"),
    [
        ("en", 0, "today"),
        ("en", 1, "within 1 day"),
        ("en", 14, "within 14 days"),
        ("es", 0, "hoy"),
        ("es", 3, "en menos de 3 días"),
    ],
)
def test_a_consultation_time_limit_reads_as_words(language: str, days: int, words: str) -> None:
    with translation.override(language):
        assert within_days(days) == words
    assert within_days(None) == ""


def test_every_tracked_exercise_has_a_name_in_each_language() -> None:
    for exercise in load_library().exercises:
        with translation.override("es"):
            spanish = exercise_name(exercise.id)
        with translation.override("en"):
            english = exercise_name(exercise.id)
        assert "_" not in spanish + english and spanish != english


def test_a_plan_exercise_is_named_as_the_plan_names_it() -> None:
    with translation.override("en"):
        assert exercise_name("scapular_retraction") == (
            "Scapular retraction (shoulder-blade squeezes)"
        )
    with translation.override("es"):
        assert exercise_name("lateral_raise") == "Elevación lateral de brazos"
        assert exercise_name("gone_exercise") == "gone exercise"


def test_units_and_pictures_are_named() -> None:
    with translation.override("es"):
        assert unit_name("torso_lengths") == "longitudes de tronco"
        assert "foto" in picture_name("annotated_photo")
    assert unit_name("deg") == "°"


def test_validation_messages_speak_spanish_too() -> None:
    with pytest.raises(ValidationError) as error:
        Intake.model_validate({"contract": "1", "age": 200, "sex": "x"})
    lines = validation_messages(error.value, language="es")
    assert "age: debe estar entre 12 y 110" in lines
    assert any(line.startswith("sex: 'x' no es uno de:") for line in lines)
    assert "pain: es obligatorio" in lines
    assert "age: must be between 12 and 110" in validation_messages(error.value)
