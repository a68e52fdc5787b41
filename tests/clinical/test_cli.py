"""`upperback assess | schema | kb check`: JSON out, and bad input refused with the field named."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.clinical.vignettes import desk_strain
from tests.conftest import SHARED_CONTRACT

from upperback.cli import main

VENV_UPPERBACK = Path(sys.executable).parent / "upperback"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "intake.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def _refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Any) -> list[str]:
    code, out, err = _run(["assess", _write(tmp_path, data)], capsys)
    assert code == 2
    assert out == ""
    return err.splitlines()


def test_it_prints_the_assessment_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["assess", _write(tmp_path, desk_strain())], capsys)
    assert code == 0
    assert json.loads(out)["triage"] == "self_care"
    assert err == ""


def test_it_reads_the_intake_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(desk_strain(history=["cancer"]))))
    code, out, _ = _run(["assess", "-"], capsys)
    assert code == 0
    assert json.loads(out)["triage"] == "urgent"


def test_it_writes_a_readable_summary_in_spanish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["assess", _write(tmp_path, desk_strain()), "--format", "text", "--language", "es"]
    code, out, _ = _run(argv, capsys)
    assert code == 0
    assert "Triaje: Autocuidado" in out
    assert "Rotaciones y estiramientos de hombros" in out


def test_malformed_json_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _refused(tmp_path, capsys, '{"contract": "1", "age": ')
    assert lines[0].startswith("intake: not valid JSON")


def test_a_json_value_that_is_not_an_object_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _refused(tmp_path, capsys, "[1, 2]") == ["intake: must be a JSON object"]


def test_wrong_types_are_refused_naming_each_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = desk_strain(age="34")
    intake["pain"]["intensity_now"] = 4.5
    intake["neuro"] = {"progressive": "yes"}
    lines = _refused(tmp_path, capsys, intake)
    assert "age: must be a whole number" in lines
    assert "pain.intensity_now: must be a whole number" in lines
    assert "neuro.progressive: must be true or false" in lines


def test_an_out_of_range_number_is_refused_with_its_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _refused(tmp_path, capsys, desk_strain(pain_intensity_now=11))
    assert lines == ["pain.intensity_now: must be between 0 and 10"]


def test_an_unknown_enumeration_value_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _refused(tmp_path, capsys, desk_strain(symptoms=["sweating", "hiccups"]))
    assert len(lines) == 1
    assert lines[0].startswith("symptoms[1]: 'hiccups' is not one of:")


def test_a_missing_required_field_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = desk_strain()
    del intake["pain"]["duration_days"]
    assert _refused(tmp_path, capsys, intake) == ["pain.duration_days: is required"]


def test_a_misspelt_field_is_refused_rather_than_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = desk_strain()
    intake["symtoms"] = ["leg_weakness"]
    assert _refused(tmp_path, capsys, intake) == ["symtoms: is not a field of the contract"]


def test_a_wrong_contract_version_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _refused(tmp_path, capsys, desk_strain(contract="2"))
    assert lines == ['contract: must be "1" (this engine speaks contract version 1)']


def test_an_unreadable_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "absent.json"
    code, out, err = _run(["assess", str(missing)], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(f"{missing}: cannot read the file")


def test_every_problem_gets_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _refused(tmp_path, capsys, desk_strain(age=5, sex="robot", pain_intensity_now=-1))
    assert [line.split(":")[0] for line in lines] == ["age", "sex", "pain.intensity_now"]


@pytest.mark.parametrize("model", ["intake", "assessment"])
def test_it_prints_the_json_schemas(model: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["schema", model], capsys)
    schema = json.loads(out)
    assert code == 0
    assert "contract" in schema["properties"]


def test_kb_check_passes_and_summarises_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["kb", "check"], capsys)
    assert code == 0
    assert "red_flags:" in out
    assert "exercises: 5" in out
    assert out.startswith("knowledge base ")


def test_the_installed_command_refuses_bad_input_with_status_2() -> None:
    intake = json.loads((SHARED_CONTRACT / "examples" / "desk-worker-self-care.json").read_text())
    intake["intake"]["pain"]["intensity_now"] = 12
    result = subprocess.run(
        [str(VENV_UPPERBACK), "assess", "-"],
        input=json.dumps(intake["intake"]),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "pain.intensity_now: must be between 0 and 10"
