"""Issue 22, item 6: the words written on the annotated photo are the measures' names in
each language the app speaks (never `forward_head: 78.9 deg (0.00)`), and each reader is
served the copy in hers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from upperback.vision import overlay
from upperback.web.media.analysis import analyse_photo_file
from upperback.web.media.analysis_texts import picture_labels

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


@pytest.mark.slow
def test_the_annotated_photo_is_written_in_words_in_each_language(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[list[str]] = []
    original = overlay._write_lines

    def spy(image: Any, lines: list[str]) -> Any:
        written.append(list(lines))
        return original(image, lines)

    monkeypatch.setattr(overlay, "_write_lines", spy)
    result, pictures = analyse_photo_file(
        shared_data / "photos/markers_side.jpg", "side", {}, tmp_path, picture_labels()
    )
    assert set(pictures) == {"annotated_photo", "annotated_photo.es"}
    assert all(path.is_file() for path in pictures.values())
    english, spanish = written
    assert result["measures"] and len(english) == len(result["measures"])
    for lines in (english, spanish):
        text = "\n".join(lines)
        assert not SNAKE_CASE.search(text) and "deg" not in text, text
    assert any("Head forward of the shoulders" in line for line in english)
    with translation.override("es"):
        from upperback.web.media.analysis_texts import MEASURE_NAMES

        head = str(MEASURE_NAMES["forward_head"])
    assert any(head in line for line in spanish) and head != "Head forward"
    assert not any("Head forward" in line or "Trunk" in line for line in spanish)
