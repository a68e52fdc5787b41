"""`upperback`: the command line. Each layer registers its own subcommands.

A module in COMMAND_MODULES has `register(subparsers)`, which adds its subcommands with a
`handler(args) -> int` default. Heavy imports (the pose model) stay inside the handlers, so
`upperback assess` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "upperback.clinical.commands",
    "upperback.clinical.validation.commands",
    "upperback.vision.commands",
    "upperback.web.commands",
    "upperback.web.choosing.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="upperback",
        description="Upper back pain: assessment, knowledge base, posture and exercise analysis.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
