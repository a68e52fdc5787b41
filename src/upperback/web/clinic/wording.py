"""The clinic's words for dates, times and visit types, in the reader's language.

US English reads "Tuesday, December 8, 2026" and "9:30 AM" (a US clinic's 12-hour clock);
Spanish "martes, 8 de diciembre de 2026" and "09:30". A visit type is named by its code
through the catalogue (the admin's English name is the fallback for a type added later).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format, time_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LONG_DATE = {"en": "l, F j, Y", "es": r"j \d\e F \d\e Y"}
CLOCK = {"en": "g:i A", "es": "H:i"}
SHORT_DAY = {"en": "D, M j", "es": r"j \d\e M"}
TYPE_NAMES: dict[str, Any] = {
    "spine-consultation": _("New spine consultation"),
    "follow-up": _("Follow-up"),
    "physical-therapy": _("Physical therapy session"),
    "chiropractic": _("Chiropractic session"),
    "massage": _("Massage session"),
    "acupuncture": _("Acupuncture session"),
}


def _language() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def long_date(value: dt.date | dt.datetime) -> str:
    """The weekday and the date in full: "Tuesday, December 8, 2026"."""
    language = _language()
    if language == "es":  # Spanish writes the weekday in lower case (Django's is capitalised)
        return f"{date_format(value, 'l').lower()}, {date_format(value, LONG_DATE[language])}"
    return date_format(value, LONG_DATE[language])


def short_day(value: dt.date) -> str:
    """A day in a list of days: "Tue, Dec 8", "mar 8 de dic"."""
    language = _language()
    if language == "es":
        return f"{date_format(value, 'D').lower()} {date_format(value, SHORT_DAY[language])}"
    return date_format(value, SHORT_DAY[language])


def clock(value: dt.datetime | dt.time) -> str:
    """The time of day: "9:30 AM" in US English, "09:30" in Spanish."""
    return time_format(value, CLOCK[_language()])


def when(local: dt.datetime) -> str:
    """Date, time and zone of a local moment: "Tuesday, December 8, 2026, 9:30 AM PST"."""
    return f"{long_date(local)}, {clock(local)} {local.tzname()}"


def type_name(code: str, fallback: str) -> str:
    """A visit type's name in the reader's language (the stored name for an unknown code)."""
    name = TYPE_NAMES.get(code)
    return str(name) if name is not None else fallback
