"""`upperback audit verify | backup | restore | retriage | export fhir`: the web app's data
from the command line.

They work on the database the settings name (UPPERBACK_DATA_DIR's SQLite file, or
DATABASE_URL), so Django is set up inside each handler, never at import.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="the audit log: verify its hash chain")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="AUDIT")
    verify = audit_commands.add_parser("verify", help="walk the chain; name the first bad row")
    verify.add_argument(
        "--anchor",
        default="",
        help=(
            "an anchor file written by `audit anchor` (or a folder of them: the newest), or a"
            " head hash recorded earlier: it must still be in the chain"
        ),
    )
    verify.set_defaults(handler=handle_audit_verify)
    anchor = audit_commands.add_parser(
        "anchor", help="write the chain's head to a signed file in AUDIT_ANCHOR_DIR (for cron)"
    )
    anchor.add_argument("--folder", type=Path, default=None, help="another folder to write to")
    anchor.set_defaults(handler=handle_audit_anchor)

    backup = subparsers.add_parser("backup", help="copy the database safely while the app runs")
    backup.add_argument("--output", type=Path, required=True, help="the backup file to write")
    backup.set_defaults(handler=handle_backup)

    restore = subparsers.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("file", type=Path, help="a file written by `upperback backup`")
    restore.add_argument(
        "--force", action="store_true", help="overwrite a database that holds data"
    )
    restore.set_defaults(handler=handle_restore)

    retriage = subparsers.add_parser(
        "retriage",
        help="re-run the current knowledge base over every patient's latest intake",
        description=(
            "Re-run the engine over each patient's latest assessment made under another "
            "knowledge-base version; record the new assessments, list the patients whose "
            "triage changed, and put every raise at the top of the clinician queue."
        ),
    )
    retriage.add_argument(
        "--workers", type=_positive, default=None, help="engine processes (default: the cores)"
    )
    retriage.set_defaults(handler=handle_retriage)

    export = subparsers.add_parser("export", help="export a patient's record")
    export_formats = export.add_subparsers(dest="export_format", required=True, metavar="FORMAT")
    fhir = export_formats.add_parser("fhir", help="a FHIR R4B Bundle (JSON)")
    fhir.add_argument("--patient", required=True, help="the patient's email address")
    fhir.add_argument("--output", type=Path, required=True, help="the JSON file to write")
    fhir.add_argument("--language", choices=["en", "es"], default=None)
    fhir.set_defaults(handler=handle_export_fhir)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _setup() -> None:
    from upperback.web import setup

    setup()


def handle_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from upperback.web.records.audit import verify
    from upperback.web.records.audit_anchor import AnchorError, parse

    try:
        given = parse(args.anchor) if args.anchor else ""
    except AnchorError as error:
        print(f"audit verify: {error}", file=sys.stderr)
        return 2
    verdict = verify(anchor=given) if isinstance(given, str) else verify(anchored=given)
    if not verdict.intact:
        print(f"audit chain broken: {verdict.problem}", file=sys.stderr)
        print(f"{verdict.rows} rows verified before it", file=sys.stderr)
        return 1
    print(f"{verdict.rows} rows, chain intact (head {verdict.head})")
    return 0


def handle_audit_anchor(args: argparse.Namespace) -> int:
    _setup()
    from upperback.web.records.audit_anchor import write

    try:
        path = write(args.folder)
    except OSError as error:
        print(f"audit anchor: cannot write: {error}", file=sys.stderr)
        return 1
    print(f"audit anchor written to {path}")
    return 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def handle_backup(args: argparse.Namespace) -> int:
    _setup()
    from upperback.web.backup import BackupError, backup

    try:
        backup(args.output, progress=_progress)
    except BackupError as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backup written to {args.output}")
    return 0


def handle_restore(args: argparse.Namespace) -> int:
    _setup()
    from upperback.web.backup import BackupError, restore

    try:
        restore(args.file, force=args.force, progress=_progress)
    except BackupError as error:
        print(f"restore refused: {error}", file=sys.stderr)
        return 1
    print(f"restored from {args.file}")
    return 0


def handle_retriage(args: argparse.Namespace) -> int:
    _setup()
    from tqdm import tqdm

    from upperback.web.records.retriage import retriage

    with tqdm(total=0, unit="intake", file=sys.stderr, desc="retriage") as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = retriage(workers=args.workers, progress=progress)
    print(
        f"knowledge base {report.knowledge_base}: {report.latest} latest assessments made "
        f"under another version, {report.rerun} re-run, {len(report.changes)} triage changes "
        f"({len(report.raises)} raised)"
    )
    if report.skipped_answered_again:
        print(f"{report.skipped_answered_again} left alone: the patient answered again meanwhile")
    for change in sorted(report.changes, key=lambda c: (not c.raised, c.patient_email)):
        word = "RAISED" if change.raised else "lowered"
        print(
            f"{word}\t{change.patient_email}\t{change.old_triage} -> {change.new_triage}"
            f"\tassessment {change.old_record_id} -> {change.new_record_id}\t{change.reason}"
        )
    for email, record_id, message in report.failed:
        print(f"FAILED\t{email}\tassessment {record_id}\t{message}", file=sys.stderr)
    return 1 if report.failed else 0


def handle_export_fhir(args: argparse.Namespace) -> int:
    _setup()
    from upperback.web.care.fhir_export import ExportError, export_for_clinic

    try:
        bundle_json = export_for_clinic(args.patient, language=args.language)
    except ExportError as error:
        print(f"export failed: {error}", file=sys.stderr)
        return 1
    try:
        args.output.write_text(bundle_json, encoding="utf-8")
    except OSError as error:
        print(f"export failed: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"FHIR R4B Bundle for {args.patient} written to {args.output}")
    return 0
