"""The patient's preferences on her plan, and the consultation's outcome: the clinician's
diagnosis, the plan agreed with the patient and the next review date.

The engine's plan with her preferences is stored as the engine returned it, beside the
original assessment (never over it). A diagnosis keeps the engine's likely sources as they
were when it was made, so concordance compares like with like.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from upperback.web.free_text import NOTE_CHARS, at_most
from upperback.web.records.models import AssessmentRecord


class PlanPreferences(models.Model):
    """Her choices on one assessment's plan, and the engine's plan with them."""

    record = models.OneToOneField(
        AssessmentRecord, on_delete=models.CASCADE, related_name="preferences"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_preferences"
    )
    choices = models.JSONField(default=list, help_text="[{step, choice, reason}] (contract 1.2)")
    assessment = models.JSONField(help_text="the engine's answer with her preferences")
    knowledge_base = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences on assessment {self.record_id}"


class Certainty(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PROBABLE = "probable", _("Probable")
    POSSIBLE = "possible", _("Possible")


class Basis(models.TextChoices):
    EXAMINATION = "examination", _("Examination")
    IMAGING = "imaging", _("Imaging")
    BOTH = "both", _("Examination and imaging")


OTHER_CAUSE = "other"


class ConsultationOutcome(models.Model):
    """What the clinician found and agreed with the patient at the consultation."""

    record = models.ForeignKey(AssessmentRecord, on_delete=models.CASCADE, related_name="outcomes")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_outcomes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    agreed_on = models.DateField()
    source = models.CharField(max_length=32, help_text="one of the eight sources, or 'other'")
    other_cause = models.CharField(max_length=200, blank=True)
    certainty = models.CharField(max_length=16, choices=Certainty.choices)
    basis = models.CharField(max_length=16, choices=Basis.choices)
    engine_sources = models.JSONField(
        default=list, help_text="the engine's likely sources, in its order, when diagnosed"
    )
    agreed_steps = models.JSONField(default=list, help_text="[{step, note}] in the agreed order")
    note = models.TextField(blank=True, max_length=NOTE_CHARS)
    next_review = models.DateField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            at_most("note", NOTE_CHARS, name="choosing_outcome_note_length"),
            at_most("other_cause", 200, name="choosing_outcome_other_cause_length"),
        ]

    def __str__(self) -> str:
        return f"outcome {self.pk} of assessment {self.record_id}: {self.source}"
