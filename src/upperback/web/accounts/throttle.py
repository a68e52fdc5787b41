"""Login throttling that strangers cannot turn against an account.

A lock on an address alone lets anyone lock anyone out: ten wrong passwords from anywhere
used to stop the clinician's right password too. Here wrong passwords are counted on keys a
stranger shares with the account's owner only when they share a place:

- **address and source** (`pair`): the address tried from one source (an IPv4 address, or an
  IPv6 /64). Ten wrong passwords lock that pair only: the owner elsewhere is not stopped.
- **source** (`src`): every address tried from one source. A guesser spraying many
  addresses from one place is stopped after SOURCE_FAILURES_ALLOWED.
- **address** (`addr`): the address from every source it has no known device on, so a
  guesser using many sources is still slowed; a higher limit.
- **known device** (`dev`): a browser where the address logged in before carries a signed
  cookie (accounts.devices). From it, only the address-and-device count applies: the right
  password from the owner's own browser works whatever strangers did.

Each key's lock lasts LOGIN_LOCK_SECONDS, doubling with each lock after (progressive), up to
LOGIN_LOCK_MAX_SECONDS; a right password clears its own key; a password reset or a staff
unlock in the admin clears every lock on the address (and the admin can clear a source's).
Every lock and unlock goes into the audit log.

Each password check first *reserves* an attempt on each key with one conditional UPDATE
(failures + 1 where failures < the limit and not locked), which the database applies
atomically: N parallel wrong passwords through any number of processes reserve at most the
limit, and the others are refused without checking. Rows hold digests, never addresses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from .models import LoginThrottle

LOGIN_FAILURES_ALLOWED = 10  # per address and source, and per address and known device
SOURCE_FAILURES_ALLOWED = 50  # per source, whatever addresses it tries
ADDRESS_FAILURES_ALLOWED = 100  # per address, from sources without a known device
LOGIN_LOCK_SECONDS = 15 * 60  # the window, and the first lock
LOGIN_LOCK_MAX_SECONDS = 24 * 60 * 60

PAIR, SOURCE, ADDRESS, DEVICE = "pair", "src", "addr", "dev"
_LIMITS = {
    PAIR: LOGIN_FAILURES_ALLOWED,
    SOURCE: SOURCE_FAILURES_ALLOWED,
    ADDRESS: ADDRESS_FAILURES_ALLOWED,
    DEVICE: LOGIN_FAILURES_ALLOWED,
}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def address_key(email: str) -> str:
    """The address's digest: the table holds no list of addresses people tried."""
    return _digest("address", email.strip().lower())


def client_source(request: HttpRequest | None) -> str:
    """Where a request comes from: the peer's address (behind a proxy, the address the proxy
    appended last to X-Forwarded-For), an IPv6 address widened to its /64 (one machine
    holds a whole /64)."""
    if request is None:
        return "unknown"
    raw = str(request.META.get("REMOTE_ADDR") or "")
    if settings.LOGIN_SOURCE_FROM_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        raw = hops[-1] if hops else raw
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Key:
    kind: str
    key: str
    address: str  # the address's digest ("" for a source's key)

    @property
    def limit(self) -> int:
        return _LIMITS[self.kind]

    @property
    def label(self) -> str:
        """For the audit log's object id (32 characters at most)."""
        return f"{self.kind}:{self.key[:24]}"


def keys_for(email: str, *, source: str, device: str | None) -> list[Key]:
    address = address_key(email)
    if device:
        return [Key(DEVICE, _digest(DEVICE, address, device), address)]
    return [
        Key(PAIR, _digest(PAIR, address, source), address),
        Key(SOURCE, _digest(SOURCE, source), ""),
        Key(ADDRESS, address, address),
    ]


def _not_locked(now: dt.datetime) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


