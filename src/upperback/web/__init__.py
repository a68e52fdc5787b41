"""The web app (Django). `setup()` readies Django for a command-line entry point."""

from __future__ import annotations

import os

SETTINGS = "upperback.web.settings"


def setup() -> None:
    """Configure Django with the app's settings (a command run outside the server)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()
