"""The door to uploads: the owner and the clinic's staff, every opening audited (records.access
rules: a refusal is a 404, and is audited too)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from upperback.web.records.access import access_patient, audit, may_see

from .models import MediaUpload


def _as_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def access_upload(user: Any, upload_id: Any, *, purpose: str) -> MediaUpload:
    upload = MediaUpload.objects.select_related("patient").filter(pk=_as_id(upload_id)).first()
    if upload is None or not may_see(user, upload.patient):
        patient = upload.patient if upload is not None else None
        audit(user, purpose=purpose, patient=patient, obj=upload, allowed=False)
        raise Http404("No such upload.")
    audit(user, purpose=purpose, patient=upload.patient, obj=upload, allowed=True)
    return upload


def access_uploads(user: Any, patient_id: Any, *, purpose: str) -> QuerySet[MediaUpload]:
    patient = access_patient(user, patient_id, purpose=purpose)
    return MediaUpload.objects.filter(patient=patient)
