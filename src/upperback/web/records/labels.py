"""Plain-words labels (English, translated by gettext) the knowledge base does not hold.

The intake's questions and their choices live in the field table (intake_fields.py); plan
steps, likely sources and triage levels are named by the knowledge base (`kb_name`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SPECIALTIES = {
    "self": _("You, at home"),
    "emergency_department": _("Emergency department"),
    "spine_surgeon": _("Spine surgeon"),
    "physiatrist": _("Physiatrist"),
    "physical_therapist": _("Physical therapist"),
    "chiropractor": _("Chiropractor"),
    "massage_therapist": _("Massage therapist"),
    "acupuncturist": _("Acupuncturist"),
    "rheumatologist": _("Rheumatologist"),
    "primary_care": _("Primary care doctor"),
}
GRADES = {
    "moderate": _("Moderate evidence"),
    "low": _("Low evidence"),
    "very_low": _("Very low evidence"),
    "expert_opinion": _("Expert opinion"),
}
TRIAGE_NOW = {
    "emergency": _(
        "Call 911 or go to the nearest emergency department now. Do not drive yourself."
    ),
    "urgent": _("See a clinician today or within 24 hours. Call the clinic now."),
    "soon": _("Book an in-person consultation within the next 2 weeks. Start the plan meanwhile."),
    "routine": _("Start the plan now and book a consultation at a convenient time."),
    "self_care": _("Follow the stepped plan at home and review your progress on the review date."),
}
