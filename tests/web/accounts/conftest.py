from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware does not
    undo it): later tests in this worker must not inherit it."""
    yield
    translation.deactivate()
