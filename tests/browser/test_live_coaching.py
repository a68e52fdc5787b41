"""Live coaching in a real Chromium: the pose model runs in the page on labelled real clips, the
count reaches the server, the server's recount agrees, and no request carries a picture.

Headless Chromium runs the model in software (about 1.3 frames a second), so the clips are short
and sampled at a few frames a second: the page's "video recorded on this device" mode steps a
<video> element frame by frame (each frame awaited), and the privacy test uses Chromium's fake
camera fed with a .y4m made from a labelled clip in a temporary folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import SHARED_DATA as SHARED

# Two short labelled clips (2 s and 5 s): few frames to run through the model in software.
CLIPS = ["videos/sample_bicep_curl.mp4", "videos/sample_shoulder_press.mp4"]
SAMPLE_FPS = 6
SET_TIMEOUT_MS = 240_000
BINARY_TYPES = ("image/", "video/", "audio/", "application/octet-stream", "multipart/")
# Before the page's scripts: what the page says aloud is recorded in window.spokenCues.
RECORD_SPEECH = """
window.spokenCues = [];
const recordSpeech = (said) => window.spokenCues.push({text: said.text, lang: said.lang});
if ("speechSynthesis" in window) window.speechSynthesis.speak = recordSpeech;
else window.speechSynthesis = {speak: recordSpeech};
"""


def _label(clip: str) -> dict[str, Any]:
    labels = json.loads((SHARED / "labels.json").read_text(encoding="utf-8"))
    return next(v for v in labels["videos"] if v["file"] == clip)


def _watch_requests(page: Any) -> list[dict[str, Any]]:
    """Every request the page makes: method, URL, content type and body size."""
    log: list[dict[str, Any]] = []

    def record(request: Any) -> None:
        body = request.post_data_buffer or b""
        log.append(
            {
                "method": request.method,
                "url": request.url,
                "type": (request.headers.get("content-type") or "").lower(),
                "body": body,
            }
        )

    page.on("request", record)
    return log


def _assert_no_picture_left(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """No request carries image or video data: only small JSON or form bodies go out."""
    with_body = [r for r in log if r["body"]]
    for request in with_body:
        assert not request["type"].startswith(BINARY_TYPES), request["url"]
        text = request["body"].decode("utf-8")  # a binary body fails here
        assert "\x00" not in text
        if request["type"].startswith("application/json"):
            assert "data:image" not in text and "data:video" not in text
            json.loads(text)
    assert all(r["method"] in ("GET", "POST") for r in log)
    return [r for r in with_body if "/api/v1/live-sets" in r["url"]]


@pytest.mark.parametrize("clip", CLIPS)
def test_the_live_count_reaches_the_server_and_agrees(
    page: Any, patient: Any, login: Callable[[Any, Any], Any], clip: str
) -> None:
    from upperback.web.media.models import LiveSession

    label = _label(clip)
    log = _watch_requests(page)
    page.add_init_script(RECORD_SPEECH)
    login(page, patient)
    page.goto(f"/camera/live/{label['exercise']}/?fps={SAMPLE_FPS}")
    page.select_option("#live-view", label["view"])
    page.set_input_files("#local-video", str(SHARED / clip))
    result = page.wait_for_selector(".set-result", timeout=SET_TIMEOUT_MS)
    browser_count = int(result.get_attribute("data-browser"))
    server_count = int(result.get_attribute("data-server"))
    wanted = f"{label['reps_min']}-{label['reps_max']}"
    print(f"{clip}: live {browser_count}, server {server_count}, label {wanted}")
    assert label["reps_min"] <= browser_count <= label["reps_max"], (clip, browser_count)
    assert server_count == browser_count
    assert result.get_attribute("data-agree") == "yes"
    assert page.get_attribute("#check-person", "data-ok") == "yes"  # one person: no hold-up
    spoken = page.evaluate("window.spokenCues")
    assert {"text": "Ready: start your set.", "lang": "en"} in spoken
    counts = [c["text"] for c in spoken if c["text"].isdigit()]
    assert counts and counts[-1] == str(browser_count)  # each new count is said
    assert {c["lang"] for c in spoken} == {"en"}
    session = LiveSession.objects.get(patient=patient)
    assert (session.exercise_id, session.sets) == (label["exercise"], 1)
    assert (session.reps_browser, session.reps_server) == (browser_count, server_count)
    sets = _assert_no_picture_left(log)
    assert len(sets) == 1 and len(sets[0]["body"]) < 100_000
    assert not any(r["url"].endswith(".mp4") for r in log)


def _write_y4m(
    clip: Path,
    target: Path,
    fps: int,
    seconds: float,
    change: Callable[[Any], Any] = lambda frame: frame,
) -> Path:
    """The clip's first seconds as raw 4:2:0 frames, the format Chromium's fake camera reads
    (each frame through `change` first)."""
    import cv2

    capture = cv2.VideoCapture(str(clip))
    step = max(1, round(capture.get(cv2.CAP_PROP_FPS) / fps))
    frames = []
    index = 0
    while len(frames) < seconds * fps:
        ok, frame = capture.read()
        if not ok:
            break
        if index % step == 0:
            frame = change(frame)
            height, width = frame.shape[:2]
            frames.append(cv2.resize(frame, (width // 2 * 2, height // 2 * 2)))
        index += 1
    capture.release()
    height, width = frames[0].shape[:2]
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
    return target


def fake_camera_page(
    playwright: Any, live_server: Any, y4m: Path, init_script: str | None = None
) -> Iterator[Any]:
    """A page of a Chromium whose fake camera films `y4m`, camera permission granted."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
        ],
    )
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.grant_permissions(["camera"])
    context.set_default_timeout(15_000)
    if init_script is not None:
        context.add_init_script(init_script)
    yield context.new_page()
    context.close()
    browser.close()


