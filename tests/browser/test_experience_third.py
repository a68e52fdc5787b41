"""Issue 22 ("the experience, third pass"), items 4 to 10, in a real browser at phone and
desktop size, in English and in Spanish where there is text. axe-core checks every page these
tests load (conftest.py), the 404 page included."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.conftest import SHARED_CONTRACT

from upperback.clinical.contract import Intake
from upperback.web.accounts.models import User
from upperback.web.media import actions as media
from upperback.web.media.models import MediaUpload
from upperback.web.records import actions as records
from upperback.web.records.models import AssessmentRecord

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "es": "es-ES"}
# Both sizes and both languages, each pair once (browser tests are slow on a shared machine).
SIZE_AND_LANGUAGE = pytest.mark.parametrize(
    ("size", "language"),
    [pytest.param(DESKTOP, "en", id="desktop-en"), pytest.param(PHONE, "es", id="phone-es")],
)


def _in(language: str, english: str, spanish: str) -> str:
    return spanish if language == "es" else english


def _tab(
    open_page: Callable[..., Any],
    user: Any,
    password: str,
    language: str,
    size: dict[str, int],
) -> Any:
    """A new tab of `user`, logged in through the form, whose account and browser speak
    `language`, at `size` (set before the first page, so axe checks every page at that size)."""
    from tests.browser.conftest import second_factor_code

    records.set_language(user=user, language=language)
    tab = open_page(LOCALES[language])
    tab.set_viewport_size(size)
    tab.goto("/accounts/login/")
    tab.locator("#id_username").fill(user.email)
    tab.locator("#id_password").fill(password)
    tab.locator("form:has(#id_username) button[type=submit]").click()
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/" in tab.url:
        tab.locator("input[name=code], #id_code").first.fill(second_factor_code(user))
        tab.locator("main form button[type=submit]").last.click()
        tab.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
    return tab


def _fits(tab: Any) -> bool:
    """No sideways scroll: the page is no wider than the window."""
    return bool(tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _assessment(patient: Any, example: str) -> AssessmentRecord:
    data = json.loads((SHARED_CONTRACT / "examples" / f"{example}.json").read_text())
    return records.record_assessment(patient=patient, intake=Intake.model_validate(data["intake"]))


@pytest.fixture
def posture_photo(patient: User, shared_data: Path, settings: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    content = (shared_data / "photos/markers_side.jpg").read_bytes()  # 213 x 369 pixels
    upload = media.save_upload(
        patient=patient,
        uploaded=SimpleUploadedFile("side.jpg", content, content_type="image/jpeg"),
        kind="photo",
        view="side",
    )
    media.finish(upload=upload, result={}, pictures={})  # analysed: the page stops refreshing
    return upload


# --- 4. Point placement refuses nonsense, shows saved points, fits the photo to the screen ---


def _place(tab: Any, name: str, x: float, y: float) -> None:
    """Choose the point, click the photo where (x, y) of the photo's own pixels is drawn."""
    photo = tab.locator("#point-photo")
    box = photo.bounding_box()
    scale = box["width"] / tab.evaluate("document.getElementById('point-photo').naturalWidth")
    tab.locator(f"#choose-{name}").check()
    photo.click(position={"x": x * scale, "y": y * scale})


