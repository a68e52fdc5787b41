"""Result page, a patient's own list, the clinician's queue and override (progress has its
own module, progress.py; the intake wizard, wizard.py).

Thin views: the access door (records.access) for every read, the actions for every write.
"""

from __future__ import annotations

from typing import Any, get_args

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from upperback.clinical import TRIAGE_ORDER, StepId
from upperback.web.accounts.users import signed_in_user
from upperback.web.free_text import NOTE_CHARS, REASON_CHARS, text_field
from upperback.web.ratelimit import rate_limited
from upperback.web.records import actions
from upperback.web.records.access import (
    access_assessment,
    access_episode,
    access_history,
    access_overrides,
    access_queue,
    is_clinic_staff,
    refuse,
)
from upperback.web.records.forms import summary
from upperback.web.records.intake_fields import STEP_NAMES
from upperback.web.records.presenting import kb_label, result_context, triage_title

from .charts import progress_charts
from .timeline import patient_timeline


def _levels() -> list[tuple[str, str]]:
    return [(level, triage_title(level)) for level in TRIAGE_ORDER]


def _plan_steps() -> list[tuple[str, str]]:
    """Every plan step, named by the knowledge base in the reader's language."""
    return [(step, kb_label("step", step)) for step in get_args(StepId)]


@login_required
def result(request: HttpRequest, assessment_id: int) -> HttpResponse:
    record = access_assessment(request.user, assessment_id, purpose="assessment.read")
    state = access_episode(request.user, record.patient_id, purpose="episode.read")
    context = result_context(
        record,
        state,
        access_overrides(request.user, record.patient_id, purpose="assessment.overrides"),
    )
    if context["triage"] == "emergency" and not is_clinic_staff(request.user):
        return render(request, "records/emergency.html", {"record": record})
    return render(request, "records/result.html", context)


@login_required
def my_assessments(request: HttpRequest) -> HttpResponse:
    records = access_history(request.user, request.user.pk, purpose="assessment.list")
    rows = [{"record": r, "title": triage_title(r.current_triage)} for r in records]
    return render(request, "records/my_assessments.html", {"rows": rows})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    found = access_queue(request.user, purpose="queue.read", page=_page(request.GET.get("page")))
    rows = [
        {"episode": e, "record": e.latest_assessment, "title": triage_title(e.triage)}
        for e in found.episodes
    ]
    return render(request, "records/queue.html", {"rows": rows, "page": found})


def _page(raw: str | None) -> int:
    """A page number from the query string; anything else is the first page."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


# Who a clinician may send the patient to (the contract's specialties but the emergency
# department, which the emergency triage itself names).
SPECIALTIES = (
    "spine_surgeon",
    "physiatrist",
    "physical_therapist",
    "chiropractor",
    "massage_therapist",
    "acupuncturist",
    "rheumatologist",
    "primary_care",
)


def _specialties() -> list[tuple[str, str]]:
    """Who the patient should see, named by the knowledge base; blank keeps the engine's."""
    named = [(s, capfirst(kb_label("who", s))) for s in SPECIALTIES]
    return [("", str(_("As the assessment recommends"))), *named]


class OverrideForm(forms.Form):
    new_triage = forms.ChoiceField(label=_("Triage"), choices=_levels)
    reason = text_field(
        _("Reason, kept for the clinic (required)"), REASON_CHARS, required=True, rows=3
    )
    plan_note = text_field(
        _("Note the patient reads (plain words; also the reason shown for removed steps)"),
        NOTE_CHARS,
        rows=3,
    )
    specialty = forms.ChoiceField(
        label=_("Who the patient should see"), choices=_specialties, required=False
    )
    removed_steps = forms.MultipleChoiceField(
        label=_("Remove these plan steps"),
        required=False,
        choices=_plan_steps,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Say why you change the engine's answer."))
        return reason


@login_required
def review(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The clinician's view of one assessment: answers, reasons, plan, history, override."""
    purpose = "assessment.override" if request.method == "POST" else "assessment.review"
    record = access_assessment(request.user, assessment_id, purpose=purpose, staff_only=True)
    form = OverrideForm(request.POST or None, initial={"new_triage": record.current_triage})
    if request.method == "POST" and "mark_reviewed" in request.POST:
        actions.mark_reviewed(patient=record.patient, author=signed_in_user(request))
        messages.success(request, _("Marked as reviewed: the care stays as it is."))
        return redirect("records:review", assessment_id=record.pk)
    if request.method == "POST" and form.is_valid():
        chosen = {**form.cleaned_data, "specialty": form.cleaned_data.get("specialty") or None}
        override = actions.override_assessment(
            record=record, author=signed_in_user(request), **chosen
        )
        messages.success(request, _override_saved(override))
        return redirect("records:review", assessment_id=record.pk)
    history = access_history(request.user, record.patient_id, purpose="assessment.history")
    state = access_episode(request.user, record.patient_id, purpose="episode.review")
    context: dict[str, Any] = {
        **result_context(
            record,
            state,
            access_overrides(request.user, record.patient_id, purpose="review.overrides"),
        ),
        "form": form,
        "history": [{"record": r, "title": triage_title(r.current_triage)} for r in history],
        "answers": _answers(record.intake),
        "charts": progress_charts(request.user, record.patient_id, record, purpose="review.charts"),
        "timeline": patient_timeline(request.user, record.patient_id),
    }
    return render(request, "records/review.html", context)


def _override_saved(override: Any) -> str:
    """The confirmation after an override: what changed, in the reader's language."""
    old, new = triage_title(override.old_triage), triage_title(override.new_triage)
    if old == new:
        said = [gettext("Override saved. The triage stays %(level)s.") % {"level": new}]
    else:
        said = [
            gettext("Override saved. The triage is now %(new)s (it was %(old)s).")
            % {"new": new, "old": old}
        ]
    if override.plan_note:
        said.append(gettext("Your note is added to the patient's plan."))
    if override.removed_steps:
        count = len(override.removed_steps)
        said.append(
            ngettext("%(count)d plan step is removed.", "%(count)d plan steps are removed.", count)
            % {"count": count}
        )
    return " ".join(said)


def _answers(intake: dict[str, Any]) -> list[dict[str, Any]]:
    """The patient's answers as the wizard asked them: each step's questions and answers in
    the reader's language (intake_fields.py is the one table of them)."""
    return [step for step in summary(intake, STEP_NAMES) if step["rows"]]


@login_required
@rate_limited("exports")
def fhir_export(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's record as a FHIR R4B Bundle, downloaded from the clinician's view."""
    from .fhir_export import as_json, export_patient

    user = signed_in_user(request)
    if not is_clinic_staff(user):  # a patient has her own export in the API
        raise refuse(user, purpose="export.fhir", patient=None)
    bundle = export_patient(
        user, patient_id, language=get_language() or "en", purpose="export.fhir"
    )
    response = HttpResponse(as_json(bundle), content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="patient-{patient_id}-fhir.json"'
    return response


__all__ = ["fhir_export", "my_assessments", "queue", "result", "review"]
