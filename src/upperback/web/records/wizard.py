"""The intake wizard: one form per step, saved as soon as it is valid; emergencies stop it.

The draft is a partial intake in the contract's names (draft_answers.py). After every sent
step the answers so far go to the engine's `screen_partial`: when an emergency rule already
holds whatever is still unanswered, the wizard stops at once and shows the call-911 page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from upperback.clinical import Intake

from . import actions, draft_answers
from .access import access_assessment, access_draft, access_open_draft, access_patient
from .forms import ASKED, STEP_NAMES, STEPS, follow_up_form, form_class, summary
from .intake_fields import FOLLOW_UP
from .models import IntakeDraft


def _language() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def _next_step(draft: IntakeDraft) -> str | None:
    return next((s for s in STEP_NAMES if s not in draft.completed_steps), None)


def _step_url(draft: IntakeDraft, step: str | None) -> HttpResponse:
    if step is None:
        return redirect("records:intake_review", draft_id=draft.pk)
    return redirect("records:intake_step", draft_id=draft.pk, step=step)


@login_required
def intake_start(request: HttpRequest) -> HttpResponse:
    """Resume the open draft where it stopped, or start a new one."""
    draft = access_open_draft(request.user, purpose="intake.resume")
    if draft is None:
        patient = access_patient(request.user, request.user.pk, purpose="intake.start")
        draft = actions.start_draft(patient=patient)
    return _step_url(draft, _next_step(draft))


@login_required
@require_POST  # it writes (a new draft each time): never from a link or an image on any site
def intake_new(request: HttpRequest) -> HttpResponse:
    patient = access_patient(request.user, request.user.pk, purpose="intake.start")
    return _step_url(actions.start_draft(patient=patient), STEP_NAMES[0])


@login_required
@require_POST  # it writes a new draft: a button on the result page, never a plain link
def intake_reopen(request: HttpRequest, assessment_id: int, step: str) -> HttpResponse:
    """Answer more: a patient's own assessment back in a new draft, at the step that asks.

    Only fully answered steps count as done; the rest are asked again (an unticked box means
    "none", so an unanswered step must never be assumed). Submitting makes a new assessment.
    """
    if step not in STEP_NAMES:
        raise Http404("No such step.")
    # The clinic reads it, only she reopens it; the door audits anyone else as refused.
    record = access_assessment(
        request.user, assessment_id, purpose="intake.reopen", herself_only=True
    )
    answers, done = draft_answers.reopened(record.intake)
    draft = actions.start_draft(patient=record.patient, answers=answers, completed_steps=done)
    return _step_url(draft, step)


def as_intake(answers: dict[str, Any]) -> Intake | None:
    """The draft as the contract's intake, when it makes one (the first step always does)."""
    try:
        return Intake.model_validate({"contract": "1", **answers})
    except ValidationError:
        return None


def _screen(answers: dict[str, Any]) -> bool:
    """The engine's word on a partial intake: is it already an emergency?"""
    from upperback.clinical import screen_partial

    return screen_partial(answers, language=_language()).emergency


def pending_follow_ups(draft: IntakeDraft) -> list[str]:
    """The engine's follow-up questions for the answers so far that the wizard has not asked."""
    from upperback.clinical import follow_ups

    asked = set(draft.completed_steps)
    return [path for path in follow_ups(draft.answers) if f"{ASKED}{path}" not in asked]


def _stop_if_emergency(draft: IntakeDraft) -> HttpResponse | None:
    if not _screen(draft.answers):
        return None
    intake = as_intake(draft.answers)
    if intake is not None:  # the full answer is recorded when the answers make an intake
        actions.record_assessment(
            patient=draft.patient, intake=intake, language=_language(), draft=draft
        )
    actions.stop_draft_for_emergency(draft=draft)
    return redirect("records:intake_emergency", draft_id=draft.pk)


def _stop_if_signs_alone_are_an_emergency(draft: IntakeDraft, form: Any) -> HttpResponse | None:
    """An emergency answer stops the wizard at once, whatever else is unanswered.

    The step is incomplete (say the age is blank): its valid answers go to the engine with the
    rest unanswered. Nothing is recorded or saved; the draft keeps its answers and is stopped.
    """
    valid = set(form.cleaned_data)
    answers = draft_answers.save_step(
        draft.answers, form.step, form.cleaned_data, sent=draft.completed_steps, only=valid
    )
    if not _screen(answers):
        return None
    actions.stop_draft_for_emergency(draft=draft)
    return redirect("records:intake_emergency", draft_id=draft.pk)


