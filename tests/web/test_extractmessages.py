"""The extractor adds an app's new texts to its catalogue and keeps existing translations."""

from __future__ import annotations

from pathlib import Path

import polib

from upperback.web import extractmessages

WEB = Path(extractmessages.__file__).parent


def test_new_texts_are_added_and_translations_kept(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    (app / "templates" / "page.html").write_text(
        '{% translate "Hello" %} {% blocktranslate count n=k %}{{ n }} slot'
        "{% plural %}{{ n }} slots{% endblocktranslate %}"
    )
    (app / "views.py").write_text('label = _("Book now")\n')
    po_path = app / "locale" / "es" / "LC_MESSAGES" / "django.po"
    assert set(extractmessages.extract(app, app / "locale")) == {"Hello", "%(n)s slot", "Book now"}
    po = polib.pofile(str(po_path))
    po.find("Hello").msgstr = "Hola"
    po.save(str(po_path))
    assert extractmessages.extract(app, app / "locale") == []
    assert polib.pofile(str(po_path)).find("Hello").msgstr == "Hola"


def test_the_web_apps_catalogue_is_complete(tmp_path: Path) -> None:
    """Nothing in the templates, records or accounts is missing from web/locale."""
    catalogue = WEB / "locale" / "es" / "LC_MESSAGES" / "django.po"
    known = {entry.msgid for entry in polib.pofile(str(catalogue))}
    found = {
        msgid
        for folder in ("templates", "records", "accounts")
        for msgid, _plural in extractmessages.texts(WEB / folder)
    }
    assert found - known == set()
