"""Development email (`make run`): each message to a file, and one line on the terminal.

The console backend prints every email whole, headers and both bodies, into the server's
log: the sign-up link is lost in hundreds of lines. This backend writes each message as an
.eml file in EMAIL_FILE_PATH (the data folder's mail/) and prints one line: whom it is to,
its subject, the file, and the first link in it, the one to open.
"""

from __future__ import annotations

import re
import secrets
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

LINK = re.compile(r"https?://\S+")


def first_link(message: EmailMessage) -> str:
    """The first address in the plain-text body ("" when there is none)."""
    found = LINK.search(str(message.body))
    return found.group(0) if found else ""


class EmailBackend(BaseEmailBackend):
    _lock = threading.Lock()
    _count = 0

    def __init__(self, *args: Any, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            path = self._write(message)
            link = first_link(message)
            to = ", ".join(message.to)
            line = f'Email to {to}: "{message.subject}" saved in {path}'
            print(line + (f" | link: {link}" if link else ""), file=sys.stdout, flush=True)
            sent += 1
        return sent

    def _write(self, message: EmailMessage) -> Path:
        with self._lock:  # one name per message, even from the server's threads
            EmailBackend._count += 1
            number = EmailBackend._count
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"{stamp}-{number}-{secrets.token_hex(3)}.eml"
        path.write_bytes(message.message().as_bytes())
        return path
