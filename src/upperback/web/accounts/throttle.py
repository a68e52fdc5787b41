"""Login throttling in the database, shared by every server process and kept over restarts.

Each address (known or not: the answer must not reveal an account) has one counter row. A
password check first *reserves* an attempt with one conditional UPDATE (failures + 1 where
failures < the limit), which the database applies atomically: N parallel wrong passwords
through any number of processes reserve at most LOGIN_FAILURES_ALLOWED checks, and the others
are refused without checking. A right password clears the row; a wrong one leaves its
reservation counted. The window starts at the first failure and lasts LOGIN_LOCK_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import F
from django.utils import timezone

from .models import LoginThrottle

LOGIN_FAILURES_ALLOWED = 10
LOGIN_LOCK_SECONDS = 15 * 60


def address_key(email: str) -> str:
    """The row's key: a digest, so the table holds no list of addresses people tried."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def reserve_attempt(email: str) -> bool:
    """True when a password check for this address may go ahead (and is now counted)."""
    key = address_key(email)
    now = timezone.now()
    LoginThrottle.objects.bulk_create(
        [LoginThrottle(key=key, failures=0, window_started=now)], ignore_conflicts=True
    )
    expired = now - dt.timedelta(seconds=LOGIN_LOCK_SECONDS)
    LoginThrottle.objects.filter(key=key, window_started__lte=expired).update(
        failures=0, window_started=now
    )
    reserved = LoginThrottle.objects.filter(key=key, failures__lt=LOGIN_FAILURES_ALLOWED).update(
        failures=F("failures") + 1
    )
    return reserved == 1


def clear_attempts(email: str) -> None:
    """A right password: the address starts afresh."""
    LoginThrottle.objects.filter(key=address_key(email)).delete()
