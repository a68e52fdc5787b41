"""Stop reading an uploaded file as soon as it passes settings.UPLOAD_MAX_BYTES.

Django streams a large upload to a temporary file in full before any view runs (the CSRF
check already parses the body), so a size check in the view comes after the disk is filled.
This handler sits first in FILE_UPLOAD_HANDLERS: past the limit it skips the rest of the file
(read and thrown away, never kept in memory or on disk) and marks the request, so the upload
page names the problem instead of saying the file is missing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

FLAG = "upload_too_large"


class SizeLimitHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                setattr(self.request, FLAG, True)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler keeps the file


def was_too_large(request: HttpRequest) -> bool:
    return bool(getattr(request, FLAG, False))


def too_large_message() -> str:
    return _("The file is too large: the limit is %(limit)s.") % {
        "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
    }
