"""`upperback audit verify | backup | restore`: the web app's data from the command line.

They work on the database the settings name (UPPERBACK_DATA_DIR's SQLite file, or
DATABASE_URL), so Django is set up inside each handler, never at import.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

SETTINGS = "upperback.web.settings"


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="the audit log: verify its hash chain")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="AUDIT")
    verify = audit_commands.add_parser("verify", help="walk the chain; name the first bad row")
    verify.add_argument(
        "--anchor", default="", help="a head hash recorded earlier: it must still be in the chain"
    )
    verify.set_defaults(handler=handle_audit_verify)

    backup = subparsers.add_parser("backup", help="copy the database safely while the app runs")
    backup.add_argument("--output", type=Path, required=True, help="the backup file to write")
    backup.set_defaults(handler=handle_backup)

    restore = subparsers.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("file", type=Path, help="a file written by `upperback backup`")
    restore.add_argument(
        "--force", action="store_true", help="overwrite a database that holds data"
    )
    restore.set_defaults(handler=handle_restore)


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()


def handle_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from upperback.web.records.audit import verify

    verdict = verify(anchor=args.anchor)
    if not verdict.intact:
        print(f"audit chain broken: {verdict.problem}", file=sys.stderr)
        print(f"{verdict.rows} rows verified before it", file=sys.stderr)
        return 1
    print(f"{verdict.rows} rows, chain intact (head {verdict.head})")
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
