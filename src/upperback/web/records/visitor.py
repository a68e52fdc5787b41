"""The warning signs before sign-up: a visitor answers the intake with no account.

The home page opens on the warning-sign step. The visitor's answers live in her session only
(nothing is stored in the database, nobody else can read them), in the same partial-intake
form as a draft (draft_answers.py), saved step by step through the wizard's own forms. After
every step the engine's `screen_partial` says whether it is already an emergency (the call-911
page, no account needed), and the engine's follow-up questions about a broad answer (nausea:
with meals? with exertion?) are asked right after it, as the wizard asks them, before any
answer is shown; the last step goes to the engine's `assess`, and the page shows its
answer as the result page would (urgent advice included). Creating an account (or logging in)
copies the answers into the new account's draft, so nothing is asked twice (`adopt`, on the
login signal). The web decides nothing clinical here: the engine does, as in the wizard.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from upperback.clinical import Assessment, Intake

from . import actions, draft_answers
from .forms import ASKED, STEP_NAMES, STEPS, follow_up_form, follow_up_questions, form_class
from .intake_fields import FOLLOW_UP
from .models import AssessmentRecord

SESSION_KEY = "upperback_visitor_intake"
FIRST = STEP_NAMES[0]


def _language() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def _held(request: HttpRequest) -> dict[str, Any]:
    """The visitor's answers so far: {"answers": partial intake, "done": steps, "stopped"}."""
    held = request.session.get(SESSION_KEY) or {}
    return {
        "answers": dict(held.get("answers") or {}),
        "done": list(held.get("done") or []),
        "stopped": bool(held.get("stopped")),
    }


