"""The web decides nothing clinical: no pain, age or duration threshold and no triage decision
in its source. Thresholds and levels live in the knowledge base and the engine; the web shows
what they say (comparing a triage with "emergency" to pick the call-911 page is display)."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "upperback" / "web"
CLINICAL_WORDS = (
    "intensity",
    "age",
    "duration",
    "pain",
    "nrs",
    "psfs",
    "score",
    "days",
    "weeks",
    "minutes",
    "stiffness",
    "triage",
    "rank",
    "level",
)
# Below emergency, a level is the engine's to decide; a page only shows it.
DECIDED_LEVELS = {"urgent", "soon", "routine", "self_care"}
# Known and not clinical, each with its reason; anything new here needs one.
ALLOWED = {
    ("clinic/models.py", "self.duration_minutes <= 0"): "an appointment's length",
    # The booking offer reads the engine's triage to pick a window; it decides no triage.
    # (URGENT_WINDOW is the clinic's 24 hours; the lead may move it to the KB's
    # consult_within_days.)
    ("clinic/offers.py", "triage == 'urgent'"): "the engine's level picks the booking window",
    ("clinic/chooser.py", "page > 0"): "paging through the weeks of a search ('page' holds 'age')",
    ("clinic/views_search.py", "page > 0"): "the same paging, kept in the search's links",
    (
        "records/templatetags/upperback_extras.py",
        "days <= 0",
    ): "the engine's consultation window of 0 days is worded 'today'",
}


def _numbers(node: ast.Compare) -> bool:
    sides = [node.left, *node.comparators]
    return any(isinstance(s, ast.Constant) and type(s.value) in (int, float) for s in sides) or any(
        isinstance(s, ast.UnaryOp) and isinstance(s.operand, ast.Constant) for s in sides
    )


def _levels(node: ast.Compare) -> bool:
    strings = {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    return bool(strings & DECIDED_LEVELS)


def clinical_comparisons(source: str) -> list[str]:
    """The comparisons in `source` that look like a clinical threshold or a triage decision."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        text = ast.unparse(node)
        threshold = _numbers(node) and any(word in text.lower() for word in CLINICAL_WORDS)
        if threshold or _levels(node):
            found.append(text)
    return found


def test_the_scan_catches_a_threshold_and_a_triage_decision() -> None:
    assert clinical_comparisons("if intake['age'] >= 50 and pain.intensity_now > 7: pass")
    assert clinical_comparisons("urgent = record.triage == 'urgent'")
    assert clinical_comparisons("x = days_since < 42")
    assert not clinical_comparisons("if record.triage == 'emergency': pass")
    assert not clinical_comparisons("if len(rows) > 3: pass")


def test_the_web_holds_no_clinical_threshold_or_triage_decision() -> None:
    offending = {}
    for path in sorted(WEB.rglob("*.py")):
        name = str(path.relative_to(WEB))
        found = [
            text
            for text in clinical_comparisons(path.read_text(encoding="utf-8"))
            if (name, text) not in ALLOWED
        ]
        if found and "migrations" not in path.parts:
            offending[name] = found
    assert offending == {}, "decide in the engine or the knowledge base, not in the web"
