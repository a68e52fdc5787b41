"""`upperback assess | schema | kb check | kb docs`: the clinical engine's command line.

Bad input exits with status 2 and one line per problem on stderr naming the field; nothing
is written to stdout then, so a pipeline never receives half an assessment.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2
EXIT_BROKEN_KB = 1


def register(subparsers: Any) -> None:
    assess = subparsers.add_parser("assess", help="assess an intake (JSON) and print the result")
    assess.add_argument("file", help="the intake JSON file, or - for standard input")
    assess.add_argument("--format", choices=("json", "text"), default="json")
    assess.add_argument("--language", choices=("en", "es"), default="en")
    assess.set_defaults(handler=handle_assess)

    schema = subparsers.add_parser("schema", help="print the JSON Schema of the contract")
    schema.add_argument("model", choices=("intake", "assessment", "docs"))
    schema.add_argument(
        "--output", type=Path, default=None, help="docs: the contract document to update"
    )
    schema.set_defaults(handler=handle_schema)

    kb = subparsers.add_parser("kb", help="the knowledge base: check it, or document it")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND")
    check = kb_commands.add_parser("check", help="validate the knowledge base and summarise it")
    check.add_argument("--dir", type=Path, default=None, help="a knowledge-base folder to check")
    check.set_defaults(handler=handle_kb_check)
    docs = kb_commands.add_parser("docs", help="write the knowledge base as Markdown")
    docs.add_argument("--output", type=Path, default=None, help="file to write (default stdout)")
    docs.set_defaults(handler=handle_kb_docs)


def _problems(lines: list[str]) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return EXIT_BAD_INPUT


def _read_source(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    return Path(name).read_text(encoding="utf-8")


def handle_assess(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from upperback.clinical.contract import Intake
    from upperback.clinical.engine import assess
    from upperback.clinical.errors import validation_messages
    from upperback.clinical.summary import text_summary

    try:
        raw = _read_source(args.file)
    except (OSError, UnicodeDecodeError) as error:
        return _problems([f"{args.file}: cannot read the file: {error}"])
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        return _problems([f"intake: not valid JSON: {error}"])
    if not isinstance(data, dict):
        return _problems(["intake: must be a JSON object"])
    try:
        intake = Intake.model_validate(data)
    except ValidationError as error:
        return _problems(validation_messages(error))
    assessment = assess(intake, language=args.language)
    if args.format == "text":
        sys.stdout.write(text_summary(assessment))
    else:
        sys.stdout.write(assessment.model_dump_json(indent=2) + "\n")
    return 0


def handle_schema(args: argparse.Namespace) -> int:
    from upperback.clinical import contract_docs
    from upperback.clinical.contract import Assessment, Intake

    if args.model == "docs":
        if args.output is None:
            print(contract_docs.schemas_markdown())
        else:
            contract_docs.write(args.output)
            print(f"wrote {args.output}")
        return 0
    model = Intake if args.model == "intake" else Assessment
    print(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def handle_kb_check(args: argparse.Namespace) -> int:
    from upperback.clinical.knowledge import (
        KnowledgeBaseError,
        knowledge_base,
        load_knowledge_base,
    )

    try:
        kb = knowledge_base() if args.dir is None else load_knowledge_base(args.dir)
    except KnowledgeBaseError as error:
        print(f"knowledge base refused:\n{error}", file=sys.stderr)
        return EXIT_BROKEN_KB
    print(f"knowledge base {kb.version}: ok")
    for kind, count in kb.counts().items():
        print(f"  {kind}: {count}")
    families = sorted({rule.family for rule in kb.red_flags})
    print(f"  red-flag families: {', '.join(families)}")
    return 0


def write_markdown(text: str, output: Path | None) -> int:
    """A generated document to `output`, or to stdout when none is given."""
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return 0


def handle_kb_docs(args: argparse.Namespace) -> int:
    from upperback.clinical.kb_docs import kb_markdown

    return write_markdown(kb_markdown(), args.output)