@pytest.fixture
def camera_page(_playwright: Any, live_server: Any, tmp_path: Path) -> Iterator[Any]:
    clip = SHARED / "videos/curls_presses_dumbells_beginner_front_view.mp4"
    y4m = _write_y4m(clip, tmp_path / "camera.y4m", fps=5, seconds=4)
    yield from fake_camera_page(_playwright, live_server, y4m)


def test_the_camera_picture_never_leaves_the_device(
    camera_page: Any, patient: Any, login: Callable[[Any, Any], Any]
) -> None:
    log = _watch_requests(camera_page)
    login(camera_page, patient)
    camera_page.goto("/camera/live/biceps_curl/?fps=3")
    camera_page.click("#start-camera")
    # The setup check passes on the fake camera's person, then the set starts.
    camera_page.wait_for_selector("#end-set:not([disabled])", timeout=SET_TIMEOUT_MS)
    assert camera_page.get_attribute("#check-body", "data-ok") == "yes"
    assert camera_page.get_attribute("#check-light", "data-ok") == "yes"
    # The face detector looked at the camera's picture too (one woman: the check passes); its
    # model came from our static files, and the log below covers what it did.
    assert camera_page.get_attribute("#check-person", "data-ok") == "yes"
    face_files = [r["url"] for r in log if "/vendor/mediapipe-face-detection/" in r["url"]]
    assert any(url.endswith(".tflite") for url in face_files)
    camera_page.wait_for_timeout(4_000)  # a few frames of the set
    # The page's main thread is busy with the model in software: dispatch the click itself.
    camera_page.dispatch_event("#end-set", "click")
    camera_page.wait_for_selector(".set-result", timeout=60_000)
    sets = _assert_no_picture_left(log)
    assert len(sets) == 1
    sent = json.loads(sets[0]["body"])
    assert set(sent) == {
        "session",
        "exercise",
        "view",
        "assessment",
        "width",
        "height",
        "sample_fps",
        "reps_counted",
        "frames",
    }
    assert all(set(frame) == {"t", "p"} for frame in sent["frames"])
