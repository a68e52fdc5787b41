"""The axe-core hook of the `page` fixture fails a test on a page with a violation."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe_check import AxeWatch


def test_the_hook_fails_on_an_image_without_alt_text(browser: Any) -> None:
    context = browser.new_context()
    try:
        tab = context.new_page()
        watch = AxeWatch(tab)
        tab.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head>'
            '<body><main><h1>Hello</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            "</main></body></html>"
        )
        with pytest.raises(AssertionError, match=r"image-alt .*\n\s+img"):
            watch.finish()
    finally:
        context.close()


def test_the_hook_passes_a_clean_page(browser: Any) -> None:
    context = browser.new_context()
    try:
        tab = context.new_page()
        watch = AxeWatch(tab)
        tab.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head>'
            "<body><main><h1>Hello</h1><p>All fine.</p></main></body></html>"
        )
        watch.finish()
        assert watch.checked  # the page was checked, not skipped
    finally:
        context.close()
