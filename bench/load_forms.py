"""What the load test's patients read off the pages: the CSRF token and the first offered slot.

Apart from the locustfile so tests can check it without importing Locust (which patches the
standard library for gevent as it is imported)."""

from __future__ import annotations

import re

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_OFFERED = ("clinician", "location", "appointment_type", "starts_at", "assessment")


def token(html: str) -> str:
    found = _CSRF.search(html)
    return found.group(1) if found else ""


def first_offer(html: str) -> dict[str, str]:
    """The first offered slot's hidden fields (each offer is a small form with one button)."""
    field = html.find('name="starts_at"')
    if field < 0:
        return {}
    block = html[html.rfind("<form", 0, field) : html.find("</form>", field)]
    fields = {}
    for name in (*_OFFERED, "csrfmiddlewaretoken"):
        found = re.search(rf'name="{name}" value="([^"]*)"', block)
        if found:
            fields[name] = found.group(1)
    return fields
