"""Sessions end after a while without use: STAFF_IDLE_SECONDS for clinic staff (who see many
patients' records), PATIENT_IDLE_SECONDS for patients. The last request's time is kept in the
session (written at most once a minute, so reading pages costs no write each time); a request
after the limit logs the session out and goes to the login page (the API answers 401)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

from .second_factor import needs_second_factor

LAST_SEEN = "upperback_last_seen"
WRITE_EVERY_SECONDS = 60


def idle_limit(user: Any) -> int:
    return int(
        settings.STAFF_IDLE_SECONDS if needs_second_factor(user) else settings.PATIENT_IDLE_SECONDS
    )


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if isinstance(last, (int, float)) and now - last > idle_limit(user):
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Session ended after inactivity."}, status=401)
                return redirect_to_login(request.get_full_path())
            if not isinstance(last, (int, float)) or now - last >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
