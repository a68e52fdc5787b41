"""docs/contract.md's generated half: the contract's JSON Schemas, as `upperback schema` prints
them. The prose above the marker is written by hand; everything below it is regenerated with
`upperback schema docs --output docs/contract.md` (a test fails when it is stale)."""

from __future__ import annotations

import json
from pathlib import Path

from upperback.clinical.contract import Assessment, Intake

MARKER = "<!-- generated below: upperback schema docs --output docs/contract.md -->"


def schemas_markdown() -> str:
    parts = [MARKER, "", "## JSON Schemas", ""]
    for name, model in (("intake", Intake), ("assessment", Assessment)):
        schema = json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False)
        parts += [f"### `upperback schema {name}`", "", "```json", schema, "```", ""]
    return "\n".join(parts)


def updated(document: str) -> str:
    """The document with everything from the marker on replaced by the current schemas."""
    head = document.split(MARKER, 1)[0]
    return head + schemas_markdown()


def write(path: Path) -> None:
    path.write_text(updated(path.read_text(encoding="utf-8")), encoding="utf-8")
