"""Views and the API reach patient data only through the access door (records.access), and
write only through the actions (records.actions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "upperback" / "web"
DOORS = [
    WEB / "api.py",
    WEB / "accounts" / "views.py",
    WEB / "records" / "views.py",
    WEB / "records" / "wizard.py",
    WEB / "records" / "progress.py",
    WEB / "records" / "presenting.py",
]


def _attribute_calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


@pytest.mark.parametrize("path", DOORS, ids=lambda p: str(p.relative_to(WEB)))
def test_views_never_query_or_save_models_directly(path: Path) -> None:
    used = _attribute_calls(path)
    assert "objects" not in used, "query through records.access instead"
    assert not used & {"save", "delete", "create", "update"}, "write through records.actions"
