"""Issue 11, items 5, 8 and 9, in a real browser: choosing a day and a time (from an
assessment, its recommendation kept throughout), placing tragus and C7 on a posture photo,
and the clinician's flow (login lands on the queue; an override says what changed)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

# INTAKE: a desk worker whose arm has gone numb ("soon", a physiatrist, 14 days)
from tests.browser.test_scheduling import INTAKE

from upperback.clinical import kb_name
from upperback.clinical.contract import Intake
from upperback.web.accounts.models import User
from upperback.web.clinic.demo import load_demo_clinic
from upperback.web.clinic.models import Appointment
from upperback.web.media import actions as media
from upperback.web.media.models import MediaUpload
from upperback.web.records import actions as records
from upperback.web.records.models import AssessmentRecord

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
LANGUAGES = [pytest.param("en", id="en"), pytest.param("es", id="es")]


def speak(page: Any, language: str) -> None:
    """After logging in: pages in `language`, switched with the header's own form (which
    stores it on the account: issue 22, the account's language decides every page)."""
    if page.locator("html").get_attribute("lang") == language:
        return
    page.locator("#language-select").select_option(language)
    page.locator("#language-submit").click()
    page.wait_for_load_state()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


# --- 5. Slot search: days to choose from, every clinician, paging, the assessment kept ---

