"""The task queues, by priority, each served by its own worker (`manage.py worker
--queue-name NAME`; `make run` starts one per queue, README "Deployment"):

- urgent: booking confirmations, cancellations and day-before reminders, and the notices of
  clinicians' messages (safety notices among them): nothing else may hold them up.
- analysis: camera uploads (seconds to minutes each).
- bulk: the daily weekly-reminder run and its thousands of emails.

"default" is kept for tasks queued before the queues existed; the urgent worker serves it.
"""

from __future__ import annotations

URGENT = "urgent"
ANALYSIS = "analysis"
BULK = "bulk"
LEGACY = "default"

# The queues `/readyz` wants a live worker on (ops.health), most urgent first.
BY_PRIORITY = (URGENT, ANALYSIS, BULK)
# What each of `make run`'s workers serves (serve.py), and a deployment's (README).
WORKERS = {URGENT: f"{URGENT},{LEGACY}", ANALYSIS: ANALYSIS, BULK: BULK}
