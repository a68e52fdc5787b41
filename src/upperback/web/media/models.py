"""Patients' posture photos and exercise videos, and what the camera analysis found.

Files live under settings.MEDIA_ROOT (outside the web root, no URL serves it); the record keeps
the stored name only, and views serve files through the access door.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PHOTO = "photo", _("Posture photo")
    VIDEO = "video", _("Exercise video")


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting for analysis")
    RUNNING = "running", _("Being analysed")
    DONE = "done", _("Analysed")
    FAILED = "failed", _("Could not be analysed")


class MediaUpload(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_uploads"
    )
    assessment = models.ForeignKey(
        "records.AssessmentRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="media_uploads",
    )
    plan_step = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    exercise_id = models.CharField(max_length=40, blank=True)
    view = models.CharField(max_length=8)
    stored_name = models.CharField(max_length=200, help_text="path under MEDIA_ROOT")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=16, help_text="sniffed from the content")
    size_bytes = models.PositiveBigIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent of frames analysed")
    error = models.TextField(blank=True, help_text="in English, for the log")
    # The vision error's stable code and parameters: rendered in the reader's language.
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    points = models.JSONField(default=dict, blank=True, help_text="placed points, e.g. tragus")
    pictures = models.JSONField(default=dict, blank=True, help_text="name -> path under root")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    # The analysis lease: who runs it, since when, and the worker's last sign of life. A job
    # whose worker died is queued again once, then failed (actions.recover_abandoned).
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=80, blank=True, help_text="host:pid of the worker")
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of {self.patient_id}"

    @property
    def exercise_name(self) -> str:
        """The exercise's name in the active language ("" for a photo)."""
        from .names import exercise_name

        return exercise_name(self.exercise_id) if self.exercise_id else ""

    @property
    def unit_name(self) -> str:
        from .names import unit_name

        return unit_name(str(self.result.get("unit", "")))

    @property
    def labelled_pictures(self) -> list[tuple[str, str]]:
        """(name, what it shows in the active language) of each picture of the analysis."""
        from .names import picture_name

        # One per picture: a translated copy ("annotated_photo.es") stands in for its
        # original when served (views.serve_file), it is not a picture of its own.
        return [(name, picture_name(name)) for name in self.pictures if "." not in name]

    @property
    def error_message(self) -> str:
        """Why the analysis failed, in the active language (English text if no code)."""
        if not self.error_code:
            return self.error
        from .vision_messages import vision_message

        return vision_message(self.error_code, self.error_params)

    @property
    def headline_reading(self) -> str:
        """A photo's forward-head reading, in the active language."""
        from .analysis_texts import headline_reading

        return headline_reading(self.result)

    @property
    def in_progress(self) -> bool:
        return self.status in (Status.QUEUED, Status.RUNNING)


class LiveSession(models.Model):
    """One live coaching session: the pose ran in the patient's browser, only numbers came here.

    Each finished set adds its counts: the browser's live count and the server's recount of the
    landmarks the browser sent (no picture is ever sent). Exercise adherence for the progress
    page: `media.live.sessions_of` reads them.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions"
    )
    assessment = models.ForeignKey(
        "records.AssessmentRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_sessions",
    )
    key = models.CharField(max_length=40, help_text="made by the page, one per session")
    exercise_id = models.CharField(max_length=40)
    view = models.CharField(max_length=8)
    tracking_version = models.CharField(max_length=32)
    experimental = models.BooleanField(help_text="no labelled real clip validates the count")
    sets = models.PositiveSmallIntegerField(default=0)
    reps_browser = models.PositiveIntegerField(default=0, help_text="all sets, counted live")
    reps_server = models.PositiveIntegerField(default=0, help_text="all sets, recounted here")
    disagreement = models.BooleanField(default=False, help_text="a set's two counts differ")
    per_set = models.JSONField(default=list, help_text="each set's counts, tempo and faults")
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "key"], name="live_session_key_per_patient")
        ]

    def __str__(self) -> str:
        return f"live {self.exercise_id} {self.pk} of {self.patient_id}"

    @property
    def unchecked_sets(self) -> int:
        """Sets whose frames came too slowly for the clinic's recount to check the count
        (sets stored before the rate was recorded count as checked, as they were read)."""
        return sum(1 for one in self.per_set if one.get("checked") is False)

    @property
    def exercise_name(self) -> str:
        """The exercise in the reader's language (never the id, `biceps_curl`)."""
        from .names import exercise_name

        return exercise_name(self.exercise_id)
