"""Issue 13, item 4: markers_side.jpg re-saved at JPEG qualities 60-100 and rotated by EXIF:
every reading within 3 degrees of the original's or marked unreliable, none impossible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from upperback.vision.file_checks import EXIF_ORIENTATION_TAG, load_image
from upperback.vision.landmarks import Landmark, Pose
from upperback.vision.photo import analyse_photo
from upperback.vision.posture import PostureReport
from upperback.vision.steady import PLAUSIBLE, plausible, upright

QUALITIES = (60, 70, 80, 90, 100)


def _copies(shared_data: Path, folder: Path) -> dict[str, Path]:
    original = shared_data / "photos/markers_side.jpg"
    copies = {"original": original}
    with PILImage.open(original) as picture:
        for quality in QUALITIES:
            copies[f"quality {quality}"] = folder / f"q{quality}.jpg"
            picture.save(copies[f"quality {quality}"], quality=quality)
        # The pixels stored on their side (turned a quarter anticlockwise), the tag saying
        # "turn a quarter clockwise to show": upright, it is the original.
        exif = PILImage.Exif()
        exif[EXIF_ORIENTATION_TAG] = 6
        copies["exif rotated"] = folder / "exif6.jpg"
        picture.transpose(PILImage.Transpose.ROTATE_90).save(
            copies["exif rotated"], quality=95, exif=exif.tobytes()
        )
    return copies


def _readings(report: PostureReport) -> dict[str, tuple[float, bool]]:
    return {k: (m.value_deg, m.reliable) for k, m in report.measures.items()}


@pytest.mark.slow
def test_readings_hold_within_3_degrees_across_jpeg_qualities_and_exif(
    shared_data: Path, tmp_path: Path
) -> None:
    copies = _copies(shared_data, tmp_path)
    reports = {name: analyse_photo(path, "side")[0] for name, path in copies.items()}
    original = _readings(reports["original"])
    assert original  # the original is read at all
    moved = {}
    for name, report in reports.items():
        for key, measure in report.measures.items():
            assert plausible(key, measure.value_deg), (name, key, measure.value_deg)
            assert measure.reliable or measure.confidence == 0.0
            assert measure.reliable or measure.reading_text.code == "reading_unreliable"
            off = key in original and abs(measure.value_deg - original[key][0]) > 3.0
            if measure.reliable and off:
                moved[(name, key)] = (measure.value_deg, original[key][0])
            if not measure.reliable:  # the report says so in words too
                assert "warning_unreliable" in [t.code for t in report.warning_texts]
    assert moved == {}


def test_the_exif_rotated_copy_loads_as_the_upright_original(
    shared_data: Path, tmp_path: Path
) -> None:
    copies = _copies(shared_data, tmp_path)
    upright_copy = load_image(copies["exif rotated"])
    original = load_image(copies["original"])
    assert upright_copy.shape == original.shape
    difference = np.abs(upright_copy.astype(int) - original.astype(int)).mean()
    assert difference < 8  # the same picture, re-compressed once


def _pose(head_y: float, shoulder_y: float, hip_y: float) -> Pose:
    landmarks = [Landmark(100.0, head_y, 1.0) for _ in range(33)]
    for i in (11, 12):
        landmarks[i] = Landmark(100.0 + (i - 11) * 5, shoulder_y, 1.0)
    for i in range(13, 23):
        landmarks[i] = Landmark(100.0, shoulder_y + 20, 1.0)
    for i in range(23, 33):
        landmarks[i] = Landmark(100.0, hip_y, 1.0)
    return Pose(tuple(landmarks), 200, 400)


def test_a_pose_upside_down_is_not_taken_for_a_person() -> None:
    assert upright(_pose(head_y=50, shoulder_y=100, hip_y=300))
    assert not upright(_pose(head_y=300, shoulder_y=250, hip_y=50))  # flipped
    assert not upright(_pose(head_y=150, shoulder_y=100, hip_y=300))  # ears below shoulders


@pytest.mark.parametrize(
    ("key", "value"),
    [("forward_head", -80.0), ("forward_head", 5.0), ("trunk_lean", 178.0), ("head_tilt", 80.0)],
)
def test_impossible_angles_are_never_plausible(key: str, value: float) -> None:
    assert key in PLAUSIBLE
    assert not plausible(key, value)