def _reserve(key: Key, now: dt.datetime) -> bool:
    LoginThrottle.objects.bulk_create(
        [LoginThrottle(key=key.key, kind=key.kind, address=key.address, window_started=now)],
        ignore_conflicts=True,
    )
    rows = LoginThrottle.objects.filter(key=key.key)
    window = dt.timedelta(seconds=LOGIN_LOCK_SECONDS)
    # A lock over for a whole day is forgiven: the next lock starts short again.
    rows.filter(locked_until__lte=now - dt.timedelta(seconds=LOGIN_LOCK_MAX_SECONDS)).update(
        lockouts=0, locked_until=None
    )
    rows.filter(_not_locked(now), window_started__lte=now - window).update(
        failures=0, window_started=now
    )
    reserved = rows.filter(_not_locked(now), failures__lt=key.limit).update(
        failures=F("failures") + 1
    )
    return reserved == 1


def reserve_attempt(email: str, *, source: str = "unknown", device: str | None = None) -> bool:
    """True when a password check for this address from here may go ahead (and is now
    counted on each of its keys); False when one of them is locked or at its limit."""
    now = timezone.now()
    reserved: list[Key] = []
    for key in keys_for(email, source=source, device=device):
        if not _reserve(key, now):
            # Give back what was taken on the other keys: only checks made count.
            for taken in reserved:
                LoginThrottle.objects.filter(key=taken.key, failures__gt=0).update(
                    failures=F("failures") - 1
                )
            return False
        reserved.append(key)
    return True


def lock_seconds(lockouts: int) -> int:
    """The length of a key's next lock: doubling with each lock before it."""
    return int(min(LOGIN_LOCK_SECONDS * 2 ** min(lockouts, 16), LOGIN_LOCK_MAX_SECONDS))


def record_failure(email: str, *, source: str = "unknown", device: str | None = None) -> None:
    """A wrong password (its attempt is already counted): each key at its limit is locked,
    for longer each time, and the lock is audited."""
    now = timezone.now()
    for key in keys_for(email, source=source, device=device):
        row = LoginThrottle.objects.filter(key=key.key, failures__gte=key.limit).first()
        if row is None:
            continue
        until = now + dt.timedelta(seconds=lock_seconds(row.lockouts))
        # Conditional: of parallel failures, one locks (the others find failures reset).
        locked = LoginThrottle.objects.filter(key=key.key, failures__gte=key.limit).update(
            failures=0, window_started=now, locked_until=until, lockouts=F("lockouts") + 1
        )
        if locked:
            _audit("login.locked", key.label, actor_id=None, outcome="refused")


def clear_attempts(email: str, *, source: str = "unknown", device: str | None = None) -> None:
    """A right password: its own key (this source, or this device) starts afresh, and the
    attempt it reserved on the source's and the address's counts is given back (only wrong
    passwords count there; a stranger's failures stay counted)."""
    own, *shared = keys_for(email, source=source, device=device)
    LoginThrottle.objects.filter(key=own.key).delete()
    for key in shared:
        LoginThrottle.objects.filter(key=key.key, failures__gt=0).update(failures=F("failures") - 1)


def unlock_address(email: str, *, actor_id: int | None, why: str) -> int:
    """Every lock and count on an address, from any source or device (a password reset, or
    staff in the admin). Audited when something was cleared. Returns the rows cleared."""
    address = address_key(email)
    cleared, _ = LoginThrottle.objects.filter(address=address).delete()
    if cleared:
        _audit(f"login.unlocked.{why}", f"{ADDRESS}:{address[:24]}", actor_id=actor_id)
    return cleared


def unlock_keys(keys: list[str], *, actor_id: int | None, why: str) -> int:
    """Clear the given rows (the admin's list of locks: a source's lock, say), audited."""
    rows = list(LoginThrottle.objects.filter(key__in=keys))
    for row in rows:
        _audit(f"login.unlocked.{why}", Key(row.kind, row.key, row.address).label, actor_id)
    LoginThrottle.objects.filter(key__in=[row.key for row in rows]).delete()
    return len(rows)


def locked_until(email: str) -> dt.datetime | None:
    """The latest lock on the address from any source or device, if one is on now."""
    now = timezone.now()
    return (
        LoginThrottle.objects.filter(address=address_key(email), locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def _audit(action: str, label: str, actor_id: int | None, outcome: str = "allowed") -> None:
    from upperback.web.records import audit

    audit.append_one(
        audit.Entry(
            actor_id=actor_id,
            action=action,
            patient_id=None,
            object_type="login_lock",
            object_id=label,
            outcome=outcome,
        )
    )
