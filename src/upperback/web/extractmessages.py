"""Add an app's new translatable texts to its Spanish catalogue (GNU gettext is not needed).

    python -m upperback.web.extractmessages src/upperback/web/clinic [--locale-dir DIR]

Reads `{% translate "..." %}`, `{% blocktranslate %}...{% endblocktranslate %}` (plurals
too) in the folder's templates and `_("...")` / `gettext("...")` in its Python files, and adds
every text not yet in `<locale-dir>/es/LC_MESSAGES/django.po` with an empty translation.
Existing translations are kept. Translate the new entries, then run
`python -m upperback.web.compilemessages`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import polib

TRANSLATE = re.compile(r'{%\s*(?:translate|trans)\s+(["\'])(.*?)\1')
BLOCK = re.compile(r"{%\s*blocktrans(?:late)?(.*?)%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)
PYTHON = re.compile(r'\b(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)*)"\s*\)')
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
PLURAL = "{% plural %}"


def _as_msgid(text: str) -> str:
    return VARIABLE.sub(r"%(\1)s", text)


def texts(folder: Path) -> Iterator[tuple[str, str | None]]:
    """(msgid, msgid_plural or None) for every translatable text under `folder`."""
    for path in sorted(folder.rglob("*.html")):
        source = path.read_text()
        for match in TRANSLATE.finditer(source):
            yield match.group(2), None
        for match in BLOCK.finditer(source):
            body = match.group(2)
            if PLURAL in body:
                one, many = body.split(PLURAL)
                yield _as_msgid(one), _as_msgid(many)
            else:
                yield _as_msgid(body), None
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.parts:
            for match in PYTHON.finditer(path.read_text()):
                yield match.group(1), None


def _catalogue(path: Path) -> polib.POFile:
    if path.exists():
        return polib.pofile(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.POFile()
    po.metadata = {
        "Language": "es",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    return po


def extract(folder: Path, locale_dir: Path) -> list[str]:
    """Add the missing texts; return them (empty when the catalogue was complete)."""
    po_path = locale_dir / "es" / "LC_MESSAGES" / "django.po"
    po = _catalogue(po_path)
    known = {entry.msgid for entry in po}
    added = []
    for msgid, plural in texts(folder):
        if msgid in known:
            continue
        entry = polib.POEntry(msgid=msgid, msgstr="")
        if plural is not None:
            entry = polib.POEntry(msgid=msgid, msgid_plural=plural, msgstr_plural={0: "", 1: ""})
        po.append(entry)
        known.add(msgid)
        added.append(msgid)
    po.save(str(po_path))
    return added


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--locale-dir", type=Path, help="default: FOLDER/locale")
    args = parser.parse_args(argv)
    added = extract(args.folder, args.locale_dir or args.folder / "locale")
    for msgid in added:
        print(f"new: {msgid}")
    print(f"{len(added)} new text(s); translate them, then compile:")
    print("    python -m upperback.web.compilemessages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
