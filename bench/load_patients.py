"""The load test's patients: `python -m bench.load_patients N` in a prepared data folder.

Each is made as a real patient is (the engine's assessment through the records' actions, so
the care record, the plan and the queue hold what they would), four weeks ago, with weekly
readings since. Half have a self-care plan (a desk worker's pain); the other half are advised
a consultation within days (a band of pain around the chest), so their result page offers
slots and the load test can book them. One password for all, hashed once (Argon2 is made to
be slow: 200 hashes would only slow the set-up). Idempotent.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

PASSWORD = "load-test-patient-77"


def email(n: int) -> str:
    return f"load{n}@load.upperback.example"


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upperback.web.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from upperback.clinical import Intake
    from upperback.web.accounts.models import Role, User
    from upperback.web.records import actions
    from upperback.web.records.demo_intakes import BY_TRIAGE

    hashed = make_password(PASSWORD)
    today = timezone.localdate()
    for n in range(count):
        if User.objects.filter(email=email(n)).exists():
            continue
        patient = User.objects.create(
            email=email(n), password=hashed, first_name=f"L{n}", role=Role.PATIENT
        )
        intake = BY_TRIAGE["self_care" if n % 2 == 0 else "soon"]
        actions.record_assessment(
            patient=patient,
            intake=Intake.model_validate(intake),
            assessed_at=timezone.now() - dt.timedelta(days=28),
        )
        activities = [a["activity"] for a in intake["function"].get("psfs", [])]
        for weeks_ago, pain in ((3, 5), (2, 4), (1, 4)):
            actions.add_progress(
                patient=patient,
                pain_now=pain,
                recorded_on=today - dt.timedelta(weeks=weeks_ago),
                psfs=[{"activity": a, "score": 10 - pain} for a in activities],
            )


if __name__ == "__main__":
    main(int(sys.argv[1]))
