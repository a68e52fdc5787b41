"""The public API is what `__all__` says, and docs/kb.md matches the knowledge base."""

from __future__ import annotations

from pathlib import Path

import upperback.clinical as clinical
from upperback.clinical.kb_docs import kb_markdown

DOCS_KB = Path(__file__).resolve().parents[2] / "docs" / "kb.md"


def test_the_public_api_exports_exactly_these_names() -> None:
    assert sorted(clinical.__all__) == sorted(
        [
            "LANGUAGES",
            "FOLLOW_UP_GROUPS",
            "TRIAGE_ORDER",
            "Assessment",
            "Intake",
            "KnowledgeBaseError",
            "assess",
            "escalate",
            "exercise_library",
            "important_improvement",
            "knowledge_base_version",
            "Progress",
            "Escalation",
            "citation",
            "translate",
            "validation_messages",
            "PartialFlag",
            "PartialScreen",
            "kb_name",
            "screen_partial",
            "follow_ups",
            "psychosocial_due",
            "PriorTreatment",
            "PsfsActivity",
            "StepId",
            "Dose",
            "DoseChange",
            "current_dosage",
            "plan_ends_on",
            "reason_text",
            "Preference",
            "SourceId",
            "StepOption",
            "step_option",
            "with_triage",
        ]
    )
    for name in clinical.__all__:
        assert getattr(clinical, name) is not None


def test_docs_kb_md_is_up_to_date() -> None:
    assert DOCS_KB.read_text(encoding="utf-8") == kb_markdown(), (
        "docs/kb.md is stale: run `upperback kb docs --output docs/kb.md`"
    )


def test_docs_contract_md_holds_the_schemas_upperback_schema_prints() -> None:
    import json
    import subprocess
    import sys

    from upperback.clinical.contract_docs import MARKER, updated

    document = (DOCS_KB.parent / "contract.md").read_text(encoding="utf-8")
    assert MARKER in document
    assert updated(document) == document, "run: upperback schema docs --output docs/contract.md"
    printed = subprocess.run(
        [sys.executable, "-m", "upperback.cli", "schema", "intake"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.dumps(json.loads(printed), indent=2, ensure_ascii=False) in document
    for name in ("chest_pain", "phq4", "preferences", "psychosocial"):
        assert f"`{name}" in document.split(MARKER)[0], name
