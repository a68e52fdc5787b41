"""The clinical engine's curated public API: what `__all__` names is there, and is what the
web app and the command line may import (import-linter forbids the private modules)."""

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
}


def test_every_exported_name_resolves() -> None:
    assert len(set(clinical.__all__)) == len(clinical.__all__)
    for name in clinical.__all__:
        assert getattr(clinical, name) is not None


def test_it_exports_what_the_web_app_uses() -> None:
    assert set(clinical.__all__) >= USED_BY_THE_WEB


def test_the_triage_order_runs_from_emergency_to_self_care() -> None:
    assert clinical.TRIAGE_ORDER[0] == "emergency"
    assert clinical.TRIAGE_ORDER[-1] == "self_care"
