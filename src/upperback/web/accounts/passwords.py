"""Password rules beyond Django's own (length, common passwords, likeness to the account):
no password built on the product's own words, and none of the season-and-year kind
(`Summer2026`, `Invierno-2025!`) that guessers try first."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words anyone who knows the site tries first: the product, its clinic, its demo.
PRODUCT_WORDS = ("upperback", "upperspine", "santamonica", "spineclinic", "thoracic")
# Words refused only when they are the whole password (a digit or symbol added is no help).
BARE_WORDS = ("demo", "clinic", "spine", "backpain", "doctor", "patient", "welcome", "password")
SEASONS = (
    "spring|summer|autumn|fall|winter|primavera|verano|otono|invierno|"
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre"
)
SEASON_AND_YEAR = re.compile(
    rf"^[^a-z0-9]*(?:(?:{SEASONS})[^a-z0-9]*(?:19|20)?\d\d|(?:19|20)?\d\d[^a-z0-9]*(?:{SEASONS}))"
    r"[^a-z]*$"
)


def _plain(password: str) -> str:
    """Lower case, accents dropped (Otoño is otono), so 'Upper Back' is 'upper back'."""
    folded = unicodedata.normalize("NFKD", password.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _letters(password: str) -> str:
    return re.sub(r"[^a-z]", "", _plain(password))


class ProductWordsValidator:
    """Refuses the product's and the clinic's own words, and season-or-month + year."""

    def validate(self, password: str, user: Any = None) -> None:
        letters = _letters(password)
        if any(word in letters for word in PRODUCT_WORDS) or letters in BARE_WORDS:
            raise ValidationError(
                _("This password is built on this site's own name or words: choose another."),
                code="password_product_word",
            )
        if SEASON_AND_YEAR.match(_plain(password)):
            raise ValidationError(
                _("A season or month with a year is among the first passwords guessed."),
                code="password_season_year",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be built on this site's name, nor on a date.")
