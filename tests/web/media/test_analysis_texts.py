"""The camera analysis's readings, warnings and form faults reach the patient in their
language.

The vision package gives each reading, note, warning and form fault a stable code and
parameters next to its English (upperback.vision.texts); the media app renders the codes
through gettext. The results here come from the vision package's own pure code (a pose built
by hand, an exercise report built from the tracking knowledge base), stored through the media
app's actions: no pose model runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from upperback.vision.errors import MESSAGES as ERROR_MESSAGES
from upperback.vision.exercise import ExerciseReport
from upperback.vision.faults import FaultEpisode
from upperback.vision.landmarks import Joint, Landmark, Pose
from upperback.vision.posture import analyse_pose
from upperback.vision.texts import TEXTS, Text, emitted_codes, placeholders
from upperback.vision.tracking_spec import load_library
from upperback.web.media import actions, analysis_texts
from upperback.web.media.analysis_texts import (
    FAULTS,
    OTHER_VIEW,
    READINGS,
    SIDE_HIGHER,
    analysis_text,
)
from upperback.web.media.models import Kind, MediaUpload, Status

CATALOGUE = Path(analysis_texts.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
PERCENT_NAME = re.compile(r"%\((\w+)\)s")


def _every_coded_text() -> list[Text]:
    """One Text for every code the vision package can emit, with every parameter value."""
    texts: list[Text] = []
    for code in emitted_codes():
        if code.endswith("_side_higher"):
            texts += [
                Text(code, {"side": side, "on_screen": "x", "view": view})
                for side in ("left", "right")
                for view in ("front", "back")
            ]
        elif code == "model_took_other_view":
            texts += [Text(code, {"model_view": "x", "view": view}) for view in ("front", "back")]
        else:
            params = TEXTS.get(code, "")
            texts.append(Text(code, {name: "50" for name in placeholders(params)}))
    return texts


def test_every_code_the_vision_package_emits_has_an_english_and_a_spanish_text() -> None:
    spanish = {entry.msgid: entry.msgstr for entry in polib.pofile(str(CATALOGUE))}
    codes = emitted_codes()
    assert any(code.startswith("fault.") for code in codes)  # the knowledge base's faults
    for text in _every_coded_text():
        assert text.english(), text.code  # the command line's English
        with translation.override("en"):
            english = analysis_text(text.to_json())
        assert english, f"{text.code}: no English web text"
        with translation.override("es"):
            in_spanish = analysis_text(text.to_json())
        # Not the English fallback of an unknown code: a Spanish text of its own.
        assert in_spanish and in_spanish != english, f"{text.code} {text.params}: no Spanish"
    # Every web text has its Spanish, with the same parameters.
    for template in [*READINGS.values(), *FAULTS.values(), *SIDE_HIGHER.values()]:
        with translation.override("en"):
            msgid = str(template)
        assert spanish.get(msgid), f"no Spanish for {msgid!r}"
        assert set(PERCENT_NAME.findall(spanish[msgid])) == set(PERCENT_NAME.findall(msgid))
    for template in OTHER_VIEW.values():
        with translation.override("en"):
            assert spanish.get(str(template))


def test_the_web_holds_no_text_for_a_code_the_vision_package_does_not_emit() -> None:
    emitted = set(emitted_codes())
    assert set(READINGS) <= emitted and set(FAULTS) <= emitted
    assert {code for code, _, _ in SIDE_HIGHER} <= emitted
    for code in READINGS:
        assert set(PERCENT_NAME.findall(str(READINGS[code]))) <= placeholders(TEXTS[code])


def test_a_retake_warning_uses_the_error_texts() -> None:
    assert "shoulders_not_in_view" in ERROR_MESSAGES
    coded = {"code": "shoulders_not_in_view", "params": {}}
    with translation.override("en"):
        english = analysis_text(coded)
    with translation.override("es"):
        assert analysis_text(coded) not in ("", english)


def _back_view_pose() -> Pose:
    """A back view whose model labels are swapped (the person's left shoulder, on the
    viewer's left, is higher, but the model calls it the right one)."""
    spots = {
        Joint.RIGHT_SHOULDER: (250.0, 190.0),  # viewer's left, higher
        Joint.LEFT_SHOULDER: (390.0, 210.0),
        Joint.RIGHT_EAR: (300.0, 120.0),
        Joint.LEFT_EAR: (340.0, 120.0),
        Joint.RIGHT_HIP: (270.0, 380.0),
        Joint.LEFT_HIP: (370.0, 380.0),
    }
    marks = tuple(Landmark(*spots.get(j, (320.0, 240.0)), 0.99) for j in Joint)
    return Pose(landmarks=marks, width=640, height=480)


def _spanish(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    return client


def _upload(patient: Any, kind: str, view: str, exercise_id: str = "") -> MediaUpload:
    return MediaUpload.objects.create(
        patient=patient,
        kind=kind,
        view=view,
        exercise_id=exercise_id,
        stored_name="x/file",
        original_name="file",
        content_type="jpeg" if kind == Kind.PHOTO else "video",
        size_bytes=10,
        status=Status.RUNNING,
    )


@pytest.mark.django_db
def test_a_spanish_speaking_patients_analysed_photo_shows_its_readings_in_spanish(
    alice: Any, alice_client: Client
) -> None:
    report = analyse_pose(_back_view_pose(), "back", {})
    assert "the person's left side higher (on the viewer's left" in (
        report.measures["shoulder_tilt"].reading
    )
    assert "took this for a front view" in report.warnings[0]  # English for the CLI
    record = _upload(alice, Kind.PHOTO, "back")
    actions.finish(upload=record, result=report.to_json(), pictures={})
    actions.place_points(upload=record, tragus=(100.0, 100.0), c7=(200.0, 160.0))
    page = _spanish(alice_client).get(reverse("media:detail", args=[record.pk]))
    html = page.content.decode()
    assert (
        "hombros: el lado izquierdo de la persona más alto "
        "(a la izquierda de quien mira, en esta vista de espalda)"
    ) in html
    assert "Inclinación de los hombros" in html
    assert "Ángulo craneovertebral" in html
    assert "postura de cabeza adelantada (umbral de 50 grados)" in html
    assert "El modelo de postura tomó esta foto por una vista de frente" in html
    for english in ("side higher", "viewer", "took this for", "forward head posture", "level"):
        assert english not in html, english
    # In English the same page reads in English.
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = alice_client.get(reverse("media:detail", args=[record.pk])).content.decode()
    assert "the person&#x27;s left side higher" in html or "the person's left side" in html


@pytest.mark.django_db
def test_a_spanish_speaking_patients_exercise_video_shows_its_faults_in_spanish(
    alice: Any, alice_client: Client
) -> None:
    spec = load_library().get("lateral_raise")
    rule = spec.faults[0]
    fault = FaultEpisode(rule.id, rule.message, 1.0, 2.5, 0.3)
    report = ExerciseReport(
        spec=spec,
        view=spec.views[0],
        times=(0.0, 1.0, 2.5),
        signal=(0.0, 0.1, 0.0),
        smoothed=(0.0, 0.1, 0.0),
        repetitions=(),
        faults=(fault,),
        duration_s=3.0,
    )
    result = report.to_json()
    assert result["faults"][0]["message"] == rule.message  # English kept for the CLI
    record = _upload(alice, Kind.VIDEO, spec.views[0], spec.id)
    actions.finish(upload=record, result=result, pictures={})
    html = _spanish(alice_client).get(reverse("media:detail", args=[record.pk])).content.decode()
    assert "Mantenga los hombros bajos, lejos de las orejas, mientras suben los brazos." in html
    assert rule.message not in html


@pytest.mark.django_db
def test_a_photo_summary_shows_the_head_reading_in_the_readers_language(alice: Any) -> None:
    measure_json = {
        "value_deg": 72.0,
        "confidence": 0.8,
        "reading": "head somewhat forward of the shoulders",
        "reading_code": {"code": "head_somewhat_forward", "params": {}},
    }
    record = _upload(alice, Kind.PHOTO, "side")
    actions.finish(upload=record, result={"measures": {"forward_head": measure_json}}, pictures={})
    context = {"uploads": [record], "patient": alice, "user": alice}
    with translation.override("es"):
        summary = render_to_string("media/_camera_checks.html", context)
    assert "cabeza algo adelantada respecto a los hombros" in summary


def test_a_result_stored_before_the_codes_shows_its_english() -> None:
    old = {"measures": {"trunk_lean": {"value_deg": 1.0, "confidence": 0.9, "reading": "upright"}}}
    with translation.override("es"):
        rows = analysis_texts.measure_rows(old)
    assert rows[0]["reading"] == "upright" and rows[0]["label"] == "Inclinación del tronco"
