"""Rate limits on the costly endpoints: storing an assessment (`POST /api/v1/assessments`),
uploads, and exports (FHIR, PDF reports), per account and per source; the anonymous
assessment (`POST /api/v1/assess`, no account) per source.

Each limit counts requests in a fixed window (an hour by default) in the database
(accounts.models.RateCounter): one conditional UPDATE (count + 1 where count < limit), so
every server process shares the count. Over a limit the answer is 429 with `Retry-After`,
naming the limit: in the API's error shape ({"detail": …}) for the API, a page otherwise.
The limits are settings (RATE_LIMITS, each overridable by UPPERBACK_RATE_<NAME>_ACCOUNT
and _SOURCE): the per-source limit is wider, since one clinic or household shares an address.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from upperback.web.accounts.models import RateCounter
from upperback.web.accounts.throttle import client_source

F_ = TypeVar("F_", bound=Callable[..., HttpResponse])


@dataclass(frozen=True)
class Limit:
    account: int
    source: int
    seconds: int = 3600


def _what(name: str) -> str:
    """The limited thing, in words, for the message."""
    return {
        "assessments": _("assessments stored"),
        "checks": _("assessments without an account"),
        "uploads": _("uploads"),
        "exports": _("exports and reports"),
    }.get(name, name)


class RateLimited(Exception):
    def __init__(self, name: str, scope: str, limit: int, seconds: int, retry_after: int) -> None:
        self.name, self.scope, self.limit = name, scope, limit
        self.seconds, self.retry_after = seconds, retry_after
        per = _("per account") if scope == "account" else _("per network address")
        hours = max(1, seconds // 3600)
        super().__init__(
            _(
                "Too many requests: at most %(limit)s %(what)s %(per)s every %(hours)s hour(s)."
                " Try again in %(minutes)s minute(s)."
            )
            % {
                "limit": limit,
                "what": _what(name),
                "per": per,
                "hours": hours,
                "minutes": max(1, math.ceil(retry_after / 60)),
            }
        )


def _limit(name: str) -> Limit:
    account, source = settings.RATE_LIMITS[name]
    return Limit(account=account, source=source, seconds=settings.RATE_LIMIT_WINDOW_SECONDS)


def _take(key: str, limit: int, seconds: int) -> int:
    """0 when a request is counted under the limit, else the seconds until the window ends."""
    now = timezone.now()
    RateCounter.objects.bulk_create(
        [RateCounter(key=key, count=0, window_started=now)], ignore_conflicts=True
    )
    rows = RateCounter.objects.filter(key=key)
    rows.filter(window_started__lte=now - dt.timedelta(seconds=seconds)).update(
        count=0, window_started=now
    )
    if rows.filter(count__lt=limit).update(count=F("count") + 1):
        return 0
    started = rows.values_list("window_started", flat=True).first() or now
    return max(1, int((started + dt.timedelta(seconds=seconds) - now).total_seconds()))


def hit(request: HttpRequest, name: str, *, anonymous: bool = False) -> None:
    """Count one request to `name` for the caller's account and source; raise RateLimited
    when either is over its limit (`anonymous`: an endpoint without accounts, counted by
    source only)."""
    limit = _limit(name)
    user: Any = None if anonymous else getattr(request, "user", None)
    scopes = [("source", client_source(request), limit.source)]
    if user is not None and user.is_authenticated:
        scopes.insert(0, ("account", str(user.pk), limit.account))
    for scope, who, allowed in scopes:
        key = hashlib.sha256(f"{name}\x00{scope}\x00{who}".encode()).hexdigest()
        wait = _take(key, allowed, limit.seconds)
        if wait:
            raise RateLimited(name, scope, allowed, limit.seconds, wait)


def limited_page(error: RateLimited, request: HttpRequest) -> HttpResponse:
    response = render(request, "rate_limited.html", {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def rate_limited(name: str, *, methods: tuple[str, ...] = ("GET", "POST")) -> Callable[[F_], F_]:
    """A page view under the `name` limit (only for the given methods)."""

    def decorate(view: F_) -> F_:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                try:
                    hit(request, name)
                except RateLimited as error:
                    return limited_page(error, request)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
