"""The slots other apps may fill on the records pages render nothing when the app has no
template there, and the template with the page's context when it has."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template


def _render(source: str, **context: Any) -> str:
    return Template("{% load upperback_extras %}" + source).render(Context(context))


def test_a_missing_slot_template_renders_nothing() -> None:
    assert _render('{% optional_include "nowhere/_missing.html" %}') == ""


def test_a_present_slot_template_renders_with_the_page_context(db: Any) -> None:
    html = _render('{% optional_include "records/emergency.html" %}')
    assert 'href="tel:911"' in html


def test_the_records_pages_offer_their_slots() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "src/upperback/web/templates/records"
    assert '"media/_progress.html"' in (templates / "progress.html").read_text()
    assert '"media/_clinician_review.html"' in (templates / "review.html").read_text()
    assert '"clinic/_result.html"' in (templates / "result.html").read_text()