@login_required
def intake_step(request: HttpRequest, draft_id: int, step: str) -> HttpResponse:
    if step == FOLLOW_UP:
        return _follow_up(request, draft_id)
    if step not in STEP_NAMES:
        raise Http404("No such step.")
    purpose = "intake.step.write" if request.method == "POST" else "intake.step.read"
    draft = access_draft(request.user, draft_id, purpose=purpose)
    if draft.stopped_for_emergency:
        return redirect("records:intake_emergency", draft_id=draft.pk)
    if draft.submitted_id:
        return redirect("records:result", assessment_id=draft.submitted_id)
    if step != STEP_NAMES[0] and STEP_NAMES[0] not in draft.completed_steps:
        return _step_url(draft, STEP_NAMES[0])  # warning signs always come first
    initial = draft_answers.initial(draft.answers, step)
    form = form_class(step)(request.POST or None, initial=initial)
    if request.method == "POST" and not form.is_valid():
        stopped = _stop_if_signs_alone_are_an_emergency(draft, form)
        if stopped is not None:
            return stopped
    if request.method == "POST" and form.is_valid():
        draft = actions.save_draft_step(draft=draft, step=step, answers=form.cleaned_data)
        stopped = _stop_if_emergency(draft)
        if stopped is not None:
            return stopped
        if request.POST.get("go") == "back":
            index = STEP_NAMES.index(step)
            return _step_url(draft, STEP_NAMES[max(index - 1, 0)])
        if pending_follow_ups(draft):  # the broad answer's questions, right after it
            return redirect("records:intake_step", draft_id=draft.pk, step=FOLLOW_UP)
        return _step_url(draft, _following(draft, step))
    return render(request, "records/intake_step.html", _step_context(draft, step, form))


def _follow_up(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The follow-up questions the engine asks about a broad answer just given (chest pain,
    nausea, a recent operation...): each may be left blank; then on to the next step."""
    purpose = "intake.step.write" if request.method == "POST" else "intake.step.read"
    draft = access_draft(request.user, draft_id, purpose=purpose)
    if draft.stopped_for_emergency:
        return redirect("records:intake_emergency", draft_id=draft.pk)
    if draft.submitted_id:
        return redirect("records:result", assessment_id=draft.submitted_id)
    pending = pending_follow_ups(draft)
    if not pending:
        return _step_url(draft, _next_step(draft))
    form = follow_up_form(pending, request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = actions.save_draft_follow_ups(draft=draft, paths=pending, answers=form.cleaned_data)
        stopped = _stop_if_emergency(draft)
        if stopped is not None:
            return stopped
        if pending_follow_ups(draft):
            return redirect("records:intake_step", draft_id=draft.pk, step=FOLLOW_UP)
        return _step_url(draft, _next_step(draft))
    context = {
        **_step_context(draft, STEP_NAMES[0], form),
        "step": FOLLOW_UP,
        "title": _("A few more questions about your answers"),
        "is_first": False,
        "is_last": False,
        "follow_up": True,
    }
    return render(request, "records/intake_step.html", context)


def _following(draft: IntakeDraft, step: str) -> str | None:
    later = STEP_NAMES[STEP_NAMES.index(step) + 1 :]
    return next((s for s in later if s not in draft.completed_steps), _next_step(draft))


def _step_context(draft: IntakeDraft, step: str, form: Any) -> dict[str, Any]:
    index = STEP_NAMES.index(step)
    return {
        "draft": draft,
        "step": step,
        "form": form,
        "steps": [
            {"name": name, "title": title, "done": name in draft.completed_steps}
            for name, title in STEPS
        ],
        "title": STEPS[index][1],
        "number": index + 1,
        "total": len(STEPS),
        "is_first": index == 0,
        "is_last": index == len(STEPS) - 1,
    }


@login_required
def intake_review(request: HttpRequest, draft_id: int) -> HttpResponse:
    purpose = "intake.submit" if request.method == "POST" else "intake.review"
    draft = access_draft(request.user, draft_id, purpose=purpose)
    if draft.stopped_for_emergency:
        return redirect("records:intake_emergency", draft_id=draft.pk)
    if draft.submitted_id:
        return redirect("records:result", assessment_id=draft.submitted_id)
    missing = _next_step(draft)
    if missing is not None:
        return _step_url(draft, missing)
    errors: list[str] = []
    if request.method == "POST":
        try:
            intake = Intake.model_validate({"contract": "1", **draft.answers})
        except ValidationError as error:
            errors = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        else:
            record = actions.record_assessment(
                patient=draft.patient, intake=intake, language=_language(), draft=draft
            )
            if record.triage == "emergency":
                actions.stop_draft_for_emergency(draft=draft)
                return redirect("records:intake_emergency", draft_id=draft.pk)
            return redirect("records:result", assessment_id=record.pk)
    context = {
        "draft": draft,
        "errors": errors,
        "summary": summary(draft.answers, draft.completed_steps),
    }
    return render(request, "records/intake_review.html", context)


@login_required
def intake_emergency(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = access_draft(request.user, draft_id, purpose="intake.emergency")
    if not draft.stopped_for_emergency:
        return _step_url(draft, _next_step(draft))
    return render(request, "records/emergency.html", {"draft": draft})
