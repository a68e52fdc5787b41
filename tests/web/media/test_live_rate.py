"""Issue 22, item 5: a set whose frames came slower than counting needs is stored and
answered as not checked, the rate measured from the frames' own times (not the page's word)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from upperback.web.media.models import LiveSession

from .test_live import _curl_set, _frame, _post


def test_a_set_at_10_frames_a_second_is_not_checked(alice: Any, alice_client: Client) -> None:
    answer = _post(alice_client, _curl_set(3)).json()  # 10 frames a second
    assert answer["checked"] is False
    assert answer["frame_rate"] == 10.0 and answer["min_frame_rate"] == 15.0
    stored = LiveSession.objects.get(patient=alice)
    assert stored.per_set[0]["checked"] is False and stored.unchecked_sets == 1


def test_a_set_at_15_frames_a_second_is_checked_whatever_the_page_claims(
    alice_client: Client,
) -> None:
    frames = [_frame(i / 15, 160) for i in range(60)]
    answer = _post(alice_client, _curl_set(1, frames=frames, sample_fps=3)).json()
    assert answer["checked"] is True and answer["frame_rate"] == 15.0