@SIZE_AND_LANGUAGE
def test_item4_points_that_no_neck_has_are_refused_and_saved_ones_come_back(
    open_page: Callable[..., Any],
    clinician: User,
    password: str,
    posture_photo: MediaUpload,
    size: dict[str, int],
    language: str,
) -> None:
    tab = _tab(open_page, clinician, password, language, size)
    tab.goto(f"/camera/{posture_photo.pk}/")
    tab.wait_for_function("document.getElementById('point-photo').naturalWidth > 0")
    box = tab.locator("#point-photo").bounding_box()
    # The whole photo on the screen, its shape kept, as large as the screen allows.
    assert box["height"] <= size["height"] * 0.8 + 1
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    assert box["height"] / box["width"] == pytest.approx(369 / 213, rel=0.02)
    assert box["height"] >= size["height"] * 0.8 - 2 or box["width"] >= size["width"] - 60
    assert _fits(tab)

    # C7 above the tragus: refused, said in words, nothing saved or measured.
    _place(tab, "tragus", 100, 200)
    _place(tab, "c7", 60, 120)
    tab.locator("#points-form button[type=submit]").click()
    tab.wait_for_load_state()
    said = tab.locator(".messages").inner_text()
    assert _in(language, "craniovertebral angle lies between 0 and 90", "entre 0 y 90") in said
    assert "C7" in said
    refused = MediaUpload.objects.get(pk=posture_photo.pk)
    assert not refused.points
    assert "craniovertebral_angle" not in refused.result.get("measures", {})

    # Placed right: saved and measured; reopened, the markers stand where they were saved.
    _place(tab, "tragus", 100, 88)
    _place(tab, "c7", 60, 150)
    tab.locator("#points-form button[type=submit]").click()
    tab.wait_for_load_state()
    saved = MediaUpload.objects.get(pk=posture_photo.pk)
    assert set(saved.points) == {"tragus", "c7"}
    assert 0 < saved.result["measures"]["craniovertebral_angle"]["value_deg"] < 90
    tab.goto(f"/camera/{posture_photo.pk}/")
    tab.wait_for_function("document.querySelector('.point-marker.point-c7') !== null")
    photo = tab.locator("#point-photo").bounding_box()
    scale = photo["width"] / 213
    for name, (x, y) in saved.points.items():
        marker = tab.locator(f".point-marker.point-{name}").bounding_box()
        assert marker["x"] + marker["width"] / 2 == pytest.approx(photo["x"] + x * scale, abs=2)
        assert marker["y"] + marker["height"] / 2 == pytest.approx(photo["y"] + y * scale, abs=2)
        assert float(tab.locator(f"#id_{name}_x").input_value()) == pytest.approx(x, abs=0.1)
    assert (
        _in(language, "points saved last", "puntos guardados")
        in tab.locator("#points-placed").inner_text()
    )


# --- 7. Phone layout ---


@SIZE_AND_LANGUAGE
def test_item7_every_menu_link_is_in_view_and_camera_pages_do_not_scroll_sideways(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    posture_photo: MediaUpload,
    size: dict[str, int],
    language: str,
) -> None:
    tab = _tab(open_page, patient, password, language, size)
    tab.goto("/camera/")
    links = tab.locator("header nav a, header nav button")
    assert links.count() >= 6
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    assert _fits(tab)
    # The camera list's table scrolls in a region the keyboard reaches, named for readers.
    wrap = tab.locator("main .table-wrap").first
    assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("aria-label")
    tab.goto(f"/camera/{posture_photo.pk}/")
    assert _fits(tab)


@SIZE_AND_LANGUAGE
def test_item7_the_queue_keeps_its_columns_and_scrolling_tables_take_the_keyboard(
    open_page: Callable[..., Any],
    patient: User,
    clinician: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    _assessment(patient, "desk-worker-self-care")
    tab = _tab(open_page, clinician, password, language, size)
    tab.goto("/clinic/queue/")
    assert _fits(tab)
    row = tab.locator("#queue tbody tr").first
    for heading in (
        _in(language, "Waiting since", "Esperando desde"),
        _in(language, "Status", "Estado"),
    ):
        assert tab.locator("#queue thead").inner_text().count(heading) == 1
        cell = row.locator(f'td[data-label="{heading}"]')
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]  # in view, not off-screen
        if size == PHONE:  # each cell under its heading on a phone
            before = cell.evaluate("c => getComputedStyle(c, '::before').content")
            assert heading in before
    wrap = tab.locator(".table-wrap").first
    assert wrap.get_attribute("tabindex") == "0"
    assert wrap.get_attribute("aria-label")
    wrap.focus()
    assert wrap.evaluate("w => w === document.activeElement")


# --- 8. The red 911 page after a check-in ---


