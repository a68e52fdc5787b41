"""`upperback validate [--output FILE]`: the engine's figures on the validation set."""

from __future__ import annotations

import argparse
import sys
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
    from upperback.clinical.validation.report import validation_markdown

    text = validation_markdown()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
