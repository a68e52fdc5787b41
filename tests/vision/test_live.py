"""Live coaching's numbers: the spec the browser reads, the server's recount from landmarks, and
the browser's JavaScript counter giving the same counts as the Python one on the same series."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from upperback.vision import LiveFrame, browser_spec, load_library, recount_live_set
from upperback.vision import reps as reps_module
from upperback.vision.live import LIVE_JOINTS

COUNTER_JS = (
    Path(__file__).resolve().parents[2] / "src/upperback/web/media/static/media/live-counter.js"
)
WIDTH, HEIGHT = 480, 640
NAMES = [j.name.lower() for j in LIVE_JOINTS]


def _body(elbow_angle: float, wrist_height: float, shrug: float) -> list[list[float]]:
    """A person facing the camera; the arms curl (elbow angle) or, when the angle is nan, rise
    (wrist height above the shoulder, in torso lengths); the shoulders rise by `shrug`."""
    torso = 200.0
    spots = {
        "nose": (240, 120),
        "left_ear": (265, 115),
        "right_ear": (215, 115),
        "left_shoulder": (300, 200 - shrug * torso),
        "right_shoulder": (180, 200 - shrug * torso),
        "left_hip": (280, 400),
        "right_hip": (200, 400),
    }
    shoulder = spots["right_shoulder"]
    if math.isnan(elbow_angle):
        spots["right_elbow"] = (shoulder[0] - 60, shoulder[1] + 20)
        spots["right_wrist"] = (shoulder[0] - 120, shoulder[1] - wrist_height * torso)
    else:
        elbow = (shoulder[0], shoulder[1] + 90)
        turn = math.radians(180 - elbow_angle)
        spots["right_elbow"] = elbow
        spots["right_wrist"] = (elbow[0] - 80 * math.sin(turn), elbow[1] + 80 * math.cos(turn))
    for part in ("elbow", "wrist"):  # the left arm mirrors the right
        x, y = spots[f"right_{part}"]
        spots[f"left_{part}"] = (480 - x, y)
    return [[round(x / WIDTH, 4), round(y / HEIGHT, 4), 0.98] for x, y in map(spots.get, NAMES)]


def _curls(count: int, fps: float = 10.0, period: float = 2.5) -> list[LiveFrame]:
    frames = []
    for i in range(int((count * period + 1.0) * fps)):
        t = i / fps
        angle = 160 - 130 * (0.5 - 0.5 * math.cos(2 * math.pi * max(0.0, t - 0.5) / period))
        points = None if i % 17 == 5 else _body(angle, 0.0, 0.0)  # a missed frame now and then
        frames.append(LiveFrame(time_s=round(t, 3), points=points))
    return frames


def _raises(count: int, fps: float = 8.0, period: float = 3.0) -> list[LiveFrame]:
    frames = []
    for i in range(int((count * period + 1.0) * fps)):
        t = i / fps
        phase = 0.5 - 0.5 * math.cos(2 * math.pi * max(0.0, t - 0.5) / period)
        points = _body(float("nan"), -0.9 + 0.9 * phase, 0.05 * phase)
        frames.append(LiveFrame(time_s=round(t, 3), points=points))
    return frames


def test_the_browser_reads_the_servers_spec_and_counter_constants() -> None:
    spec = browser_spec()
    assert spec["version"] == load_library().version
    assert spec["counter"]["ready_s"] == reps_module.READY_S
    assert spec["counter"]["smoothing_s"] == reps_module.SMOOTHING_S
    assert spec["counter"]["max_gap_s"] == reps_module.MAX_GAP_S
    assert spec["exercises"]["lat_pullovers"]["top"] == {"above": 140.0, "below": None}
    assert [landmark["name"] for landmark in spec["landmarks"]] == NAMES
    json.dumps(spec)  # plain JSON


def test_the_setup_checks_limits_come_from_the_spec() -> None:
    from upperback.vision import live

    setup = browser_spec()["setup"]
    assert setup == {
        "torso_share": list(live.SETUP_TORSO_SHARE),
        "dark": live.SETUP_DARK,
        "ready_frames": live.SETUP_READY_FRAMES,
        "face_model": "full",
        "face_min_score": live.SETUP_FACE_MIN_SCORE,
        "max_faces": 1,
        "face_every_s": live.SETUP_FACE_EVERY_S,
    }
    near, far = setup["torso_share"]
    assert 0 < near < far < 1 and 0 < setup["dark"] < 255
    assert 0 < setup["face_min_score"] < 1 and setup["ready_frames"] >= 1


def test_the_server_recounts_a_set_from_landmarks_alone() -> None:
    report = recount_live_set(
        "biceps_curl", "front", _curls(4), width=WIDTH, height=HEIGHT, sample_fps=10
    )
    assert len(report.repetitions) == 4


def test_a_set_with_nobody_in_view_is_refused_like_an_empty_video() -> None:
    from upperback.vision import RetakeError

    frames = [LiveFrame(time_s=i / 10, points=None) for i in range(20)]
    with pytest.raises(RetakeError):
        recount_live_set("biceps_curl", "front", frames, width=WIDTH, height=HEIGHT, sample_fps=10)


def _node_counts(exercise: str, view: str, frames: list[LiveFrame], fps: float) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "Node.js is needed by make setup (npm ci) and by this test"
    spec = browser_spec()
    script = (
        COUNTER_JS.read_text(encoding="utf-8")
        + """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const names = input.spec.landmarks.map((l) => l.name);
const frames = input.frames.map((f) => ({t: f.t, pose: f.p && {width: input.width,
  height: input.height, p: Object.fromEntries(names.map((n, k) => [n,
  {x: f.p[k][0] * input.width, y: f.p[k][1] * input.height, v: f.p[k][2]}]))}}));
const ex = input.spec.exercises[input.exercise];
const out = UpperbackCounter.analyse(input.spec.counter, ex, input.view, frames, input.fps);
process.stdout.write(JSON.stringify({reps: out.reps.map((r) => r.top_s)}));
"""
    )
    payload = {
        "spec": spec,
        "exercise": exercise,
        "view": view,
        "fps": fps,
        "width": WIDTH,
        "height": HEIGHT,
        "frames": [{"t": f.time_s, "p": f.points} for f in frames],
    }
    done = subprocess.run(
        [node, "-e", script], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    ("exercise", "view", "frames", "fps"),
    [
        ("biceps_curl", "front", _curls(4), 10.0),
        ("biceps_curl", "side", _curls(3, fps=7.0), 7.0),
        ("lateral_raise", "front", _raises(3), 8.0),
        ("shoulder_shrug", "front", _raises(3), 8.0),
        ("rotator_cuff_rotations", "front", _curls(2, fps=5.0), 5.0),
    ],
)
def test_the_browsers_counter_counts_what_the_servers_counts(
    exercise: str, view: str, frames: list[LiveFrame], fps: float
) -> None:
    server = recount_live_set(exercise, view, frames, width=WIDTH, height=HEIGHT, sample_fps=fps)
    browser = _node_counts(exercise, view, frames, fps)
    assert browser["reps"] == pytest.approx([r.top_s for r in server.repetitions])
    if exercise in ("biceps_curl", "lateral_raise"):
        assert len(server.repetitions) >= 3  # the synthetic sets do count
