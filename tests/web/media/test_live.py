"""Live coaching on the server: the page, the end-of-set endpoint and the adherence record."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from upperback.clinical import Intake
from upperback.web.media import live
from upperback.web.media.live_page import (
    FACE_ASSETS,
    POSE_ASSETS,
    asset_urls,
    face_asset_urls,
)
from upperback.web.media.models import LiveSession
from upperback.web.records import actions as records

API = "/api/v1/live-sets"


def _frame(t: float, angle: float) -> dict[str, Any]:
    """The 11 live landmarks of a person facing the camera, right elbow at `angle`."""
    width, height = 480, 640
    turn = math.radians(180 - angle)
    wrist = (180 - 80 * math.sin(turn), 290 + 80 * math.cos(turn))  # the right; left mirrors
    spots = [(240, 120), (265, 115), (215, 115), (300, 200), (180, 200), (300, 290)]
    spots += [(180, 290), (480 - wrist[0], wrist[1]), wrist]
    spots += [(280, 400), (200, 400)]
    return {"t": round(t, 3), "p": [[x / width, y / height, 0.97] for x, y in spots]}


def _curl_set(reps: int, *, counted: int | None = None, **extra: Any) -> dict[str, Any]:
    fps, period = 10.0, 2.5
    frames = [
        _frame(i / fps, 160 - 130 * (0.5 - 0.5 * math.cos(2 * math.pi * i / fps / period)))
        for i in range(int((reps * period + 0.8) * fps))
    ]
    body = {
        "session": "a1b2c3d4e5f6",
        "exercise": "biceps_curl",
        "view": "front",
        "width": 480,
        "height": 640,
        "sample_fps": fps,
        "reps_counted": reps if counted is None else counted,
        "frames": frames,
    }
    return {**body, **extra}


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(API, json.dumps(body), content_type="application/json")


@pytest.fixture
def plan(alice: Any, desk_worker: dict[str, Any]) -> Any:
    return records.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))


def test_a_set_is_recounted_and_stored_as_adherence(alice: Any, alice_client: Client) -> None:
    first = _post(alice_client, _curl_set(3))
    second = _post(alice_client, _curl_set(2))
    assert first.status_code == 201, first.content
    assert first.json()["reps_server"] == 3 and first.json()["agree"] is True
    assert second.json()["set_number"] == 2
    session = LiveSession.objects.get(patient=alice)
    assert (session.sets, session.reps_browser, session.reps_server) == (2, 5, 5)
    assert session.disagreement is False and session.experimental is False
    assert live.count_sessions(live.sessions_of(alice, alice.pk)) == {
        "sessions": 1,
        "sets": 2,
        "disagreements": 0,
    }


def test_a_count_the_server_does_not_confirm_is_flagged(alice: Any, alice_client: Client) -> None:
    answer = _post(alice_client, _curl_set(3, counted=5))
    assert answer.json()["agree"] is False
    assert LiveSession.objects.get(patient=alice).disagreement is True
    page = alice_client.get(reverse("media:mine")).content.decode()
    assert "the two counts differ" in page


def test_the_clinician_sees_the_disagreement(
    alice: Any, alice_client: Client, bob_client: Client
) -> None:
    _post(alice_client, _curl_set(3, counted=1))
    page = bob_client.get(reverse("media:patient", args=[alice.pk])).content.decode()
    # The exercise in words (issue 22: never the id `biceps_curl`).
    assert "the two counts differ" in page and "Biceps curl" in page
    assert "biceps_curl</td>" not in page


def test_the_plans_exercise_is_tied_to_the_patients_own_plan(
    alice_client: Client, carol_client: Client, plan: Any
) -> None:
    exercise = live.plan_exercises(plan)[0]
    body = _curl_set(2, exercise=exercise, assessment=plan.pk, view="side")
    body["view"] = live.page_spec()["exercises"][exercise]["views"][0]
    assert _post(alice_client, body).status_code == 201
    assert LiveSession.objects.get().assessment == plan
    assert _post(carol_client, {**body, "session": "carols-session"}).status_code == 404
    assert _post(alice_client, {**body, "exercise": "biceps_curl"}).status_code == 404
    other = {**body, "exercise": "biceps_curl", "assessment": None}
    assert _post(alice_client, other).status_code == 409  # the session coaches another


def test_only_a_signed_in_patient_posts_her_own_sets(
    anonymous: Client, bob_client: Client, alice: Any
) -> None:
    assert _post(anonymous, _curl_set(1)).status_code == 401
    assert _post(bob_client, _curl_set(1)).status_code == 404
    assert not LiveSession.objects.exists()


def test_a_post_without_its_csrf_token_is_refused(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert _post(client, _curl_set(1)).status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"frames": []},
        {"frames": [{"t": 0.1, "p": [[0.5, 0.5, 1.0]]}]},  # not the 11 landmarks
        {"session": "../../etc"},
        {"exercise": "cartwheel"},
        {"width": 100_000},
        {"frames": [{"t": 0.1, "p": [[1e300, 0.5, 1.0]] * 11}]},  # off the picture
    ],
)
def test_a_malformed_set_is_refused(alice_client: Client, change: dict[str, Any]) -> None:
    assert _post(alice_client, _curl_set(1, **change)).status_code == 422


def test_frames_out_of_time_order_are_dropped(alice: Any, alice_client: Client) -> None:
    body = _curl_set(2)
    body["frames"] = body["frames"] + body["frames"]  # the same set again, back in time
    assert _post(alice_client, body).json()["reps_server"] == 2
    frames = LiveSession.objects.get(patient=alice).per_set[0]["frames"]
    assert frames == len(body["frames"]) // 2


def test_a_view_the_exercise_is_not_followed_from_is_refused(alice_client: Client) -> None:
    body = _curl_set(1, exercise="shoulder_shrug", view="side")  # front only
    assert _post(alice_client, body).status_code == 409


def test_a_set_over_the_size_limit_is_refused(alice_client: Client) -> None:
    body = _curl_set(80)  # about 2000 frames, within the frame limit
    body["padding"] = "x" * live.MAX_BODY_BYTES  # ignored by the schema, but counted
    assert _post(alice_client, body).status_code == 413


def test_the_page_says_an_unvalidated_count_is_experimental(alice_client: Client) -> None:
    for exercise in ("shoulder_rolls_and_stretches", "lat_pullovers", "rotator_cuff_rotations"):
        page = alice_client.get(reverse("media:live", args=[exercise]))
        assert page.status_code == 200
        assert 'id="experimental"' in page.content.decode()
    proven = alice_client.get(reverse("media:live", args=["biceps_curl"])).content.decode()
    assert 'id="experimental"' not in proven


def test_only_the_coaching_page_may_run_webassembly(alice_client: Client) -> None:
    coaching = alice_client.get(reverse("media:live", args=["biceps_curl"]))
    other = alice_client.get(reverse("media:mine"))
    assert "'wasm-unsafe-eval'" in coaching["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in coaching["Content-Security-Policy"]
    assert "'unsafe-eval'" not in coaching["Content-Security-Policy"].replace("'wasm-unsafe", "")
    assert "wasm" not in other["Content-Security-Policy"]


def test_only_the_face_detectors_frame_may_evaluate_strings(alice_client: Client) -> None:
    """That package's runtime needs eval: its frame alone allows it, the page it sits in not."""
    frame = alice_client.get(reverse("media:live_faces"))
    policy = frame["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'" in policy
    assert "frame-ancestors 'self'" in policy and frame["X-Frame-Options"] == "SAMEORIGIN"
    assert "unsafe-inline" not in policy and "http" not in policy
    coaching = alice_client.get(reverse("media:live", args=["biceps_curl"]))
    assert "frame-ancestors 'none'" in coaching["Content-Security-Policy"]
    assert "'unsafe-eval'" not in coaching["Content-Security-Policy"]


def test_the_page_embeds_the_servers_spec_and_local_model_files(alice_client: Client) -> None:
    page = alice_client.get(reverse("media:live", args=["biceps_curl"])).content.decode()
    assert 'id="live-spec"' in page and '"ready_s"' in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert '"face_min_score"' in page and 'src="/camera/live-faces/"' in page
    frame = alice_client.get(reverse("media:live_faces")).content.decode()
    assert "mediapipe-face-detection/face_detection.js" in frame
    assert 'id="face-setup"' in frame and 'id="face-assets"' in frame
    assert "cdn" not in frame.lower() and "https://" not in frame


def test_the_model_files_are_served_from_our_static_files() -> None:
    for name in POSE_ASSETS:
        assert finders.find(f"vendor/mediapipe-pose/{name}"), f"{name}: run make setup"
    for name in FACE_ASSETS:
        assert finders.find(f"vendor/mediapipe-face-detection/{name}"), f"{name}: make setup"
    urls = [*asset_urls().values(), *face_asset_urls().values()]
    assert all(url.startswith("/static/") for url in urls)


def test_the_setup_check_reads_its_limits_from_the_servers_spec() -> None:
    """The page keeps no limit of its own: each one comes from vision/live.py's spec."""
    scripts = [finders.find("media/live-coach.js"), finders.find("media/live-faces.js")]
    source = "".join(Path(str(script)).read_text(encoding="utf-8") for script in scripts)
    for key in live.page_spec()["setup"]:
        assert f"setup.{key}" in source, key
    for old in ("TORSO_SHARE", "DARK", "READY_FRAMES"):
        assert old not in source, old


def test_the_plan_links_each_exercise_to_live_coaching(alice_client: Client, plan: Any) -> None:
    page = alice_client.get(reverse("records:result", args=[plan.pk])).content.decode()
    exercise = live.plan_exercises(plan)[0]
    assert f"/camera/live/{exercise}/?assessment={plan.pk}" in page


def test_an_exercise_outside_the_plan_or_unknown_is_not_found(
    alice_client: Client, carol_client: Client, plan: Any
) -> None:
    assert alice_client.get("/camera/live/cartwheel/").status_code == 404
    exercise = live.plan_exercises(plan)[0]
    url = reverse("media:live", args=[exercise]) + f"?assessment={plan.pk}"
    assert carol_client.get(url).status_code == 404
    assert alice_client.get(url).status_code == 200
