"""`upperback concordance`: the engine's likely sources against the clinicians' diagnoses."""

from __future__ import annotations

import argparse
from typing import Any

from upperback.web import setup as _setup


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "concordance",
        help="how often the clinician's diagnosis was the engine's first (or first two) source",
    )
    parser.set_defaults(handler=handle_concordance)


def handle_concordance(args: argparse.Namespace) -> int:
    _setup()
    from .access import concordance_for_command
    from .concordance import as_text, concordance

    total, rows = concordance(concordance_for_command(purpose="concordance.command"))
    if not total.diagnoses:
        print("no diagnoses recorded yet")
        return 0
    print(as_text(total, rows))
    return 0
