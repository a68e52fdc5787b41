"""The shared contract examples give the triage, sources and consult a clinician expects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SHARED_CONTRACT

from upperback.clinical import Assessment, assess

EXAMPLES = sorted((SHARED_CONTRACT / "examples").glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _stating(key: str) -> list[Path]:
    """Only the examples whose `expected` states `key` (sources and consult are optional)."""
    return [path for path in EXAMPLES if key in _load(path)["expected"]]


def test_the_shared_examples_are_there() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_gets_its_expected_triage(path: Path) -> None:
    example = _load(path)
    assert assess(example["intake"]).triage == example["expected"]["triage"]


@pytest.mark.parametrize("path", _stating("top_sources"), ids=lambda p: p.stem)
def test_each_example_leads_with_an_expected_source(path: Path) -> None:
    example = _load(path)
    expected = example["expected"]["top_sources"]
    leading = [source.id for source in assess(example["intake"]).likely_sources[:2]]
    assert set(leading) & set(expected), f"{leading} share nothing with {expected}"


@pytest.mark.parametrize("path", _stating("consult_specialty"), ids=lambda p: p.stem)
def test_each_example_consults_an_expected_specialty(path: Path) -> None:
    example = _load(path)
    expected = example["expected"]["consult_specialty"]
    consult = assess(example["intake"]).consult
    assert consult.recommended
    assert consult.specialty in expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_assessment_validates_against_the_contract(path: Path) -> None:
    assessment = assess(_load(path)["intake"])
    Assessment.model_validate(assessment.model_dump())
