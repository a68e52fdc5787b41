"""Issue 10: hostile uploads are refused on what the decoder and the model would really be
given, never on the header's word alone. Every file is made here, small on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from tests.vision import hostile

from upperback.vision import video
from upperback.vision.errors import MediaError
from upperback.vision.file_checks import (
    MAX_ASPECT_RATIO,
    MAX_IMAGE_PIXELS,
    MAX_MODEL_SIDE,
    check_image,
    check_video,
)
from upperback.vision.photo import analyse_photo
from upperback.vision.pose import detect_photo, model_square_side
from upperback.vision.video import check_decoded, track_video

HOSTILE_PHOTOS: dict[str, Callable[[Path], Path]] = {
    "blank 20000x2000": hostile.blank_wide_png,
    "65535x610 strip": hostile.strip_png,
    "dark 2000x20000": hostile.dark_tall_png,
}


@pytest.fixture(scope="module")
def hostile_photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        name: make(folder / f"{i}.png") for i, (name, make) in enumerate(HOSTILE_PHOTOS.items())
    }


@pytest.mark.parametrize("name", HOSTILE_PHOTOS)
def test_a_hostile_photo_is_refused_for_its_shape_before_decoding(
    hostile_photos: dict[str, Path], name: str
) -> None:
    path = hostile_photos[name]
    assert path.stat().st_size < 200_000  # a few tens of kilobytes that once crashed the site
    for action in (lambda: check_image(path), lambda: analyse_photo(path, "side")):
        with pytest.raises(MediaError) as caught:
            action()
        assert caught.value.code == "photo_too_narrow"
        assert caught.value.params["limit"] == MAX_ASPECT_RATIO
        assert "times longer than it is wide" in str(caught.value)


def test_every_photo_that_passes_the_checks_gives_the_model_a_bounded_square() -> None:
    for long_side in range(100, 40_000, 97):
        for ratio in (1.0, 1.33, 1.78, 2.5, MAX_ASPECT_RATIO):
            short_side = max(1, int(long_side / ratio))
            if long_side * short_side > MAX_IMAGE_PIXELS:
                continue
            assert model_square_side(long_side, short_side) <= MAX_MODEL_SIDE
            assert model_square_side(short_side, long_side) <= MAX_MODEL_SIDE
    # the square that crashed MediaPipe, had the shape been let through
    assert model_square_side(20_000, 2_000) == 3840


def test_a_large_photo_is_shrunk_for_the_model_and_its_landmarks_mapped_back(
    shared_data: Path,
) -> None:
    photo = cv2.imread(str(shared_data / "photos/seated_front_head_1.jpg"))  # 1920x1080
    large = np.asarray(cv2.resize(photo, (3840, 2160)), np.uint8)  # over MODEL_MAX_SIDE
    seen = np.asarray(cv2.resize(large, (2560, 1440), interpolation=cv2.INTER_AREA), np.uint8)
    pose_large, pose_seen = detect_photo(large), detect_photo(seen)
    assert pose_large is not None and pose_seen is not None
    assert (pose_large.width, pose_large.height) == (3840, 2160)
    for a, b in zip(pose_seen.landmarks, pose_large.landmarks, strict=True):
        assert b.x == pytest.approx(1.5 * a.x, abs=2) and b.y == pytest.approx(1.5 * a.y, abs=2)


def test_frames_are_counted_while_decoding_whatever_the_header_says(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    check_decoded(path, decoded=600, fps=30.0, declared=600)  # 20 s as declared: fine
    cases = {
        "video_length_mismatch": dict(decoded=700, fps=30.0, declared=600),
        "video_too_long": dict(decoded=181 * 30, fps=30.0, declared=200 * 30),
        "video_too_many_frames": dict(decoded=10_801, fps=1000.0, declared=20_000),
    }
    for code, numbers in cases.items():
        with pytest.raises(MediaError) as caught:
            check_decoded(path, **numbers)  # type: ignore[arg-type]
        assert caught.value.code == code


@pytest.mark.slow
def test_an_avi_whose_header_claims_20_s_but_holds_200_stops_while_decoding(
    tmp_path: Path, shared_data: Path
) -> None:
    source = shared_data / "videos/sample_shoulder_press.mp4"
    path = hostile.lying_avi(tmp_path / "lie.avi", source, holds_s=200, claims_s=20)
    assert path.stat().st_size < 5_000_000
    capture = cv2.VideoCapture(str(path))
    declared_s = capture.get(cv2.CAP_PROP_FRAME_COUNT) / capture.get(cv2.CAP_PROP_FPS)
    capture.release()
    assert declared_s == 20  # what the upload check sees: under the 180 s limit
    decoded: list[int] = []
    real = video.check_decoded

    def spy(path: Path, decoded_now: int, fps: float, declared: int) -> None:
        decoded.append(decoded_now)
        real(path, decoded_now, fps, declared)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(video, "check_decoded", spy)
        with pytest.raises(MediaError) as caught:
            track_video(path)
    assert caught.value.code == "video_length_mismatch"
    assert max(decoded) <= 20 * 2 * 1.1 + 2 + 1  # stopped just past what the header declared


def test_a_long_narrow_video_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "strip.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (640, 32))
    for i in range(10):
        writer.write(np.full((32, 640, 3), 20 * i, np.uint8))
    writer.release()
    with pytest.raises(MediaError) as caught:
        check_video(path)
    assert caught.value.code == "video_too_narrow"


def test_a_video_claiming_an_implausible_frame_rate_is_refused(tmp_path: Path) -> None:
    """Ten minutes at 30 frames a second, declared at 900, would claim 20 s."""
    path = tmp_path / "fast.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 900.0, (64, 48))
    for i in range(20):
        writer.write(np.full((48, 64, 3), 10 * i, np.uint8))
    writer.release()
    with pytest.raises(MediaError) as caught:
        check_video(path)
    assert caught.value.code == "video_frame_rate"
    assert caught.value.params == {"fps": 900, "limit": 240}
