"""The door to uploads: the owner and the clinic's staff, every opening audited (records.access
rules: a refusal is a 404, and is audited too)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from upperback.web.records.access import access_patient, is_clinic_staff, may_see, open_door

from .models import Kind, LiveSession, MediaUpload


def may_place_points(user: Any, upload: MediaUpload) -> bool:
    """The clinic's staff place tragus and C7 on a posture photo."""
    return is_clinic_staff(user) and upload.kind == Kind.PHOTO


def access_upload(
    user: Any, upload_id: Any, *, purpose: str, to_place_points: bool = False
) -> MediaUpload:
    """An upload whose patient `user` may see; `to_place_points`: a photo, for the clinic."""

    def rule(u: Any, upload: MediaUpload) -> bool:
        return may_see(u, upload.patient) and (not to_place_points or may_place_points(u, upload))

    query = MediaUpload.objects.select_related("patient")
    return open_door(user, query, upload_id, purpose=purpose, allowed=rule)


def access_uploads(user: Any, patient_id: Any, *, purpose: str) -> QuerySet[MediaUpload]:
    patient = access_patient(user, patient_id, purpose=purpose)
    return MediaUpload.objects.filter(patient=patient)


def access_live_sessions(user: Any, patient_id: Any, *, purpose: str) -> QuerySet[LiveSession]:
    """A patient's live coaching sessions (exercise adherence), newest first."""
    patient = access_patient(user, patient_id, purpose=purpose)
    return LiveSession.objects.filter(patient=patient)