def _keep(request: HttpRequest, held: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = held


def _next_step(done: list[str]) -> str | None:
    return next((s for s in STEP_NAMES if s not in done), None)


def _pending(held: dict[str, Any]) -> list[str]:
    """The engine's follow-up questions for the answers so far, not asked yet (as the
    wizard's `pending_follow_ups`: asked ones are marked in "done")."""
    from upperback.clinical import follow_ups

    return [p for p in follow_ups(held["answers"]) if f"{ASKED}{p}" not in held["done"]]


def _go(step: str | None) -> HttpResponse:
    if step is None:
        return redirect("records:visitor_result")
    return redirect("records:visitor_step", step=step)


def _emergency(answers: dict[str, Any]) -> bool:
    """The engine's word on a partial intake (the wizard asks it the same way)."""
    from upperback.clinical import screen_partial

    return screen_partial(answers, language=_language()).emergency


def _stop(request: HttpRequest, held: dict[str, Any]) -> HttpResponse:
    _keep(request, {**held, "stopped": True})
    return redirect("records:visitor_emergency")


def safety_form(data: Any = None, initial: dict[str, Any] | None = None) -> Any:
    """The warning-sign step's form (the home page shows it to a visitor)."""
    return form_class(FIRST)(data, initial=initial)


def _for_patients_only(request: HttpRequest) -> HttpResponse | None:
    """Someone logged in answers in her own wizard (her drafts are kept there)."""
    if request.user.is_authenticated:
        return redirect("records:intake")
    return None


def visitor_step(request: HttpRequest, step: str) -> HttpResponse:
    if step == FOLLOW_UP:
        return _visitor_follow_up(request)
    if step not in STEP_NAMES:
        raise Http404("No such step.")
    elsewhere = _for_patients_only(request)
    if elsewhere is not None:
        return elsewhere
    held = _held(request)
    if held["stopped"]:
        return redirect("records:visitor_emergency")
    if step != FIRST and FIRST not in held["done"]:
        return _go(FIRST)  # warning signs always come first
    form = form_class(step)(
        request.POST or None, initial=draft_answers.initial(held["answers"], step)
    )
    if request.method == "POST" and not form.is_valid():
        # An emergency answer stops at once, even with the step half answered (as the wizard).
        partial = draft_answers.save_step(
            held["answers"], step, form.cleaned_data, sent=held["done"], only=set(form.cleaned_data)
        )
        if _emergency(partial):
            return _stop(request, {**held, "answers": partial})
    if request.method == "POST" and form.is_valid():
        answers = draft_answers.save_step(
            held["answers"], step, form.cleaned_data, sent=held["done"]
        )
        done = held["done"] if step in held["done"] else [*held["done"], step]
        held = {**held, "answers": answers, "done": done}
        _keep(request, held)
        if _emergency(answers):
            return _stop(request, held)
        index = STEP_NAMES.index(step)
        if request.POST.get("go") == "back":
            return _go(STEP_NAMES[max(index - 1, 0)])
        if _pending(held):  # the broad answer's questions, right after it (as the wizard)
            return _go(FOLLOW_UP)
        later = [s for s in STEP_NAMES[index + 1 :] if s not in done]
        return _go(later[0] if later else _next_step(done))
    return render(request, "records/visitor_step.html", _step_context(held, step, form))


def _step_context(held: dict[str, Any], step: str, form: Any) -> dict[str, Any]:
    index = STEP_NAMES.index(step)
    return {
        "step": step,
        "form": form,
        "steps": [
            {"name": name, "title": title, "done": name in held["done"]} for name, title in STEPS
        ],
        "title": STEPS[index][1],
        "number": index + 1,
        "total": len(STEPS),
        "is_first": index == 0,
        "is_last": index == len(STEPS) - 1,
    }


def _visitor_follow_up(request: HttpRequest) -> HttpResponse:
    """The engine's follow-up questions about a broad answer just given, asked of a visitor as
    the wizard asks them of a patient: each may be left blank; an emergency stops at once."""
    elsewhere = _for_patients_only(request)
    if elsewhere is not None:
        return elsewhere
    held = _held(request)
    if held["stopped"]:
        return redirect("records:visitor_emergency")
    pending = _pending(held)
    if not pending:
        return _go(_next_step(held["done"]))
    form = follow_up_form(pending, request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = draft_answers.save_follow_ups(
            held["answers"], follow_up_questions(pending), form.cleaned_data
        )
        asked = [f"{ASKED}{path}" for path in pending if f"{ASKED}{path}" not in held["done"]]
        held = {**held, "answers": answers, "done": [*held["done"], *asked]}
        _keep(request, held)
        if _emergency(answers):
            return _stop(request, held)
        return _go(FOLLOW_UP if _pending(held) else _next_step(held["done"]))
    context = {
        **_step_context(held, FIRST, form),
        "step": FOLLOW_UP,
        "title": _("A few more questions about your answers"),
        "is_first": False,
        "is_last": False,
        "follow_up": True,
    }
    return render(request, "records/visitor_step.html", context)


def visitor_emergency(request: HttpRequest) -> HttpResponse:
    if not _held(request)["stopped"]:
        return _go(_next_step(_held(request)["done"]))
    return render(request, "records/emergency.html", {"visitor": True})


def _assessment(answers: dict[str, Any]) -> Assessment | None:
    from upperback.clinical import assess  # the engine's one public entry point

    try:
        intake = Intake.model_validate({"contract": "1", **answers})
    except ValidationError:
        return None
    return assess(intake, language=_language())


def visitor_result(request: HttpRequest) -> HttpResponse:
    """The engine's answer to the visitor's intake, shown as the result page shows it (the
    care state of one `Assessed` event: the engine's own decision), with the way to keep it."""
    elsewhere = _for_patients_only(request)
    if elsewhere is not None:
        return elsewhere
    held = _held(request)
    if held["stopped"]:
        return redirect("records:visitor_emergency")
    missing = _next_step(held["done"])
    if missing is not None:
        return _go(missing)
    if _pending(held):  # never an answer without the questions the engine asks back
        return _go(FOLLOW_UP)
    assessment = _assessment(held["answers"])
    if assessment is None:  # the session held answers the contract no longer takes
        request.session.pop(SESSION_KEY, None)
        return _go(FIRST)
    if assessment.triage == "emergency":  # display: the engine said emergency
        return _stop(request, held)
    return render(request, "records/visitor_result.html", _result_context(assessment))


def _result_context(assessment: Assessment) -> dict[str, Any]:
    """The result page's context for an answer nobody stored: an unsaved record (never saved:
    a visitor has no patient row) and the care state its one `Assessed` event leads to."""
    from upperback.care import Assessed, assessed_parts, derive

    from .presenting import result_context

    answer = assessment.model_dump(mode="json")
    now = timezone.now()
    record = AssessmentRecord(
        pk=0,
        intake={},
        assessment=answer,
        triage=assessment.triage,
        current_triage=assessment.triage,
        current_rank=0,
        knowledge_base=assessment.knowledge_base,
        language=assessment.language,
        created_at=now,
    )
    event = Assessed.model_validate({**assessed_parts(answer), "at": now, "assessment_id": 0})
    return {**result_context(record, derive([event]), overrides=[]), "visitor": True}


@require_POST
def visitor_forget(request: HttpRequest) -> HttpResponse:
    """Start again: the session forgets the visitor's answers."""
    request.session.pop(SESSION_KEY, None)
    return redirect("home")


@receiver(user_logged_in, dispatch_uid="upperback.records.visitor.adopt")
def adopt(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On sign-up or login, a patient's answers from before it become her draft, all steps
    done: the wizard resumes at "check and send", nothing asked twice. A stopped (emergency)
    visit is not carried: the call-911 page was the answer. The session then forgets them."""
    from .access import access_patient, is_clinic_staff

    if request is None or not hasattr(request, "session"):
        return
    held = request.session.pop(SESSION_KEY, None)
    if not held or held.get("stopped") or not held.get("done") or is_clinic_staff(user):
        return
    patient = access_patient(user, user.pk, purpose="intake.start")
    done = [s for s in STEP_NAMES if s in held["done"]]
    done += [s for s in held["done"] if s.startswith(ASKED)]  # follow-ups asked: not again
    actions.start_draft(
        patient=patient, answers=dict(held.get("answers") or {}), completed_steps=done
    )
