"""The clinical engine's public API holds what the web app imports: import-linter forbids the
web the private modules (test_docs_and_api.py pins the whole list of exported names)."""

from __future__ import annotations

import upperback.clinical as clinical

# Every name the web app imports from the engine; removing one breaks the web app.
USED_BY_THE_WEB = {
    "TRIAGE_ORDER",
    "Assessment",
    "Intake",
    "assess",
    "citation",
    "escalate",
    "translate",
    "validation_messages",
    "kb_name",
    "screen_partial",
    "PriorTreatment",
    "PsfsActivity",
    "StepId",
    "with_triage",
}


def test_it_exports_what_the_web_app_uses() -> None:
    assert set(clinical.__all__) >= USED_BY_THE_WEB


def test_the_triage_order_runs_from_emergency_to_self_care() -> None:
    assert clinical.TRIAGE_ORDER[0] == "emergency"
    assert clinical.TRIAGE_ORDER[-1] == "self_care"
