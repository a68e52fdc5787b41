"""The clinical validation set and its report (issue 8): the yardstick of the engine.

    from upperback.clinical.validation import evaluate, load_cases
    result = evaluate(load_cases())
    result.emergencies_caught, len(result.unsafe), result.exact_agreement

`cases.yaml` holds the cases as data; `upperback validate` prints the report as Markdown.
"""

from __future__ import annotations

from upperback.clinical.validation.cases import (
    CASES_FILE,
    KINDS,
    Case,
    CasesError,
    load_cases,
    parse_cases,
)
from upperback.clinical.validation.metrics import Evaluation, Outcome, evaluate
from upperback.clinical.validation.report import render_markdown, validation_markdown

__all__ = [
    "CASES_FILE",
    "KINDS",
    "Case",
    "CasesError",
    "Evaluation",
    "Outcome",
    "evaluate",
    "load_cases",
    "parse_cases",
    "render_markdown",
    "validation_markdown",
]
