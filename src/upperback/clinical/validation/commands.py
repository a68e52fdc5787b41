"""`upperback validate [--output FILE]`: the engine's figures on the validation set."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    validate = subparsers.add_parser(
        "validate", help="run the engine on the clinical validation set; print the report"
    )
    validate.add_argument(
        "--output", type=Path, default=None, help="file to write the Markdown to (default stdout)"
    )
    validate.set_defaults(handler=handle_validate)


def handle_validate(args: argparse.Namespace) -> int:
    from upperback.clinical.commands import write_markdown
    from upperback.clinical.validation.report import validation_markdown

    return write_markdown(validation_markdown(), args.output)
