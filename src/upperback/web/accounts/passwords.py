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


# zxcvbn scores 0-4; 3 means at least 10^8 guesses even for a guesser who knows the common
# passwords, words, names, dates, keyboard runs and l33t substitutions.
MIN_SCORE = 3
# zxcvbn's time grows with the length; a longer password is judged on its first part.
ZXCVBN_MAX_CHARS = 72  # (zxcvbn 4.5 refuses longer input)


class BreachedPasswordValidator:
    """Refuses passwords found in breaches, or built from such pieces, without the network.

    zxcvbn (Dropbox's estimator, pinned) ships its lists inside the package: the 30,000
    passwords most often found in breached password dumps, and English words, names and
    film and TV words by frequency. A password that is one of those breached passwords (l33t
    spelling or a changed case included: `Passw0rd!`) is refused as breached; one whose
    estimated guesses fall under 10^8 (`Dec2026!`, `Monday2026`) as too easy to guess."""

    def validate(self, password: str, user: Any = None) -> None:
        from zxcvbn import zxcvbn

        sample = password[:ZXCVBN_MAX_CHARS]
        result = zxcvbn(sample, user_inputs=_user_words(user))
        letters = len(re.sub(r"[^a-z]", "", _plain(sample)))
        breached = [
            m
            for m in result["sequence"]
            if m.get("dictionary_name") == "passwords" and len(m["token"]) >= max(letters, 1)
        ]
        if breached and result["score"] < MIN_SCORE:
            raise ValidationError(
                _("This password is among those found in data breaches: choose another."),
                code="password_breached",
            )
        if result["score"] < MIN_SCORE:
            raise ValidationError(
                _(
                    "This password is too easy to guess: try three or four unrelated words,"
                    " or a longer one."
                ),
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be one found in data breaches, nor easy to guess.")


def _address_parts(email: str) -> list[str]:
    """The pieces of an address a guesser tries: the local part whole, and each word of
    three letters or more in it and in the domain's name (not its ending)."""
    local, _at, domain = _plain(email).partition("@")
    words = re.split(r"[^a-z]+", local) + re.split(r"[^a-z]+", domain.rsplit(".", 1)[0])
    whole = re.sub(r"[^a-z]", "", local)
    return sorted({w for w in (whole, *words) if len(w) >= 3}, key=len, reverse=True)


def _user_words(user: Any) -> list[str]:
    if user is None:
        return []
    values = [getattr(user, name, "") or "" for name in ("first_name", "last_name")]
    return [*_address_parts(str(getattr(user, "email", "") or "")), *map(_plain, values)]


class EmailPartsValidator:
    """Refuses a password that contains the account's address or a word of it: `alice.smith`
    and `Smith-2026!` for alice.smith@example.com (Django's own similarity check lets a
    part with a year added through)."""

    def validate(self, password: str, user: Any = None) -> None:
        email = str(getattr(user, "email", "") or "")
        if not email:
            return
        letters = _letters(password)
        if any(part in letters for part in _address_parts(email)):
            raise ValidationError(
                _("This password contains your email address or a part of it: choose another."),
                code="password_email_part",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot contain your email address or a part of it.")
