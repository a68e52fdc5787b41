"""The knowledge base loads whole or not at all, naming the file and the rule that broke it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from upperback.cli import main
from upperback.clinical.knowledge import KB_DIR, KnowledgeBaseError, load_knowledge_base

Edit = Callable[[dict[str, Any]], None]


def _broken(tmp_path: Path, file: str, edit: Edit) -> Path:
    folder = tmp_path / "kb"
    shutil.copytree(KB_DIR, folder)
    data = yaml.safe_load((folder / file).read_text())
    edit(data)
    (folder / file).write_text(yaml.safe_dump(data, allow_unicode=True))
    return folder


def _refusal(tmp_path: Path, file: str, edit: Edit) -> str:
    with pytest.raises(KnowledgeBaseError) as refused:
        load_knowledge_base(_broken(tmp_path, file, edit))
    return str(refused.value)


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    rule: dict[str, Any] = next(r for r in data["rules"] if r["id"] == rule_id)
    return rule


def test_the_packaged_knowledge_base_loads() -> None:
    kb = load_knowledge_base()
    assert kb.version
    assert kb.counts()["red_flags"] >= 30


def test_a_rule_citing_a_missing_source_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _rule(data, "cancer_history")["source"] = "nobody_2099"

    message = _refusal(tmp_path, "red_flags.yaml", edit)
    assert message == (
        "red_flags.yaml: rule cancer_history: source 'nobody_2099' is not in meta.yaml citations"
    )


def test_an_unknown_step_id_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _rule(data, "nsaid_peptic_ulcer")["withhold"] = ["aspirin_therapy"]

    message = _refusal(tmp_path, "contraindications.yaml", edit)
    assert message == (
        "contraindications.yaml: rule nsaid_peptic_ulcer: unknown step id 'aspirin_therapy'"
    )


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _rule(data, "shingles_rash")["id"] = "cancer_history"

    message = _refusal(tmp_path, "red_flags.yaml", edit)
    assert message.startswith("red_flags.yaml: rule cancer_history: duplicate rule id")


def test_a_missing_spanish_text_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        del _rule(data, "chin_tucks")["progression"]["es"]

    message = _refusal(tmp_path, "exercises.yaml", edit)
    assert message == "exercises.yaml: rule chin_tucks: progression.es: Field required"


def test_a_condition_on_an_unknown_field_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _rule(data, "shingles_rash")["when"] = "symtoms contains rash_on_painful_area"

    message = _refusal(tmp_path, "red_flags.yaml", edit)
    assert message.startswith("red_flags.yaml: rule shingles_rash: unknown field 'symtoms'")


def test_a_condition_on_an_unknown_value_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _rule(data, "shingles_rash")["when"] = "symptoms contains rash"

    message = _refusal(tmp_path, "red_flags.yaml", edit)
    assert message == "red_flags.yaml: rule shingles_rash: 'rash' is not a value of symptoms"


def test_a_red_flag_may_not_hide_a_symptom_under_not(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _rule(data, "shingles_rash")["when"] = {"not": "symptoms contains fever_or_chills"}

    message = _refusal(tmp_path, "red_flags.yaml", edit)
    assert message == "red_flags.yaml: rule shingles_rash: symptoms may not appear under 'not'"


def test_a_missing_treatment_step_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["rules"] = [r for r in data["rules"] if r["id"] != "acupuncture"]

    assert _refusal(tmp_path, "treatments.yaml", edit) == (
        "treatments.yaml: missing steps: acupuncture"
    )


def test_files_the_engine_does_not_own_are_ignored(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "meta.yaml", lambda data: None)
    (folder / "exercise_tracking.yaml").write_text("this: [is not, our, schema")
    assert load_knowledge_base(folder).version


def test_kb_check_refuses_a_broken_folder_naming_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(data: dict[str, Any]) -> None:
        _rule(data, "cancer_history")["source"] = "nobody_2099"

    folder = _broken(tmp_path, "red_flags.yaml", edit)
    code = main(["kb", "check", "--dir", str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert "red_flags.yaml: rule cancer_history: source 'nobody_2099'" in err
