"""A patient's records: intake drafts, stored assessments, clinicians' overrides, progress, audit.

The engine's answer is stored exactly as it returned it (`assessment`); a clinician's override
is kept beside it (`Override`), never written over it, so both stay visible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upperback.clinical import TRIAGE_ORDER
from upperback.web.free_text import NOTE_CHARS, REASON_CHARS, at_most


class Triage(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    SOON = "soon", _("Soon")
    ROUTINE = "routine", _("Routine")
    SELF_CARE = "self_care", _("Self-care")


def triage_rank(triage: str) -> int:
    """0 for emergency, 4 for self-care: the queue sorts on this."""
    return TRIAGE_ORDER.index(triage)


class IntakeDraft(models.Model):
    """An intake in progress: each completed wizard step is saved here at once."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_drafts"
    )
    answers = models.JSONField(
        default=dict, help_text="the answers so far: a partial intake in contract names"
    )
    completed_steps = models.JSONField(default=list)
    stopped_for_emergency = models.BooleanField(default=False)
    submitted = models.ForeignKey(
        "AssessmentRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    @property
    def is_open(self) -> bool:
        return self.submitted_id is None and not self.stopped_for_emergency

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.patient_id}"


class AssessmentRecord(models.Model):
    """One assessment: the intake, the engine's answer and the knowledge-base version."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    intake = models.JSONField()
    assessment = models.JSONField(help_text="the engine's answer, as it returned it")
    triage = models.CharField(max_length=16, choices=Triage.choices, help_text="the engine's")
    current_triage = models.CharField(
        max_length=16, choices=Triage.choices, help_text="the engine's, or the latest override"
    )
    current_rank = models.PositiveSmallIntegerField(help_text="0 = emergency; the queue order")
    knowledge_base = models.CharField(max_length=64)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Set by `upperback retriage`: the earlier assessment of the same intake that this one
    # re-ran under a newer knowledge base. One re-run per assessment (the unique key), so two
    # runs at once cannot both record one.
    retriaged_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="retriaged_to"
    )
    raised_by_retriage = models.BooleanField(
        default=False, help_text="the re-run raised the triage: top of the queue until reviewed"
    )
    retriage_reason = models.TextField(blank=True, help_text="why the triage changed, in English")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["current_rank", "created_at"])]

    def __str__(self) -> str:
        return f"assessment {self.pk} ({self.triage}) of {self.patient_id}"


class Override(models.Model):
    """A clinician's change to the triage or plan, with who, when and why; the engine's stays."""

    record = models.ForeignKey(AssessmentRecord, on_delete=models.CASCADE, related_name="overrides")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(max_length=REASON_CHARS)
    old_triage = models.CharField(max_length=16, choices=Triage.choices)
    new_triage = models.CharField(max_length=16, choices=Triage.choices)
    plan_note = models.TextField(
        blank=True, max_length=NOTE_CHARS, help_text="the clinician's edit to the plan"
    )
    removed_steps = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            at_most("reason", REASON_CHARS, name="records_override_reason_length"),
            at_most("plan_note", NOTE_CHARS, name="records_override_plan_note_length"),
        ]

    def __str__(self) -> str:
        return f"override {self.pk}: {self.old_triage} -> {self.new_triage}"


class ProgressEntry(models.Model):
    """A check-in: pain now and worst this week (0-10), the PSFS scores, function, and the
    exercise sessions done this week; with the engine's review of it."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress"
    )
    recorded_on = models.DateField()
    pain_now = models.PositiveSmallIntegerField()
    pain_worst_week = models.PositiveSmallIntegerField(null=True, blank=True)
    loss_of_function = models.BooleanField(
        null=True, blank=True, help_text="cannot do usual work, self-care or sleep"
    )
    psfs = models.JSONField(default=list, blank=True)
    sessions = models.JSONField(
        default=dict, blank=True, help_text="exercise id -> sessions the patient reported"
    )
    camera_sessions = models.JSONField(
        default=dict, blank=True, help_text="exercise id -> finished camera checks counted"
    )
    note = models.CharField(max_length=200, blank=True)
    # The engine's review (`escalate`) at this check-in: its action and the plan phase it
    # moves to, so the next review starts from that phase.
    action = models.CharField(max_length=16, blank=True, help_text="the engine's escalate action")
    phase = models.PositiveSmallIntegerField(default=1, help_text="the plan phase it moves to")
    phase_started_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=64, blank=True, help_text="the engine's reason id")
    because = models.TextField(blank=True, help_text="the engine's reason, in plain words")
    rules = models.JSONField(default=list, blank=True, help_text="the escalation rules that fired")
    dosage = models.JSONField(
        default=dict, blank=True, help_text="exercise id -> the dosage level it moves to"
    )
    dosage_changes = models.JSONField(
        default=list, blank=True, help_text="the engine's dosage decisions, as it returned them"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def sessions_done(self) -> dict[str, int]:
        """Reported sessions plus finished camera checks, by exercise id."""
        done = dict(self.sessions)
        for exercise, count in self.camera_sessions.items():
            done[exercise] = done.get(exercise, 0) + count
        return done

    class Meta:
        ordering = ["recorded_on", "created_at"]
        constraints = [at_most("note", 200, name="records_progressentry_note_length")]


class WeeklyReminder(models.Model):
    """The check-in reminder of one patient for one ISO week: one row, made in the same
    transaction as its email task, so a second run of the reminder task (a retry, a restarted
    worker, two workers) finds the row and sends nothing."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_reminders"
    )
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-iso_year", "-iso_week"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "iso_year", "iso_week"], name="weeklyreminder_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"reminder {self.iso_year}-W{self.iso_week:02d} of {self.patient_id}"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    REFUSED = "refused", _("Refused")


class AuditEvent(models.Model):
    """Who did what to which patient's record, when, and whether it was allowed.

    Append-only and chained (see `audit`): write rows only through `audit.append`; the
    database refuses UPDATE and DELETE. The users it names are protected from deletion
    (deactivate them instead), as deleting would have to rewrite the log."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64, help_text="the purpose given to the access door")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=32, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-at"]
        constraints = [
            # A row written without the chain (not through audit.append) is refused.
            models.CheckConstraint(
                condition=models.Q(Exact(Length("hash"), 64), Exact(Length("prev_hash"), 64)),
                name="auditevent_chained",
            ),
            # Two rows chained to the same row would be a fork: refused.
            models.UniqueConstraint(fields=["prev_hash"], name="auditevent_one_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.outcome}"


class CareEpisode(models.Model):
    """One episode of a patient's care: the state `upperback.care.derive` makes of its events,
    stored as a projection written in the same transaction as each event (`episodes.record`).

    The columns beside `state` are the state's own values, copied so the queue is one indexed
    query sorted and paged by the database."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_episodes"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    state = models.JSONField(default=dict, help_text="upperback.care.CareState, as JSON")
    triage = models.CharField(max_length=16, choices=Triage.choices, blank=True)
    rank = models.PositiveSmallIntegerField(default=9, help_text="0 = emergency")
    queue_group = models.PositiveSmallIntegerField(
        default=1, help_text="0: an emergency or a raise not yet reviewed (first in the queue)"
    )
    waiting_since = models.DateTimeField(default=timezone.now)
    needs_review = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    latest_assessment = models.ForeignKey(
        AssessmentRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queue_group", "rank", "waiting_since"]
        # The queue reads open episodes with a triage in this order: a partial index that is
        # the query's own order, so a page costs the same at 1,000 patients as at 20,000.
        indexes = [
            models.Index(
                fields=["queue_group", "rank", "waiting_since", "id"],
                condition=models.Q(closed_at__isnull=True) & ~models.Q(triage=""),
                name="careepisode_queue",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(closed_at__isnull=True),
                name="careepisode_one_open_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"episode {self.pk} of {self.patient_id} ({self.triage})"


class CareEvent(models.Model):
    """One event of an episode (`upperback.care.events`), never changed after it is written."""

    episode = models.ForeignKey(CareEpisode, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16)
    payload = models.JSONField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["episode", "at"], name="careevent_episode_at")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M} in episode {self.episode_id}"
