"""A change to the knowledge base's content must come with a new version.

Every stored assessment records the version that made it, so two different rule sets must
never share one. `kb_versions.json` records the content digest of each released version:
when the YAML changes, raise `version` in kb/meta.yaml and record the new digest with
`.venv/bin/python -m tests.clinical.test_kb_version --record`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from upperback.clinical import knowledge_base_version
from upperback.clinical.knowledge import KB_DIR

RECORD = Path(__file__).with_name("kb_versions.json")


def content_digest(directory: Path = KB_DIR) -> str:
    """SHA-256 over every YAML file's name and bytes, in name order."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_the_knowledge_base_content_matches_its_recorded_version() -> None:
    recorded: dict[str, str] = json.loads(RECORD.read_text())
    version, digest = knowledge_base_version(), content_digest()
    owner = [v for v, d in recorded.items() if d == digest]
    assert version in recorded, (
        f"version {version} is not recorded: run "
        "`.venv/bin/python -m tests.clinical.test_kb_version --record`"
    )
    assert recorded[version] == digest, (
        f"the knowledge base changed but its version is still {version}: raise `version` in "
        "kb/meta.yaml, then record it (`python -m tests.clinical.test_kb_version --record`)"
    )
    assert owner == [version]


def test_the_digest_sees_a_one_character_change(tmp_path: Path) -> None:
    for path in KB_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    before = content_digest(tmp_path)
    rules = tmp_path / "red_flags.yaml"
    rules.write_text(rules.read_text().replace("level: urgent", "level: soon", 1))
    assert content_digest(tmp_path) != before


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    recorded = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    version = knowledge_base_version()
    if version in recorded and recorded[version] != content_digest():
        sys.exit(f"version {version} already names other content: raise the version first")
    recorded[version] = content_digest()
    RECORD.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    print(f"recorded {version}")
