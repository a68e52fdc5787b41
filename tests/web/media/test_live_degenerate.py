"""A live set whose landmarks make no body (all on one spot, or on a line) is the page's
mistake: a JSON 4xx naming the problem, never a 500 with an HTML page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from .test_live import API, _curl_set

pytestmark = pytest.mark.django_db


def _all_frames(points: list[list[float]], count: int = 30) -> list[dict[str, Any]]:
    return [{"t": round(i / 10, 3), "p": points} for i in range(count)]


@pytest.mark.parametrize(
    "points",
    [
        [[0.5, 0.5, 1.0]] * 11,  # every landmark on one spot
        [[0.0, 0.0, 1.0]] * 11,
        [[0.1 * i, 0.5, 1.0] for i in range(11)],  # all on one horizontal line
        [[0.5, 0.05 * i, 1.0] for i in range(11)],  # all on one vertical line
        [[0.5, 0.5, 0.0]] * 11,  # nothing visible
    ],
)
@pytest.mark.parametrize("exercise,view", [("biceps_curl", "front"), ("shoulder_shrug", "front")])
def test_landmarks_that_make_no_body_get_a_json_answer_not_a_server_error(
    alice: Any, alice_client: Client, points: list[list[float]], exercise: str, view: str
) -> None:
    body = _curl_set(1, exercise=exercise, view=view, frames=_all_frames(points))
    response = alice_client.post(API, json.dumps(body), content_type="application/json")
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert "landmarks all lie on one spot" in " ".join(response.json()["errors"])


def test_the_counter_skips_a_torso_of_no_length() -> None:
    """The vision package's own guard, for a video whose pose collapses to a point."""
    from upperback.vision import LiveFrame, VisionError, recount_live_set

    frames = [LiveFrame(time_s=i / 10, points=[(0.5, 0.5, 1.0)] * 11) for i in range(30)]
    with pytest.raises(VisionError):
        recount_live_set("biceps_curl", "front", frames, width=480, height=640, sample_fps=10)