TEXTS = {
    "en": {"times": r"\d+ free times?", "later": "Later days", "search": "Search"},
    "es": {"times": r"\d+ horas? libres?", "later": "Días siguientes", "search": "Buscar"},
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_two_week_search_shows_days_with_their_free_times_across_clinicians_and_pages(
    page: Any,
    login: Callable[[Any, Any], Any],
    patient: User,
    size: dict[str, int],
    language: str,
) -> None:
    load_demo_clinic()
    page.set_viewport_size(size)
    login(page, patient)
    speak(page, language)
    page.goto("/consultations/search/?specialty=physical_therapist&days=14")
    days = page.locator(".days li")
    assert days.count() == 7  # a week at a time
    counts = page.locator(".days .day-count").all_inner_texts()
    free = [text for text in counts if re.fullmatch(TEXTS[language]["times"], text.strip())]
    assert len(free) >= 4  # weekdays and Saturday: several days to choose from
    # A Tuesday, Thursday or Saturday: both physical therapists work (Sam Lee only weekdays).
    both = next(
        link
        for link in page.locator("a.day").all()
        if page.evaluate(
            "d => [2, 4].includes(new Date(d + 'T12:00').getDay())",
            query_of(link.get_attribute("href"))["day"][0],
        )
    )
    both.click()
    assert page.locator("a.day.chosen[aria-current=date]").count() == 1
    clinicians = page.locator("h3.clinician").all_inner_texts()
    assert any("Sam Lee" in c for c in clinicians) and any("Ana Morales" in c for c in clinicians)
    assert page.locator(".times button").count() > 12  # the whole day, not the first dozen
    first_week = page.locator(".days .day-name").first.inner_text()
    page.get_by_role("link", name=TEXTS[language]["later"]).click()
    assert page.locator(".days .day-name").first.inner_text() != first_week
    assert page.locator(".times button").count() > 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"]  # nothing wider than the screen


def soon_record(patient: User) -> AssessmentRecord:
    record = records.record_assessment(patient=patient, intake=Intake.model_validate(INTAKE))
    assert record.assessment["consult"]["specialty"] == "physiatrist"
    return record


@pytest.mark.parametrize("size", SIZES)
def test_find_a_time_from_an_assessment_keeps_its_specialty_window_and_id_to_the_booking(
    page: Any,
    login: Callable[[Any, Any], Any],
    patient: User,
    size: dict[str, int],
) -> None:
    load_demo_clinic()
    record = soon_record(patient)
    window = record.assessment["consult"]["within_days"]
    page.set_viewport_size(size)
    login(page, patient)
    page.goto(f"/consultations/assessment/{record.pk}/")
    page.get_by_role("link", name="More days and times").click()
    assert page.get_by_label("Specialty").input_value() == "physiatrist"
    assert page.get_by_label("Within days").input_value() == str(window)
    assert query_of(page.url)["assessment"] == [str(record.pk)]
    page.locator("a.day").last.click()  # another day: the link keeps the assessment
    assert query_of(page.url)["assessment"] == [str(record.pk)]
    page.get_by_role("button", name="Search").click()  # the form keeps it too
    assert query_of(page.url)["assessment"] == [str(record.pk)]
    assert query_of(page.url)["specialty"] == ["physiatrist"]
    page.locator(".times button").first.click()
    page.wait_for_url("**/appointments/*/")
    booked = Appointment.objects.get(patient=patient)
    assert booked.assessment_id == record.pk
    assert booked.clinician.specialty == "physiatrist"


def test_the_search_follows_the_current_triage_after_an_override(
    page: Any,
    login: Callable[[Any, Any], Any],
    patient: User,
    clinician: User,
) -> None:
    load_demo_clinic()
    record = soon_record(patient)
    records.override_assessment(
        record=record, author=clinician, new_triage="urgent", reason="Numbness spreading"
    )
    login(page, patient)
    page.goto(f"/consultations/search/?assessment={record.pk}")
    assert page.get_by_label("Specialty").input_value() == "physiatrist"
    assert page.get_by_label("Within days").input_value() == "1"  # urgent: today


def test_a_search_without_a_recommendation_does_not_pick_a_specialty(
    page: Any, login: Callable[[Any, Any], Any], patient: User
) -> None:
    load_demo_clinic()
    login(page, patient)
    page.goto("/consultations/search/")
    assert page.get_by_label("Specialty").input_value() == ""  # not the first in the list


# --- 8. Point placement on a posture photo ---

POINT_TEXTS = {
    "en": {
        "next_tragus": "Next point: Tragus. Click where it is on the photo.",
        "next_c7": "Next point: C7. Click where it is on the photo.",
        "none": "Place the tragus and C7 on the photo first.",
        "save": "Save points",
    },
    "es": {
        "next_tragus": "Siguiente punto: Trago. Haga clic donde está en la foto.",
        "next_c7": "Siguiente punto: C7. Haga clic donde está en la foto.",
        "none": "Coloque primero el trago y C7 en la foto.",
        "save": "Guardar puntos",
    },
}


@pytest.fixture
def posture_photo(patient: User, shared_data: Path, settings: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    content = (shared_data / "photos/markers_side.jpg").read_bytes()
    upload = media.save_upload(
        patient=patient,
        uploaded=SimpleUploadedFile("side.jpg", content, content_type="image/jpeg"),
        kind="photo",
        view="side",
    )
    media.finish(upload=upload, result={}, pictures={})  # analysed: the page stops refreshing
    return upload


@pytest.mark.parametrize(
    ("size", "language"),
    [pytest.param(DESKTOP, "en", id="desktop-en"), pytest.param(PHONE, "es", id="phone-es")],
)
def test_the_clinician_places_tragus_and_c7_with_markers_the_mouse_and_the_keyboard(
    page: Any,
    login: Callable[[Any, Any], Any],
    clinician: User,
    posture_photo: MediaUpload,
    size: dict[str, int],
    language: str,
) -> None:
    texts = POINT_TEXTS[language]
    page.set_viewport_size(size)
    login(page, clinician)
    speak(page, language)
    page.goto(f"/camera/{posture_photo.pk}/")
    page.wait_for_function("document.getElementById('point-photo').naturalWidth > 0")
    photo = page.locator("#point-photo")
    box = photo.bounding_box()
    content = page.locator("main").evaluate(
        "m => m.clientWidth - 2 * parseFloat(getComputedStyle(m).paddingLeft)"
    )
    natural = page.evaluate(
        "() => { const p = document.getElementById('point-photo');"
        " return [p.naturalWidth, p.naturalHeight]; }"
    )
    # As large as the screen allows (issue 22: the content's width, at most 80% of its height).
    fitted = min(content, 0.8 * size["height"] * natural[0] / natural[1])
    assert box["width"] == pytest.approx(fitted, abs=2)
    assert box["height"] / box["width"] == pytest.approx(natural[1] / natural[0], rel=0.02)

    # Saving nothing says so, and sends nothing.
    page.get_by_role("button", name=texts["save"]).click()
    assert page.get_by_role("alert").inner_text() == texts["none"]
    assert MediaUpload.objects.get().points in ({}, None, [])

    # The next point is said; a click leaves a labelled marker, and moves on to C7.
    assert page.locator("#point-next").inner_text() == texts["next_tragus"]
    scale = box["width"] / natural[0]
    photo.click(position={"x": 100.4 * scale, "y": 87.8 * scale})
    tragus = page.locator(".point-marker.point-tragus")
    assert tragus.is_visible()
    marker = tragus.bounding_box()
    assert marker["x"] + marker["width"] / 2 == pytest.approx(box["x"] + 100.4 * scale, abs=2)
    assert page.locator("#point-next").inner_text() == texts["next_c7"]
    assert page.locator("#choose-c7").is_checked()

    # Keyboard: Enter on the photo places C7 in its middle; arrows move the focused marker.
    page.locator("#point-stage").focus()
    page.keyboard.press("Enter")
    c7 = page.locator(".point-marker.point-c7")
    assert c7.evaluate("m => m === document.activeElement")
    assert "C7" in c7.get_attribute("aria-label")
    start = float(page.locator("#id_c7_x").input_value())
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    assert float(page.locator("#id_c7_x").input_value()) == pytest.approx(start - 11)

    # Choosing a point again re-places that one, not the other.
    page.locator("#choose-tragus").check()
    photo.click(position={"x": 100.4 * scale, "y": 70.0 * scale})
    assert float(page.locator("#id_tragus_y").input_value()) == pytest.approx(70.0, abs=1)
    assert float(page.locator("#id_c7_x").input_value()) == pytest.approx(start - 11)
    page.get_by_role("button", name=texts["save"]).click()
    page.wait_for_load_state()
    assert set(MediaUpload.objects.get().points) == {"tragus", "c7"}


def test_saving_points_without_the_script_still_says_what_is_missing(
    page: Any, login: Callable[[Any, Any], Any], clinician: User, posture_photo: MediaUpload
) -> None:
    login(page, clinician)
    page.goto(f"/camera/{posture_photo.pk}/")
    page.evaluate("document.getElementById('points-form').submit()")  # past the script's check
    page.wait_for_load_state()
    assert "Place the tragus and C7 on the photo first." in page.locator(".messages").inner_text()


# --- 9. The clinician's flow ---


def test_after_login_a_clinician_lands_on_the_queue_and_a_patient_at_home(
    browser: Any,
    live_server: Any,
    page: Any,
    login: Callable[[Any, Any], Any],
    patient: User,
    clinician: User,
) -> None:
    login(page, clinician)
    assert urlparse(page.url).path == "/clinic/queue/"
    assert page.get_by_role("heading", level=1).inner_text() == "Patient queue"
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    home = login(context.new_page(), patient)
    assert urlparse(home.url).path == "/"
    context.close()


SAID = {
    "en": "Override saved. The triage is now {new} (it was {old}).",
    "es": "Cambio guardado. El triaje es ahora {new} (era {old}).",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_an_override_the_clinician_is_told_what_changed(
    page: Any,
    login: Callable[[Any, Any], Any],
    patient: User,
    clinician: User,
    language: str,
) -> None:
    record = soon_record(patient)
    login(page, clinician)
    speak(page, language)
    page.goto(f"/clinic/assessments/{record.pk}/")
    page.locator("#override-form select").first.select_option("urgent")
    page.locator("#override-form textarea").first.fill("Numbness spreading to the hand")
    page.locator("#override-form button[type=submit]").click()
    page.wait_for_load_state()
    said = SAID[language].format(
        new=kb_name("triage_short", "urgent", language),
        old=kb_name("triage_short", "soon", language),
    )
    assert said in page.locator(".messages").inner_text()
    assert AssessmentRecord.objects.get(pk=record.pk).current_triage == "urgent"
    assert timezone.now() - AssessmentRecord.objects.get(pk=record.pk).reviewed_at < dt.timedelta(
        minutes=5
    )