@SIZE_AND_LANGUAGE
def test_item8_the_saved_message_on_the_911_page_is_readable(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    _assessment(patient, "desk-worker-self-care")
    tab = _tab(open_page, patient, password, language, size)
    tab.goto("/progress/")
    tab.locator("#id_pain_now").fill("3")
    tab.locator("#id_pain_worst_week").fill("4")
    tab.locator("input[name=new_symptoms][value=chest_pain_or_pressure]").check()
    tab.locator("input[name=new_symptoms][value=coughing_blood]").check()
    save = _in(language, "Save today's entry", "Guardar el registro de hoy")
    tab.get_by_role("button", name=save).click()
    tab.wait_for_load_state()
    assert tab.locator("body.emergency").count() == 1
    message = tab.locator(".messages .message").first
    assert _in(language, "your check-in is saved", "guardado") in message.inner_text()
    colour = message.evaluate("m => getComputedStyle(m).color")
    assert colour == "rgb(27, 31, 36)"  # the page's ink on the pale box (axe counts contrast)


# --- 10. The 404 page, headings, the cancel button ---


@SIZE_AND_LANGUAGE
def test_item10_the_404_page_has_the_layouts_landmarks(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    tab = _tab(open_page, patient, password, language, size)
    response = tab.goto("/no-such-page/")
    assert response.status == 404
    assert tab.locator("header.site-header nav").count() == 1
    assert tab.locator("main h1").inner_text() == _in(
        language, "Page not found", "Página no encontrada"
    )
    assert tab.locator("html").get_attribute("lang") == language
    tab.get_by_role(
        "link", name=_in(language, "Back to the home page", "Volver a la página de inicio")
    ).click()
    tab.wait_for_url("**/")


@SIZE_AND_LANGUAGE
def test_item10_exercise_headings_are_not_smaller_than_the_text_and_figures_have_arms(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    record = _assessment(patient, "desk-worker-self-care")
    tab = _tab(open_page, patient, password, language, size)
    tab.goto(f"/assessments/{record.pk}/")
    sizes = tab.evaluate(
        """() => Array.from(document.querySelectorAll('main :is(h2, h3, h4, h5, h6)'))
        .map(h => parseFloat(getComputedStyle(h).fontSize))"""
    )
    text = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert sizes and min(sizes) >= text
    # Clearer stick figures: "Shoulder rolls" has arms, apart from the trunk (x = 80).
    arms = tab.locator("#exercise-shoulder_rolls_and_stretches svg line").evaluate_all(
        """lines => lines.filter(l => l.getAttribute('stroke') === '#1b1f24')
        .map(l => [+l.getAttribute('x1'), +l.getAttribute('y1'),
                   +l.getAttribute('x2'), +l.getAttribute('y2')])
        .filter(([x1, y1, x2, y2]) => Math.min(y1, y2) >= 48 && Math.max(y1, y2) > 70
                && Math.abs(x2 - 80) >= 12 && Math.abs(x1 - 80) >= 12)"""
    )
    assert len(arms) >= 2  # an upper arm on each side, at least


# --- 5. Live coaching knows its limits ---

SLOW_TEXTS = {
    "en": {
        "warning": "counting needs 15",
        "unchecked": "The clinic could not check this count",
        "passed": "Passed:",
        "title": "Live coaching: Biceps curl",
    },
    "es": {
        "warning": "contar necesita 15",
        "unchecked": "La clínica no pudo comprobar esta cuenta",
        "passed": "Correcto:",
        "title": "Entrenamiento en directo: Curl de bíceps",
    },
}


@SIZE_AND_LANGUAGE
def test_item5_below_the_rate_counting_needs_the_page_says_so_and_the_recount_too(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    from tests.conftest import SHARED_DATA

    from upperback.web.media.models import LiveSession

    texts = SLOW_TEXTS[language]
    tab = _tab(open_page, patient, password, language, size)
    # 3 frames a second: what a slow device keeps up (headless Chromium in software: 1.3).
    tab.goto("/camera/live/biceps_curl/?fps=3")
    assert tab.title().startswith(texts["title"])  # a name, not a Python dict
    assert "{" not in tab.locator("h1").inner_text()
    assert _fits(tab)
    tab.select_option("#live-view", "side")
    tab.set_input_files("#local-video", str(SHARED_DATA / "videos/sample_bicep_curl.mp4"))
    result = tab.wait_for_selector(".set-result", timeout=240_000)
    warning = tab.locator("#rate-warning")
    assert warning.is_visible() and texts["warning"] in warning.inner_text()
    assert result.get_attribute("data-checked") == "no"
    assert texts["unchecked"] in result.inner_text()
    session = LiveSession.objects.get(patient=patient)
    assert session.per_set[0]["checked"] is False
    assert session.per_set[0]["frame_rate"] == pytest.approx(3, abs=0.2)
    # Each setup check says pass or fail in words, and its style follows data-ok.
    body = tab.locator("#check-body")
    assert body.get_attribute("data-ok") == "yes"
    assert body.locator(".check-state").inner_text() == texts["passed"]
    mark = body.evaluate("b => getComputedStyle(b, '::before').content")
    assert "✓" in mark
    assert body.evaluate("b => getComputedStyle(b).color") == "rgb(30, 107, 51)"
    # The camera list says which sets could not be checked, and names the exercise.
    tab.goto("/camera/")
    sessions = tab.locator("#live-sessions").inner_text()
    assert _in(language, "could not be checked", "no se pudo comprobar") in sessions
    assert "biceps_curl" not in sessions


# --- 10. Development email: a file and one line; the sign-up link's token is opaque ---


@SIZE_AND_LANGUAGE
def test_item10_a_development_email_is_a_file_and_one_line_with_its_link(
    open_page: Callable[..., Any],
    settings: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    size: dict[str, int],
    language: str,
) -> None:
    import base64

    settings.EMAIL_BACKEND = "upperback.web.devmail.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    tab = open_page(LOCALES[language])
    tab.set_viewport_size(size)
    tab.goto("/accounts/signup/")
    tab.locator("#id_email").fill("ann@example.com")
    tab.locator("#id_first_name").fill("Ann")
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url("**/signup/sent/")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Email to")]
    assert len(lines) == 1  # one line, not the whole message
    line = lines[0]
    assert "ann@example.com" in line
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1 and str(files[0]) in line
    link = line.split("link: ", 1)[1].strip()
    assert link in files[0].read_text()
    token = link.rstrip("/").rsplit("/", 1)[1]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"ann@example.com" not in decoded and b"Ann" not in decoded  # opaque
    tab.goto(link)
    assert tab.locator("main").inner_text().count("ann@example.com") == 1  # the link works
    assert _fits(tab)


# --- 9. Slot search and calendar ---


def _soon(patient: User) -> AssessmentRecord:
    from tests.browser.test_scheduling import INTAKE

    record = records.record_assessment(patient=patient, intake=Intake.model_validate(INTAKE))
    assert record.triage == "soon"  # a physiatrist within 14 days
    return record


CLOCK = {"en": r"^\d{1,2}:\d{2} (AM|PM) P[SD]T$", "es": r"^\d{2}:\d{2} P[SD]T$"}


@SIZE_AND_LANGUAGE
def test_item9_every_later_week_pages_back_closed_days_offer_nothing_and_times_read_locally(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    from django.utils import timezone

    from upperback.web.clinic import setup
    from upperback.web.clinic.demo import load_demo_clinic

    location = load_demo_clinic()
    today = timezone.now().astimezone(location.zone).date()
    closed = today + dt.timedelta(days=2)
    setup.add_closure(location=location, date=closed, name="Holiday")
    tab = _tab(open_page, patient, password, language, size)
    tab.goto("/consultations/search/?specialty=physiatrist&days=14")
    later = _in(language, "Later days", "Días siguientes")
    earlier = _in(language, "Earlier days", "Días anteriores")
    assert tab.get_by_role("link", name=earlier).count() == 0  # the first week: nothing before
    # The closed day offers no time; the times are 12-hour in US English.
    days = tab.locator("ol.days li")
    closed_day = days.nth((closed - today).days)
    assert _in(language, "No free time", "Sin horas libres") in closed_day.inner_text()
    times = tab.locator(".day-times .time").all_inner_texts()
    assert times and all(re.match(CLOCK[language], t.split("\n")[0].strip()) for t in times)
    assert _fits(tab)
    # Weeks 2, 3 and 4 (the last two past the 14-day window) each have "Earlier days".
    for _week in range(3):
        tab.get_by_role("link", name=later).click()
        tab.wait_for_load_state()
        assert tab.get_by_role("link", name=earlier).count() == 1
    first_day = tab.locator("ol.days li").first.inner_text()
    tab.get_by_role("link", name=earlier).click()
    tab.wait_for_load_state()
    assert tab.locator("ol.days li").first.inner_text() != first_day
    assert tab.get_by_role("link", name=earlier).count() == 1  # week 3: still one before


@SIZE_AND_LANGUAGE
def test_item9_a_move_keeps_the_clinician_first_and_is_mailed_as_moved_in_words(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    from django.core import mail
    from django.utils import translation
    from tests.web.clinic.conftest import run_due_tasks

    from upperback.web.clinic import setup
    from upperback.web.clinic.demo import load_demo_clinic
    from upperback.web.clinic.models import Appointment

    setup.set_cancellation_window(location=load_demo_clinic(), hours=0)
    record = _soon(patient)
    tab = _tab(open_page, patient, password, language, size)
    tab.goto(f"/consultations/assessment/{record.pk}/")
    tab.locator("ul.slots li.card").first.get_by_role("button").click()
    tab.wait_for_url("**/appointments/*/")
    booked = Appointment.objects.get(patient=patient)
    # The appointment page: the visit type and the date in the reader's words.
    heading = tab.locator("main h1").inner_text()
    with translation.override(language):
        type_name = booked.appointment_type.display_name
    assert heading == type_name
    if language == "es":
        assert heading != booked.appointment_type.name
        assert re.search(
            r"(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de ",
            tab.locator("main").inner_text(),
        )
    # "Cancel this appointment" is the secondary action: white, not the accent's fill.
    cancel = tab.get_by_role(
        "button", name=_in(language, "Cancel this appointment", "Cancelar esta cita")
    )
    assert cancel.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
    run_due_tasks()
    mail.outbox.clear()
    tab.get_by_role(
        "link", name=_in(language, "Move to another time", "Cambiar a otra hora")
    ).click()
    tab.wait_for_url("**/reschedule/")
    cards = tab.locator("ul.slots li.card")
    assert booked.clinician.name in cards.first.inner_text()  # her clinician first
    cards.first.get_by_role("button").click()
    tab.wait_for_url("**/appointments/*/")
    run_due_tasks()
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [_in(language, "Your appointment is moved", "Su cita se ha cambiado")]
    body = mail.outbox[0].body
    assert type_name in body
    assert ("Physical therapy" not in body and "consultation" not in body) or language == "en"


@SIZE_AND_LANGUAGE
def test_item9_staff_see_the_whole_clinic_and_another_calendar_and_badges_differ(
    open_page: Callable[..., Any],
    patient: User,
    clinician: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    from django.utils import timezone

    from upperback.web.clinic import actions as clinic_actions
    from upperback.web.clinic.demo import load_demo_clinic
    from upperback.web.clinic.models import AppointmentType, Clinician
    from upperback.web.clinic.slots import find_slots

    location = load_demo_clinic()
    other = Clinician.objects.exclude(user=clinician).filter(specialty="physiatrist").first()
    kind = AppointmentType.objects.get(code="spine-consultation")
    now = timezone.now()
    slot = find_slots(
        appointment_type=kind, clinician_id=other.pk, start=now, end=now + dt.timedelta(days=14)
    )[0]
    clinic_actions.book(
        patient=patient,
        clinician=other,
        location=location,
        appointment_type=kind,
        starts_at=slot.starts_at,
    )
    day = slot.starts_at.astimezone(location.zone).date().isoformat()
    _soon(patient)
    second = User.objects.create_user(email="bea@example.com", password=password, role="patient")
    _assessment(second, "desk-worker-self-care")
    tab = _tab(open_page, clinician, password, language, size)
    # Another clinician's calendar: readable (not a bare 404), without the forms that act on it.
    response = tab.goto(f"/clinic/calendar/?clinician={other.pk}&date={day}")
    assert response.status == 200
    assert other.name in tab.locator("main h1").inner_text()
    assert (
        "alice@example.com" in tab.locator("main").inner_text()
        or "Alice" in tab.locator("main").inner_text()
    )
    assert tab.locator("main form[action*='/cancel/']").count() == 0
    # The whole clinic, a day and a week.
    for view in ("", "&view=week"):
        tab.goto(f"/clinic/calendar/?clinician=all&date={day}{view}")
        main = tab.locator("main").inner_text()
        assert _in(language, "The whole clinic's calendar", "Agenda de toda la clínica") in main
        assert other.name in main
        assert _fits(tab)
    # Triage badges in the queue differ in words and in colour.
    tab.goto("/clinic/queue/")
    badges = tab.locator("#queue .triage-badge")
    assert badges.count() == 2
    looks = badges.evaluate_all(
        "bs => bs.map(b => [b.innerText, getComputedStyle(b).backgroundColor])"
    )
    assert looks[0][0] != looks[1][0] and looks[0][1] != looks[1][1]


# --- 6. Every word from the catalogues ---


@SIZE_AND_LANGUAGE
def test_item6_the_language_picked_is_stored_and_used_on_every_page(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    size: dict[str, int],
    language: str,
) -> None:
    """Picked in one browser: the page, the account (emails, the next login) and the same
    person's other browser all speak it."""
    other = "en" if language == "es" else "es"
    here = _tab(open_page, patient, password, other, size)
    there = _tab(open_page, patient, password, other, size)
    here.goto("/progress/")
    here.locator("#language-select").select_option(language)
    here.locator("#language-submit").click()
    here.wait_for_load_state()
    assert here.locator("html").get_attribute("lang") == language
    patient.refresh_from_db()
    assert patient.preferred_language == language  # the emails' language
    there.goto("/progress/")  # another browser, its cookie still the old language
    assert there.locator("html").get_attribute("lang") == language
    assert there.get_by_role("link", name=_in(language, "Progress", "Evolución")).count() >= 1


# English words and raw ids that must not reach a Spanish reader (issue 22, item 6).
ENGLISH = [
    "female",
    "Female",
    "gradual",
    "Between the shoulder blades",
    "Shoulder rolls",
    "Lat pullovers",
    "Rotator cuff",
    "Chin tucks",
    "Scapular retraction",
    "Biceps curl",
    "Physical therapy session",
    "New spine consultation",
    "CVA ",
    "blood thinner",
    "Craniovertebral",
    "Head forward",
]
RAW_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+")


def _english_left(text: str) -> list[str]:
    text = NOT_WORDS.sub(" ", text)
    return [w for w in ENGLISH if w in text] + RAW_ID.findall(text)


def _page_words(tab: Any) -> str:
    attributes = tab.evaluate(
        """() => Array.from(document.querySelectorAll("[alt], [aria-label], [title]"))
        .flatMap(e => ["alt", "aria-label", "title"].map(a => e.getAttribute(a)).filter(Boolean))"""
    )
    return "\n".join([tab.title(), tab.locator("body").inner_text(), *attributes])


@pytest.mark.parametrize(
    "size", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
)
def test_item6_spanish_pages_the_pdf_and_the_photo_speak_spanish(
    open_page: Callable[..., Any],
    patient: User,
    password: str,
    posture_photo: MediaUpload,
    shared_data: Path,
    tmp_path: Path,
    size: dict[str, int],
) -> None:
    import pypdfium2 as pdfium

    from upperback.web.clinic import setup
    from upperback.web.clinic.demo import load_demo_clinic
    from upperback.web.media.analysis import analyse_photo_file
    from upperback.web.media.analysis_texts import picture_labels

    setup.set_cancellation_window(location=load_demo_clinic(), hours=0)
    record = _assessment(patient, "desk-worker-self-care")
    # The photo analysed as the worker does: a copy with Spanish words beside the English.
    result, pictures = analyse_photo_file(
        shared_data / "photos/markers_side.jpg", "side", {}, tmp_path, picture_labels()
    )
    from upperback.web.media import storage

    stored = {
        name: storage.relative(storage.absolute(posture_photo.stored_name).parent / path.name)
        for name, path in pictures.items()
    }
    for name, path in pictures.items():
        target = storage.absolute(stored[name])
        target.write_bytes(path.read_bytes())
    media.finish(
        upload=MediaUpload.objects.get(pk=posture_photo.pk), result=result, pictures=stored
    )
    media.record_live_set(
        patient=patient,
        key="session-1234",
        exercise_id="biceps_curl",
        view="side",
        tracking_version="test",
        experimental=False,
        reps_browser=3,
        reps_server=3,
        details={"checked": False, "frame_rate": 3.0},
    )
    # A check-in made in English: its stored decision keeps English words.
    tab = _tab(open_page, patient, password, "en", size)
    tab.goto("/progress/")
    tab.locator("#id_pain_now").fill("2")
    tab.locator("#id_pain_worst_week").fill("3")
    tab.locator("#id_sessions_lat_pullovers").fill("7")
    tab.get_by_role("button", name="Save today's entry").click()
    tab.wait_for_load_state()
    tab.locator("#language-select").select_option("es")
    tab.locator("#language-submit").click()
    tab.wait_for_load_state()
    pages = ["/progress/", "/camera/", f"/camera/{posture_photo.pk}/", f"/assessments/{record.pk}/"]
    pages.append("/camera/live/shoulder_rolls_and_stretches/")
    found: dict[str, list[str]] = {}
    for url in pages:
        tab.goto(url)
        found[url] = _english_left(_page_words(tab))
    # The Spanish PDF.
    report = tab.request.get("/progress/report.pdf")
    assert report.status == 200
    text = "\n".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(report.body()))
    found["report.pdf"] = _english_left(text)
    assert "Mujer" in text and "Poco a poco" in text  # the answers in the intake's words
    # The annotated photo served to a Spanish reader is the copy written in Spanish.
    served = tab.request.get(f"/camera/{posture_photo.pk}/file/annotated_photo/")
    assert served.body() == pictures["annotated_photo.es"].read_bytes()
    assert {url: words for url, words in found.items() if words} == {}
