"""Vision errors carry a stable code and parameters (translated by the web app) besides
their English text; the pure package knows nothing of Django."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from upperback import vision
from upperback.vision.errors import MESSAGES, MediaError, RetakeError, VisionError
from upperback.vision.file_checks import check_image, check_video

PACKAGE = Path(vision.__file__).parent
ERRORS = {"VisionError", "MediaError", "RetakeError", "TrackingSpecError"}


def test_an_empty_photo_gives_its_code_and_names_the_file_in_english(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(MediaError) as caught:
        check_image(empty)
    assert (caught.value.code, caught.value.params, caught.value.file) == (
        "file_empty",
        {},
        "empty.jpg",
    )
    assert str(caught.value) == "empty.jpg: the file is empty; upload it again."


def test_a_damaged_header_keeps_its_code_when_the_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(MediaError) as caught:
        check_image(broken)
    assert caught.value.code == "png_header_damaged"
    assert str(caught.value).startswith("broken.png: the PNG header is damaged")


def test_a_text_file_named_mp4_is_not_a_video(tmp_path: Path) -> None:
    fake = tmp_path / "clip.mp4"
    fake.write_text("hello")
    with pytest.raises(MediaError) as caught:
        check_video(fake)
    assert caught.value.to_json() == {"code": "not_a_video", "params": {}}


def test_parameters_fill_the_english_text_and_lists_read_as_alternatives() -> None:
    error = RetakeError("wrong_view", exercise="Chin tucks", views=["front", "side"])
    assert str(error) == "Chin tucks is followed from the front or side; film it from that side."
    assert error.to_json() == {
        "code": "wrong_view",
        "params": {"exercise": "Chin tucks", "views": ["front", "side"]},
    }


def test_an_unknown_code_or_a_missing_parameter_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="no message"):
        VisionError("no_such_code")
    with pytest.raises(KeyError, match="megapixels"):
        MediaError("photo_too_many_pixels", limit=40)


def test_every_code_the_package_raises_is_in_the_catalogue() -> None:
    """Each `...Error("code", ...)` in the source names a code with a message."""
    raised = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.func.id in ERRORS
            ):
                raised.add(node.args[0].value)
    assert len(raised) >= 25
    assert raised <= set(MESSAGES)
