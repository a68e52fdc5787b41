"""Issue 22 item 3: words for the reader. After a clinician's override the patient reads who
decided (not the engine's "a warning sign in your answers"), never the clinic's reason; the
clinician's pages speak of "the patient", never "you" or a guessed "her". English and Spanish."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from upperback.clinical import Intake
from upperback.web.records import actions

CLINIC_REASON = "MSK r/o facet, hx neg"
NOTE = "Please see the spine doctor; rest the exercises until then."
LANGUAGES = pytest.mark.parametrize("language", ["en", "es"])


def _in(language: str, english: str, spanish: str) -> str:
    return spanish if language == "es" else english


def _speak(client: Client, user: Any, language: str) -> None:
    """The reader's language: the one stored on her account decides her pages."""
    actions.set_language(user=user, language=language)
    client.cookies["django_language"] = language


def _overridden(alice: Any, bob: Any, desk_worker: dict[str, Any]) -> Any:
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    assert record.triage == "self_care"
    actions.override_assessment(
        record=record,
        author=bob,
        new_triage="soon",
        reason=CLINIC_REASON,
        plan_note=NOTE,
        removed_steps=["exercise_program"],
        specialty="physiatrist",
    )
    return record


@LANGUAGES
def test_the_patient_reads_who_decided_not_a_warning_sign(
    alice: Any, bob: Any, alice_client: Client, desk_worker: dict[str, Any], language: str
) -> None:
    record = _overridden(alice, bob, desk_worker)
    _speak(alice_client, alice, language)
    page = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    with translation.override(language):
        from upperback.clinical import Assessment, translate, with_triage

        engine = with_triage(Assessment.model_validate(record.assessment), "soon")
        engine_words = translate(engine, language).consult.because
    assert engine_words and engine_words not in page  # the engine's reason for a "soon" level
    assert (
        _in(language, "A warning sign in your answers", "señal de alarma en sus respuestas")
        not in page
    )
    assert (
        _in(
            language,
            "A clinician set this after reviewing your answers.",
            "Un clínico lo decidió tras revisar sus respuestas.",
        )
        in page
    )
    assert (
        _in(
            language,
            "Set by Bob Nguyen, a clinician, on",
            "Lo fijó Bob Nguyen, clínico del equipo, el",
        )
        in page
    )
    assert _in(language, "The clinician recommends:", "El clínico recomienda:") in page
    assert CLINIC_REASON not in page  # the clinic's shorthand stays with the clinic
    assert NOTE in page  # the note written for her, as the removed step's reason too


@LANGUAGES
def test_the_clinicians_page_speaks_of_the_patient(
    alice: Any, bob: Any, bob_client: Client, desk_worker: dict[str, Any], language: str
) -> None:
    record = _overridden(alice, bob, desk_worker)
    _speak(bob_client, bob, language)
    page = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    wanted = {
        "en": [
            "The plan</h2>",
            "The patient, at home",
            "A clinician set the triage after reviewing the answers.",
        ],
        "es": [
            "El plan</h2>",
            "El paciente, en casa",
            "Un clínico fijó el triaje tras revisar las respuestas.",
        ],
    }
    unwanted = {
        "en": [
            "Your plan",
            "You, at home",
            "Her choice",
            "Her reason",
            "from your answers",
            "Your next step",
        ],
        "es": [
            "Su plan",
            "Usted, en casa",
            "de la paciente",
            "según sus respuestas",
            "Su próximo paso",
        ],
    }
    for text in wanted[language]:
        assert text in page, text
    for text in unwanted[language]:
        assert text not in page, text
    assert CLINIC_REASON in page  # the clinic reads its own reason
    # The override form: the clinic's reason, the patient's note and who to see, in her language.
    for text in {
        "en": [
            "Reason, kept for the clinic (required)",
            "Note the patient reads",
            "Who the patient should see",
        ],
        "es": [
            "Motivo, para la clínica (obligatorio)",
            "Nota que lee el paciente",
            "A quién debe ver el paciente",
        ],
    }[language]:
        assert text in page, text


@LANGUAGES
def test_the_patients_choices_table_guesses_no_pronoun(
    alice: Any, bob: Any, bob_client: Client, desk_worker: dict[str, Any], language: str
) -> None:
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    from upperback.web.choosing import actions as choosing_actions

    choosing_actions.record_preferences(
        record=record, choices=[{"step": "exercise_program", "choice": "rather_not"}]
    )
    _speak(bob_client, bob, language)
    page = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    assert 'id="patient-preferences"' in page
    assert "Her choice" not in page and "Her reason" not in page
    assert "la paciente" not in page
    assert _in(language, "The patient's choice", "Su elección") in page
