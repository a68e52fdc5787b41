"""Issue 11, item 7: the pages speak words, in the reader's language, never the code's ids.

Each page is searched in English and in Spanish, its text and its alt, aria-label and title
attributes, for a snake_case id (`lateral_raise`, `torso_lengths`, `annotated_photo`), a
dotted contract key (`pain.intensity_now`) or a Python value (`False`). The API's errors
follow Accept-Language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.conftest import SHARED_CONTRACT

from upperback.clinical.contract import Intake
from upperback.web.media import actions as media_actions
from upperback.web.records import actions

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED_KEY = re.compile(r"\b[a-z_]{2,}(?:\.[a-z_]{2,})+\b")
PYTHON_VALUE = re.compile(r"\b(?:True|False)\b")
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+")  # emails and addresses are what they are
ATTRIBUTES = """() => Array.from(document.querySelectorAll("[alt], [aria-label], [title]"))
  .flatMap(e => ["alt", "aria-label", "title"].map(a => e.getAttribute(a)).filter(Boolean))"""
LANGUAGES = ["en", "es"]
LOCALES = {"en": "en-US", "es": "es-ES"}


def raw_ids(tab: Any) -> list[str]:
    """The ids and contract keys a reader would see on the page (text and attributes)."""
    text = "\n".join([tab.locator("body").inner_text(), *tab.evaluate(ATTRIBUTES)])
    text = NOT_WORDS.sub(" ", text)
    return [
        match
        for pattern in (SNAKE_CASE, DOTTED_KEY, PYTHON_VALUE)
        for match in pattern.findall(text)
    ]


@pytest.fixture
def page_in(open_page: Callable[..., Any]) -> Callable[[str], Any]:
    """page_in("es"): a new tab whose browser asks for that language, checked by axe-core."""
    return lambda language: open_page(LOCALES[language])


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _log_in(tab: Any, user: Any, password: str, login: Callable[[Any, Any], Any]) -> Any:
    """Log in through the form (in whatever language the page speaks); the account's language
    is the browser's, as if the user had chosen it (login sets the account's language)."""
    language = "es" if "es" in tab.evaluate("navigator.language") else "en"
    actions.set_language(user=user, language=language)
    tab.goto("/accounts/login/")
    tab.locator("#id_username").fill(user.email)
    tab.locator("#id_password").fill(password)
    tab.locator("form:has(#id_username) button[type=submit]").click()
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/" in tab.url:
        from tests.browser.conftest import second_factor_code

        tab.locator("input[name=code], #id_code").first.fill(second_factor_code(user))
        tab.locator("main form button[type=submit]").last.click()
        tab.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
    return tab


def _assessment(patient: Any, example: str) -> Any:
    data = json.loads((SHARED_CONTRACT / "examples" / f"{example}.json").read_text())
    return actions.record_assessment(patient=patient, intake=Intake.model_validate(data["intake"]))


def _photo_upload(patient: Any, shared_data: Path) -> Any:
    photo = (shared_data / "photos" / "markers_side.jpg").read_bytes()
    record = media_actions.save_upload(
        patient=patient,
        uploaded=SimpleUploadedFile("side.jpg", photo, content_type="image/jpeg"),
        kind="photo",
        view="side",
    )
    media_actions.finish(
        upload=record, result={"measures": {}}, pictures={"annotated_photo": record.stored_name}
    )
    return record


def _video_upload(patient: Any, shared_data: Path) -> Any:
    clip = shared_data / "videos" / "lateral_raise_shoulder_dumbells_beginner_front_view.mp4"
    record = media_actions.save_upload(
        patient=patient,
        uploaded=SimpleUploadedFile("raise.mp4", clip.read_bytes(), content_type="video/mp4"),
        kind="video",
        view="front",
        exercise_id="lateral_raise",
    )
    repetition = {"number": 1, "range_of_motion": 0.61, "up_s": 1.2, "down_s": 1.4}
    result = {"repetitions": 1, "unit": "torso_lengths", "per_repetition": [repetition]}
    media_actions.finish(upload=record, result=result, pictures={})
    return record


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_upload_page_names_the_exercises_in_the_readers_language(
    page_in: Callable[[str], Any],
    patient: Any,
    password: str,
    login: Callable[[Any, Any], Any],
    language: str,
) -> None:
    tab = _log_in(page_in(language), patient, password, login)
    tab.goto("/camera/upload/")
    names = tab.locator("#id_exercise option").all_inner_texts()
    wanted = "Elevación lateral de brazos" if language == "es" else "Lateral raise"
    assert wanted in names
    if language == "es":
        assert "Lateral raise" not in names and "Chin tucks" not in names
    assert raw_ids(tab) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_camera_check_names_its_exercise_unit_and_pictures_in_words(
    page_in: Callable[[str], Any],
    patient: Any,
    password: str,
    login: Callable[[Any, Any], Any],
    shared_data: Path,
    language: str,
) -> None:
    video = _video_upload(patient, shared_data)
    photo = _photo_upload(patient, shared_data)
    tab = _log_in(page_in(language), patient, password, login)
    tab.goto(f"/camera/{video.pk}/")
    heading = tab.locator("h1").inner_text()
    assert ("Elevación lateral de brazos" if language == "es" else "Lateral raise") in heading
    assert raw_ids(tab) == []
    tab.goto(f"/camera/{photo.pk}/")
    alts = tab.locator("img.check-picture").evaluate_all("els => els.map(e => e.alt)")
    assert alts and all(" " in alt for alt in alts)  # a sentence, not a name
    assert raw_ids(tab) == []
    tab.goto("/camera/")
    assert raw_ids(tab) == []
    tab.goto("/progress/")
    assert raw_ids(tab) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_clinician_reads_the_answers_as_questions_and_the_consult_in_words(
    page_in: Callable[[str], Any],
    patient: Any,
    clinician: Any,
    password: str,
    login: Callable[[Any, Any], Any],
    language: str,
) -> None:
    record = _assessment(patient, "cancer-history-urgent")
    tab = _log_in(page_in(language), clinician, password, login)
    tab.goto(f"/clinic/assessments/{record.pk}/")
    # Everything folded opened (issue 22 folds the answers, the plan and the timeline).
    tab.locator("main details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    answers = tab.locator("#patient-answers")
    question = (
        "¿Cuánto le duele ahora mismo?"
        if language == "es"
        else "How bad is the pain right now? (0 = no pain, 10 = worst imaginable)"
    )
    assert question.split(" (")[0].rstrip("?") in answers.inner_text()
    assert "pain.intensity_now" not in answers.inner_text()
    main = tab.locator("main").inner_text()
    assert "≤" not in main and not re.search(r"\b\d+ d\.", main)
    assert raw_ids(tab) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_patients_result_speaks_words(
    page_in: Callable[[str], Any],
    patient: Any,
    password: str,
    login: Callable[[Any, Any], Any],
    language: str,
) -> None:
    record = _assessment(patient, "cancer-history-urgent")
    tab = _log_in(page_in(language), patient, password, login)
    tab.goto(f"/assessments/{record.pk}/")
    tab.locator("main details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    main = tab.locator("main").inner_text()
    assert ("hoy" if language == "es" else "today") in main or (
        "en menos de" if language == "es" else "within"
    ) in main
    assert raw_ids(tab) == []


@pytest.mark.parametrize(
    ("language", "detail", "line", "log_in_first", "not_found"),
    [
        (
            "en",
            "The request is not valid; see errors.",
            "pain.intensity_now: must be between",
            "Log in first.",
            "Not found.",
        ),
        (
            "es",
            "La solicitud no es válida; vea los errores.",
            "pain.intensity_now: debe estar entre",
            "Inicie sesión primero.",
            "No encontrado.",
        ),
    ],
)
def test_api_errors_speak_the_callers_language(
    page_in: Callable[[str], Any],
    patient: Any,
    password: str,
    login: Callable[[Any, Any], Any],
    language: str,
    detail: str,
    line: str,
    log_in_first: str,
    not_found: str,
) -> None:
    tab = page_in(language)
    headers = {"Accept-Language": LOCALES[language], "Content-Type": "application/json"}
    data = json.loads((SHARED_CONTRACT / "examples" / "desk-worker-self-care.json").read_text())
    data["intake"]["pain"]["intensity_now"] = 12
    invalid = tab.request.post("/api/v1/assess", data=json.dumps(data["intake"]), headers=headers)
    assert invalid.status == 422
    assert invalid.json()["detail"] == detail
    assert any(e.startswith(line) for e in invalid.json()["errors"])
    anonymous = tab.request.get("/api/v1/assessments", headers=headers)
    assert (anonymous.status, anonymous.json()["detail"]) == (401, log_in_first)
    _log_in(tab, patient, password, login)
    missing = tab.request.get("/api/v1/assessments/999999", headers=headers)
    assert (missing.status, missing.json()["detail"]) == (404, not_found)
