"""Contract 1.1: the lowest levels only once the warning signs, history and medicines were
asked. A missing key means "not asked"; an empty list is an answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.clinical.vignettes import desk_strain

from upperback.cli import main
from upperback.clinical import assess

SCREENING = ("symptoms", "history", "medications")


def _without(*keys: str) -> dict[str, Any]:
    return {k: v for k, v in desk_strain().items() if k not in keys}


def test_a_fully_answered_desk_strain_is_self_care() -> None:
    assessment = assess(desk_strain())
    assert assessment.screening_complete is True
    assert assessment.triage == "self_care"
    assert "screening_incomplete" not in [flag.id for flag in assessment.red_flags]


@pytest.mark.parametrize("missing", SCREENING)
def test_one_unasked_screening_question_keeps_the_level_at_soon(missing: str) -> None:
    assessment = assess(_without(missing))
    assert assessment.screening_complete is False
    assert assessment.triage == "soon"
    assert assessment.questions[0] == missing
    flag = next(f for f in assessment.red_flags if f.id == "screening_incomplete")
    assert flag.because == [missing]


def test_only_age_and_pain_gets_no_self_care_nsaid_or_acupuncture() -> None:
    minimal = {
        "contract": "1",
        "age": 40,
        "sex": "male",
        "pain": {"intensity_now": 5, "duration_days": 10},
    }
    assessment = assess(minimal)
    assert assessment.triage == "soon"
    assert assessment.questions[:3] == list(SCREENING)
    planned = {step.step for step in assessment.plan}
    risky = {
        "anti_inflammatory_medication",
        "acupuncture",
        "chiropractic_manipulation",
        "trigger_point_injection",
    }
    assert planned.isdisjoint(risky), "nothing that depends on medicines or history"


def test_empty_lists_are_answers() -> None:
    assert assess(desk_strain(symptoms=[], history=[], medications=[])).screening_complete


def test_the_cli_never_prints_self_care_for_an_unfinished_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(_without("symptoms", "medications")))
    assert main(["assess", str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["screening_complete"] is False
    assert printed["triage"] not in ("routine", "self_care")
    assert printed["questions"][:2] == ["symptoms", "medications"]
