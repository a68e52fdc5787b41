"""Texts in English and Spanish, the exercise library, questions, and error lines."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from tests.clinical.vignettes import desk_strain

from upperback.clinical import (
    Intake,
    assess,
    citation,
    exercise_library,
    knowledge_base_version,
    translate,
    validation_messages,
)

LIBRARY = {
    "shoulder_rolls_and_stretches",
    "lat_pullovers",
    "rotator_cuff_rotations",
    "chin_tucks",
    "scapular_retraction",
}


def test_the_assessment_speaks_spanish_when_asked() -> None:
    assessment = assess(desk_strain(history=["peptic_ulcer_or_gi_bleed"]), language="es")
    assert assessment.language == "es"
    assert "diagnóstico" in assessment.disclaimer
    assert "úlcera" in assessment.withheld[0].because
    rest = assessment.plan[0]
    assert "reposo" in rest.because


def test_translate_rerenders_a_stored_assessment_from_its_ids() -> None:
    english = assess(desk_strain(symptoms=["rash_on_painful_area"]))
    spanish = translate(english, "es")
    assert spanish == assess(desk_strain(symptoms=["rash_on_painful_area"]), language="es")
    assert translate(spanish, "en") == english


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language must be one of en, es"):
        assess(desk_strain(), language="fr")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_exercise_library_holds_every_exercise_in_both_languages(language: str) -> None:
    library = exercise_library(language)
    assert {exercise.id for exercise in library} >= LIBRARY
    for exercise in library:
        assert exercise.name and exercise.progression and exercise.instructions


def test_the_exercise_names_differ_between_languages() -> None:
    english = {e.id: e.name for e in exercise_library("en")}
    spanish = {e.id: e.name for e in exercise_library("es")}
    assert english["chin_tucks"] != spanish["chin_tucks"]


def test_every_assessment_records_the_knowledge_base_version() -> None:
    assert assess(desk_strain()).knowledge_base == knowledge_base_version()


def test_a_citation_key_resolves_to_its_full_reference() -> None:
    assert "Farrar" in citation("farrar2001")


def test_unanswered_questions_that_could_raise_the_triage_are_listed() -> None:
    minimal: dict[str, Any] = {
        "contract": "1",
        "age": 40,
        "sex": "male",
        "pain": {"intensity_now": 3, "duration_days": 5},
    }
    questions = assess(minimal).questions
    assert {"symptoms", "history", "pain.character", "pain.trigger"} <= set(questions)


def test_answered_fields_are_not_asked_again() -> None:
    questions = assess(desk_strain()).questions
    assert "symptoms" not in questions
    assert "history" not in questions


def test_questions_that_cannot_raise_an_emergency_are_not_asked() -> None:
    minimal: dict[str, Any] = {
        "contract": "1",
        "age": 40,
        "sex": "male",
        "pain": {"intensity_now": 3, "duration_days": 5, "character": ["tearing_or_ripping"]},
    }
    assert assess(minimal).questions == []


def test_validation_messages_name_the_field_for_the_web_api_too() -> None:
    with pytest.raises(ValidationError) as error:
        Intake.model_validate(desk_strain(pain_intensity_worst_week=12, work={"x": 1}))
    assert validation_messages(error.value) == [
        "pain.intensity_worst_week: must be between 0 and 10",
        "work.x: is not a field of the contract",
    ]
