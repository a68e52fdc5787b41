"""Uploads a dead worker left "running": queued again once, then failed with a message.

`upperback.web.serve` runs this before it starts (or restarts) the task worker; every job
claim does the same (tasks.analyse_upload), so a worker started by hand recovers them too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from upperback.web.media import actions


class Command(BaseCommand):
    help = "Queue again (once) or fail the uploads whose analysis worker died."

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = actions.recover_abandoned()
        if options["verbosity"]:
            self.stdout.write(f"recovered {len(recovered)} abandoned upload(s)")
