"""The default email backend for one machine (`make run`): each message is written whole to
a private file in EMAIL_FILE_PATH (folder 0700, files 0600), and the server's output gets one
line saying where. Printing the message itself (Django's console backend) put password-reset
and sign-up links and appointment details into the server's log, where anyone who reads the
log could use or read them.

A production start refuses both console backends unless UPPERBACK_ALLOW_CONSOLE_EMAIL=1
(upperback.web.serve, and the `upperback.E001` deploy check).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.message import EmailMessage

from upperback.web.private_files import private_dir, private_file


@checks.register(checks.Tags.security, deploy=True)
def check_email_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: a console backend in production sends no email."""
    from upperback.web.serve import CONSOLE_EMAIL_BACKENDS

    production = not settings.DEBUG and not settings.LOCAL
    console = settings.EMAIL_BACKEND in CONSOLE_EMAIL_BACKENDS
    if production and console and not settings.ALLOW_CONSOLE_EMAIL:
        return [
            checks.Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no email leaves this server.",
                hint="Set UPPERBACK_EMAIL_BACKEND (SMTP), or UPPERBACK_ALLOW_CONSOLE_EMAIL=1.",
                id="upperback.E001",
            )
        ]
    return []


class PrivateConsoleBackend(FileBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        private_dir(Path(kwargs.get("file_path") or settings.EMAIL_FILE_PATH))
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(email_messages)
        written = getattr(self, "_fname", None)  # (the file backend's own attribute)
        if sent and written:
            private_file(Path(written))
            print(
                f"email: {sent} message(s) written to {written}"
                " (not printed here: they may hold a login link or health details)",
                file=sys.stdout,
                flush=True,
            )
        return sent
