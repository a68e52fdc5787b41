"""Compile every gettext catalogue under src/upperback/web into its .mo, with polib.

There is no GNU gettext on these machines, so Django's own `compilemessages` cannot run.
`python -m upperback.web.compilemessages` compiles each `locale/<lang>/LC_MESSAGES/*.po`
beside itself; `--check` only reports the stale ones (exit 1), for tests and CI.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polib

WEB_DIR = Path(__file__).resolve().parent


def catalogues(root: Path = WEB_DIR) -> Iterator[Path]:
    yield from sorted(root.glob("**/locale/*/LC_MESSAGES/*.po"))


def compiled_bytes(po_path: Path) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "out.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(target))
        return target.read_bytes()


def stale(root: Path = WEB_DIR) -> list[Path]:
    """The .po files whose .mo is missing or differs from a fresh compile."""
    out = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled_bytes(po):
            out.append(po)
    return out


def compile_all(root: Path = WEB_DIR) -> list[Path]:
    written = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        fresh = compiled_bytes(po)
        if not mo.exists() or mo.read_bytes() != fresh:
            mo.write_bytes(fresh)
            written.append(mo)
    return written


def main(argv: list[str]) -> int:
    if "--check" in argv:
        old = stale()
        for po in old:
            print(f"stale: {po.relative_to(WEB_DIR)} (run python -m upperback.web.compilemessages)")
        return 1 if old else 0
    for mo in compile_all():
        print(f"compiled {mo.relative_to(WEB_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
