"""People's words (an activity a patient named, a clinician's reason) made safe to draw.

Charts and the PDF show text that anyone typed. Drawn as it came, a lone surrogate cannot be
encoded, a control character draws a missing glyph (or breaks the SVG's XML), a bidirectional
override turns the rest of a label around, and a megabyte of text lays out for minutes.
`plain` keeps the words and drops only those, and cuts the text at `limit` characters with an
ellipsis.
"""

from __future__ import annotations

import unicodedata

# Characters that reorder the text after them (LRE, RLE, PDF, LRO, RLO, the isolates and
# the marks): a label could show its words in another order than they were typed.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
ELLIPSIS = "…"


def _kept(character: str) -> str:
    category = unicodedata.category(character)
    if category == "Cs":  # half of a surrogate pair, alone: no character at all
        return "\ufffd"
    if category == "Cc":  # NUL, tabs, newlines, escapes: one line of plain words
        return " " if character in "\t\n\r" else ""
    return "" if character in BIDI_CONTROLS else character


def plain(text: str, limit: int) -> str:
    """`text` without control characters, bidirectional overrides or lone surrogates, at
    most `limit` characters (the cut marked by an ellipsis)."""
    cut = len(text) > limit
    kept = "".join(_kept(c) for c in text[:limit])
    if cut:
        kept = kept[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return kept
