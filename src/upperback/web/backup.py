"""Backup and restore of the app's database, safe while the app writes.

SQLite: SQLite's online backup API copies the database in one step, from one read snapshot
(WAL lets the app keep writing meanwhile), into a temporary file that is checked
(`PRAGMA integrity_check`) before it is renamed into place. Restore copies the backup into
the live database through the same API, as one write transaction.
PostgreSQL: `pg_dump --format=custom` (one consistent snapshot) and `pg_restore --clean`.
Uploaded media in the local folder go into FILE.media.tar beside the backup, and come back
with the restore.

Restore refuses to overwrite a database that holds data unless `force` is given: stop the
app first, then restore with --force.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import connection

from upperback.web.private_files import private_file

Progress = Callable[[str], None]
RESTORE_STEP_PAGES = 1024


class BackupError(Exception):
    pass


def _database() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def media_archive(output: Path) -> Path:
    """Where the uploads' copy goes, beside the database's: FILE.media.tar."""
    return output.with_name(output.name + ".media.tar")


def backup(output: Path, *, progress: Progress) -> None:
    if _is_sqlite():
        _sqlite_backup(Path(_database()["NAME"]), output, progress)
    elif connection.vendor == "postgresql":
        _pg_dump(output, progress)
    else:
        raise BackupError(f"no backup for the {connection.vendor} engine")
    _media_backup(media_archive(output), progress)


def restore(source: Path, *, force: bool, progress: Progress) -> None:
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if connection.introspection.table_names() and not force:
        raise BackupError(
            "the database already holds data; stop the app, then restore with --force"
        )
    _check_media_archive(media_archive(source))  # before anything is replaced
    connection.close()
    if _is_sqlite():
        _sqlite_restore(source, Path(_database()["NAME"]), progress)
    elif connection.vendor == "postgresql":
        _pg_restore(source, progress)
    else:
        raise BackupError(f"no restore for the {connection.vendor} engine")
    _media_restore(media_archive(source), progress)


# --- media ----------------------------------------------------------------------------------
# After the database's copy, so every file its rows name is in the archive: a file is stored
# before the row that names it commits (media.actions), and uploads are never deleted. Files
# stored meanwhile are in the archive too, harmlessly. With an object store the bucket is not
# copied here: the store's own versioning or replication keeps it (README, "Backups").


def _media_backup(archive: Path, progress: Progress) -> None:
    from upperback.web.media import storage

    if not storage.is_local():
        progress("media are on the object store: back up the bucket there (README, Backups)")
        return
    root = storage.root()
    partial = archive.with_name(archive.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    files = 0
    with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
        for folder in ("uploads", "pictures"):
            for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
                if path.is_file() and not path.name.endswith(".part"):
                    tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    files += 1
    os.replace(partial, archive)
    progress(f"{archive}: {files} media files")


def _media_restore(archive: Path, progress: Progress) -> None:
    from upperback.web.media import storage

    if not archive.is_file():
        progress(f"no media archive beside the backup ({archive.name}): media left as they are")
        return
    if not storage.is_local():
        raise BackupError("media are on the object store: restore the bucket there, not here")
    root = storage.root()
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, mode="r") as tar:
        members = _media_members(archive, tar)
        tar.extractall(root, members=members, filter="data")  # no links, no paths outside
    progress(f"restored {len(members)} media files into {root}")


def _media_members(archive: Path, tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for member in members:
        name = Path(member.name)
        inside = name.parts[:1] in (("uploads",), ("pictures",)) and ".." not in name.parts
        if not member.isfile() or not inside:
            raise BackupError(f"{archive}: {member.name!r} is not a media file")
    return members


def _check_media_archive(archive: Path) -> None:
    if archive.is_file():
        try:
            with tarfile.open(archive, mode="r") as tar:
                _media_members(archive, tar)
        except tarfile.TarError as error:
            raise BackupError(f"{archive}: not a media archive ({error})") from None


# --- SQLite ---------------------------------------------------------------------------------


def integrity(path: Path) -> str:
    """ "ok", or what PRAGMA integrity_check (or SQLite opening the file) found wrong."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return ", ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
    except sqlite3.DatabaseError as error:
        return str(error)


def _sqlite_backup(database: Path, output: Path, progress: Progress) -> None:
    if not database.is_file():
        raise BackupError(f"{database}: no database to back up")
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(database, timeout=30)) as source:
        pages = source.execute("PRAGMA page_count").fetchone()[0]
        progress(f"copying {database} ({pages} pages) from one snapshot")
        with closing(sqlite3.connect(partial)) as target:
            # One step (pages=-1): one read snapshot, so the copy is consistent however the
            # app writes meanwhile (WAL: the app's writers are not blocked).
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    progress("checking the copy (PRAGMA integrity_check)")
    verdict = integrity(partial)
    if verdict != "ok":
        partial.unlink()
        raise BackupError(f"the copy failed its integrity check: {verdict}")
    os.replace(partial, output)
    private_file(output)  # a whole copy of the health records: the owner's only
    progress(f"{output}: {output.stat().st_size} bytes")


def _sqlite_restore(source: Path, database: Path, progress: Progress) -> None:
    verdict = integrity(source)
    if verdict != "ok":
        raise BackupError(f"{source} is not a sound SQLite database: {verdict}")
    database.parent.mkdir(parents=True, exist_ok=True)

    def report(status: int, remaining: int, total: int) -> None:
        progress(f"restored {total - remaining} of {total} pages")

    with (
        closing(sqlite3.connect(source)) as backup_db,
        closing(sqlite3.connect(database, timeout=30)) as target,
    ):
        backup_db.backup(target, pages=RESTORE_STEP_PAGES, progress=report)


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = _database()
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg_tool(name: str) -> str:
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = shutil.which(name) or next(iter(installed), None)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL's client tools)")
    return found


def _run(command: list[str], env: dict[str, str], progress: Progress) -> None:
    progress(f"running {Path(command[0]).name}")
    done = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True)
    for line in done.stderr.splitlines()[-20:]:
        progress(line)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} exited with status {done.returncode}")


def _pg_dump(output: Path, progress: Progress) -> None:
    args, env = _pg_env()
    partial = output.with_name(output.name + ".partial")
    command = [_pg_tool("pg_dump"), "--format=custom", "--verbose", "--file", str(partial)]
    _run([*command, *args], env, progress)
    os.replace(partial, output)
    private_file(output)


def _pg_restore(source: Path, progress: Progress) -> None:
    args, env = _pg_env()
    command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--verbose"]
    _run([*command, *args, str(source)], env, progress)
