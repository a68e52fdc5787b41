"""Files the app makes are its own: the data folder, the database, uploads, backups, mail and
audit anchors are readable by the server's account only (folders 0700, files 0600).

The settings set the process's umask (UPPERBACK_UMASK, 077 by default) so that every file any
part of the app, SQLite or a library creates starts owner-only; these helpers also tighten
what was made before (an older data folder, a database made under another umask).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def _tighten(path: Path, mode: int) -> None:
    try:
        found = path.stat().st_mode
        # A shared folder (the sticky bit: /tmp) is never ours to close: others need it.
        if found & stat.S_ISVTX:
            return
        if stat.S_IMODE(found) & 0o077:
            path.chmod(mode)
    except FileNotFoundError:
        pass
    except PermissionError:  # not ours (a shared mount): leave it, the owner decides
        pass


def private_dir(path: Path, *, tighten: bool = True) -> Path:
    """Make (or tighten) a folder only its owner may read. `tighten=False`: a folder the
    operator named for a file of ours (a SQLite file elsewhere) is made private if new, and
    left as it is if it exists (it may be shared, such as /tmp)."""
    existed = path.exists()
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if tighten or not existed:
        _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Tighten a file (if it exists) to owner-only."""
    _tighten(path, FILE_MODE)
    return path


def private_database(path: Path) -> Path:
    """The SQLite file made empty and owner-only before SQLite first opens it (its -wal and
    -shm files then take the same mode), or tightened with its companions if it exists."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        private_file(companion)
    return path


def parse_umask(raw: str) -> int:
    value = int(raw, 8)
    if not 0 <= value <= 0o777:
        raise ValueError(raw)
    return value
