"""Logs an operator can use and a patient need not fear: one JSON object per line on stderr,
each carrying the id of the request it belongs to, and no health data.

`RequestIdMiddleware` (first in MIDDLEWARE) gives every request an id (a proxy's
`X-Request-ID` when it looks like one, else a new one), answers it in `X-Request-ID` (a
patient can quote it to support), and puts it on every log line written while the request
runs. Server errors (django.request) are logged with the id, the method, the path without
its query string, the status and the traceback: never the body, the query, cookies or
headers. With ADMINS set (UPPERBACK_ADMINS), each error is also mailed to them, in the same
redacted form (Django's own admin email carries the request's POST data).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.log import AdminEmailHandler

HEADER = "X-Request-ID"
_GIVEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = str(request.headers.get(HEADER, ""))
        rid = given if _GIVEN.match(given) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response


def _request_fields(record: logging.LogRecord) -> dict[str, Any]:
    request = getattr(record, "request", None)
    fields: dict[str, Any] = {}
    if request is not None:
        fields["request_id"] = getattr(request, "request_id", "") or request_id.get()
        fields["method"] = getattr(request, "method", "")
        fields["path"] = getattr(request, "path", "")  # never the query string
    else:
        rid = request_id.get()
        if rid:
            fields["request_id"] = rid
    status = getattr(record, "status_code", None)
    if status is not None:
        fields["status"] = status
    return fields


def _message(record: logging.LogRecord) -> str:
    """The message, except django.request's, which repeats the full path with its query
    (a search term, say): its path is given apart, without the query."""
    if record.name == "django.request" and getattr(record, "request", None) is not None:
        return str(record.msg).split(":")[0] if isinstance(record.msg, str) else "request"
    return record.getMessage()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
            **_request_fields(record),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class PrivateAdminEmailHandler(AdminEmailHandler):
    """Mails ADMINS what the log line says (id, method, path, status, traceback), not
    Django's full report with the request's body, query, cookies and settings."""

    def emit(self, record: logging.LogRecord) -> None:
        fields = _request_fields(record)
        subject = f"[Upperback] {record.levelname}: {_message(record)} {fields.get('path', '')}"
        body = JsonFormatter().format(record)
        self.send_mail(self.format_subject(subject), body, fail_silently=True)
