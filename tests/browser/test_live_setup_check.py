"""The live page's setup check in a real Chromium: one person in view, and the cues it speaks.

Two people side by side (a labelled front-view clip put beside itself, in a temporary folder)
fail the "one person" check: the page says so, on screen and aloud, and no set starts. A
Spanish-speaking patient hears the ready cue and the count in Spanish. What the page says is
recorded by replacing `speechSynthesis.speak` before the page's scripts run.

The clip: the rep_count-ml woman facing the camera (portrait 464x848). In headless Chromium the
full-range face detector finds both faces of the doubled frame (scores 0.80-0.86); it finds no
face in sample_shoulder_press.mp4 doubled (1708x480: the model sees the picture shrunk to
192x192, and the faces become a few pixels).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.browser.test_live_coaching import (
    RECORD_SPEECH,
    SET_TIMEOUT_MS,
    _assert_no_picture_left,
    _label,
    _watch_requests,
    _write_y4m,
    fake_camera_page,
)
from tests.conftest import SHARED_DATA as SHARED

FRONT_CLIP = "videos/curls_presses_dumbells_beginner_front_view.mp4"
SHORT_CLIP = "videos/sample_bicep_curl.mp4"  # 2.2 s, one repetition
PERSON_ADVICE = "Someone else is in view: please ask them to step out of the picture."


def _side_by_side(frame: Any) -> Any:
    return np.hstack([frame, frame])


@pytest.fixture
def two_people_camera(_playwright: Any, live_server: Any, tmp_path: Path) -> Iterator[Any]:
    """Chromium whose fake camera films two people side by side (the labelled clip doubled)."""
    y4m = _write_y4m(SHARED / FRONT_CLIP, tmp_path / "two.y4m", 5, 3, change=_side_by_side)
    yield from fake_camera_page(_playwright, live_server, y4m, RECORD_SPEECH)


def test_two_people_in_view_fail_the_check_and_no_set_starts(
    two_people_camera: Any, patient: Any, login: Callable[[Any, Any], Any], live_server: Any
) -> None:
    page = two_people_camera
    log = _watch_requests(page)
    login(page, patient)
    page.goto("/camera/live/biceps_curl/?fps=3")
    page.click("#start-camera")
    page.wait_for_selector('#check-person[data-ok="no"]', timeout=SET_TIMEOUT_MS)
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    assert page.text_content("#status") == PERSON_ADVICE
    page.wait_for_timeout(8_000)  # several looks for faces and frames of the pose model
    assert page.get_attribute("#check-person", "data-ok") == "no"
    assert page.is_disabled("#end-set")  # the set has not started
    spoken = page.evaluate("window.spokenCues")
    assert {"text": PERSON_ADVICE, "lang": "en"} in spoken
    assert not any(c["text"].startswith("Ready") for c in spoken)
    assert _assert_no_picture_left(log) == []  # nothing was sent
    assert all(r["url"].startswith(live_server.url) for r in log)  # nothing from outside


def test_a_spanish_speaking_patient_hears_the_cues_in_spanish(
    page: Any, patient: Any, login: Callable[[Any, Any], Any]
) -> None:
    from upperback.web.records import actions

    actions.set_language(user=patient, language="es")
    label = _label(SHORT_CLIP)
    page.add_init_script(RECORD_SPEECH)
    login(page, patient)
    page.goto(f"/camera/live/{label['exercise']}/?fps=6")
    assert page.get_attribute("html", "lang") == "es"
    page.select_option("#live-view", label["view"])
    page.set_input_files("#local-video", str(SHARED / SHORT_CLIP))
    result = page.wait_for_selector(".set-result", timeout=SET_TIMEOUT_MS)
    count = int(result.get_attribute("data-browser"))
    assert label["reps_min"] <= count <= label["reps_max"]
    spoken = page.evaluate("window.spokenCues")
    assert {"text": "Listo: empiece su serie.", "lang": "es"} in spoken
    assert {"text": str(count), "lang": "es"} in spoken  # the count, said in Spanish
    assert {c["lang"] for c in spoken} == {"es"}
