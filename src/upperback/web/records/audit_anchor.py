"""The audit chain's head, written at intervals to signed files outside the database.

Someone who can write to the database can drop the triggers, change or delete rows, and
recompute every hash after them: the chain then verifies. What they cannot change is a file
in another folder (`AUDIT_ANCHOR_DIR`, by default beside the data folder, not in it; put it
on another disk or host). Each anchor names the head row (its id and hash) and how many
rows the log held, signed with an HMAC of the server's secret key, so an anchor cannot be
forged or edited without that key either.

`upperback audit verify --anchor FILE|FOLDER|HASH` then fails when the anchored row is gone,
changed or rehashed, or when fewer rows than the anchor counted lead up to it (truncation).

Anchors are written after a commit that appended to the log, at most one per
`AUDIT_ANCHOR_SECONDS` in each process (0: never; `upperback audit anchor` writes one at
once, for cron).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import re
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac

from .models import AuditEvent

SALT = "upperback.audit.anchor"
HASH = re.compile(r"^[0-9a-f]{64}$")
_lock = threading.Lock()
_last_written = 0.0  # monotonic time of this process's last anchor


class AnchorError(Exception):
    """An anchor file that cannot be read or whose signature does not match."""


@dataclass(frozen=True)
class Anchor:
    rows: int
    head_id: int
    head: str
    at: str

    def _canonical(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    def signature(self) -> str:
        return salted_hmac(SALT, self._canonical(), algorithm="sha256").hexdigest()


def anchor_dir() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def current() -> Anchor:
    """The log's head now (an empty log's head is row 0, the genesis hash)."""
    from .audit import GENESIS

    last = AuditEvent.objects.order_by("-pk").values_list("pk", "hash").first()
    head_id, head = last if last else (0, GENESIS)
    rows = AuditEvent.objects.filter(pk__lte=head_id).count()
    return Anchor(rows=rows, head_id=head_id, head=head, at=dt.datetime.now(dt.UTC).isoformat())


def write(directory: Path | None = None) -> Path:
    """Write the current head to a new signed file (owner-only) and return its path."""
    anchor = current()
    folder = directory or anchor_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"audit-anchor-{stamp}-{anchor.rows}.json"
    body = json.dumps({**asdict(anchor), "signature": anchor.signature()}, indent=1)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(body + "\n")
    return path


def maybe_write() -> None:
    """After a commit that appended: a new anchor when this process's last one is old.
    A failure to write is not the request's failure (the log row is committed); the next
    append tries again."""
    global _last_written
    interval = settings.AUDIT_ANCHOR_SECONDS
    if interval <= 0:
        return
    with _lock:
        now = time.monotonic()
        if _last_written and now - _last_written < interval:
            return
        _last_written = now
    try:
        write()
    except OSError:
        import logging

        logging.getLogger(__name__).exception("could not write an audit anchor")
        with _lock:
            _last_written = 0.0


def read(path: Path) -> Anchor:
    """The anchor a file holds (the newest file, for a folder), its signature checked."""
    if path.is_dir():
        files = sorted(path.glob("audit-anchor-*.json"))
        if not files:
            raise AnchorError(f"{path}: no audit-anchor-*.json file in this folder")
        path = files[-1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        anchor = Anchor(
            rows=int(data["rows"]),
            head_id=int(data["head_id"]),
            head=str(data["head"]),
            at=str(data["at"]),
        )
        signature = str(data["signature"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AnchorError(f"{path}: not an audit anchor ({error})") from None
    if not hmac.compare_digest(signature, anchor.signature()):
        raise AnchorError(
            f"{path}: the signature does not match: the file was changed, or signed with"
            " another secret key"
        )
    return anchor


def parse(text: str) -> Anchor | str:
    """`--anchor`'s value: a head hash (as before), or an anchor file or folder."""
    if HASH.match(text.strip().lower()):
        return text.strip().lower()
    path = Path(text)
    if not path.exists():
        raise AnchorError(f"--anchor {text!r}: neither a 64-character hash nor a file or folder")
    return read(path)
