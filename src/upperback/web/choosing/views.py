"""Your options (and her preferences), the clinician's outcome form, the concordance page.

Thin views: reads through choosing.access (the records door), writes through the actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from upperback.care import CareState
from upperback.web.accounts.users import signed_in_user
from upperback.web.records.access import access_episode, is_clinic_staff, is_herself
from upperback.web.records.presenting import SourceList, kb_label, localized, reader_language

from . import actions
from .access import access_choices, access_concordance, access_outcome_for_staff, access_outcomes
from .concordance import concordance
from .forms import OutcomeForm, PreferencesForm
from .presenting import choice_rows, options, outcome_view, plan_rows, with_preferences


@login_required
def options_page(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The options of the current and next phase side by side; the patient marks each."""
    purpose = "choosing.preferences" if request.method == "POST" else "choosing.options"
    record, preferences = access_choices(
        request.user, assessment_id, purpose=purpose, herself_only=request.method == "POST"
    )
    assessment = localized(record)
    cited = SourceList()
    phases = options(assessment, cited)
    steps = [o["option"].step for phase in phases for o in phase["options"]]
    form = PreferencesForm(
        request.POST or None,
        steps=steps,
        initial_choices=preferences.choices if preferences else [],
    )
    if request.method == "POST" and form.is_valid():
        actions.record_preferences(
            record=record, choices=form.choices(), language=reader_language()
        )
        return redirect(f"{request.path}#your-plan")
    preferred = with_preferences(preferences)
    context: dict[str, Any] = {
        "record": record,
        "assessment": assessment,
        "phases": [
            {
                **phase,
                "rows": [
                    (o, form[f"choice_{o['option'].step}"], form[f"reason_{o['option'].step}"])
                    for o in phase["options"]
                ],
            }
            for phase in phases
        ],
        "form": form,
        "may_choose": is_herself(request.user, record.patient),
        "preferred": preferred,
        "preferred_plan": plan_rows(preferred) if preferred else [],
        "outcomes": [
            outcome_view(o)
            for o in access_outcomes(request.user, record, purpose="choosing.outcome.read")[:1]
        ],
        "cited": cited.listed(),
    }
    return render(request, "choosing/options.html", context)


@login_required
def outcome_page(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The clinician records the diagnosis, the agreed plan and the next review."""
    purpose = "choosing.outcome.write" if request.method == "POST" else "choosing.outcome"
    record = access_outcome_for_staff(request.user, assessment_id, purpose=purpose)
    _, preferences = access_choices(request.user, record.pk, purpose="choosing.preferences.read")
    preferred = with_preferences(preferences)
    start = preferred or localized(record)
    withheld: dict[str, str] = {w.step: w.because for w in localized(record).withheld}
    state = access_episode(request.user, record.patient_id, purpose="choosing.outcome.care")
    form = OutcomeForm(
        request.POST or None, initial=outcome_initial(state, start), withheld=withheld
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.record_outcome(
            record=record,
            author=signed_in_user(request),
            source=data["source"],
            other_cause=data.get("other_cause") or "",
            certainty=data["certainty"],
            basis=data["basis"],
            agreed_steps=form.agreed_steps(),
            note=data.get("note") or "",
            agreed_on=data["agreed_on"],
            next_review=data["next_review"],
            withheld_reason=data.get("withheld_reason") or "",
        )
        return redirect("records:review", assessment_id=record.pk)
    context = {
        "record": record,
        "form": form,
        "withheld": [{"label": kb_label("step", s), "because": b} for s, b in withheld.items()],
        "choices": choice_rows(preferences),
        "changes": preferred.changes if preferred else [],
        "correcting": state.diagnosis is not None,
    }
    return render(request, "choosing/outcome.html", context)


def outcome_initial(state: CareState, start: Any) -> dict[str, Any]:
    """The outcome form opens on the decision in force: the recorded diagnosis and agreed
    plan (a save is then a correction, kept as a new outcome); before any, the steps active
    in the care now and its next review, with no diagnosis and no certainty chosen."""
    active = [s.step for s in state.active_steps] if state.triage else [s.step for s in start.plan]
    initial: dict[str, Any] = {"steps": active, "next_review": state.next_review}
    if state.diagnosis is None:
        return initial
    found = state.diagnosis
    agreed = [s for s in state.steps if s.decided_at == state.diagnosed_at and s.active]
    return initial | {
        "source": found.source,
        "other_cause": found.other_cause,
        "certainty": found.certainty,
        "basis": found.basis,
        "steps": [s.step for s in agreed] or active,
        "doses": "\n".join(f"{kb_label('step', s.step)}: {s.note}" for s in agreed if s.note),
        "note": state.outcome_note,
    }


@login_required
def concordance_page(request: HttpRequest) -> HttpResponse:
    total, rows = concordance(access_concordance(request.user, purpose="concordance.read"))
    labelled = [{"row": row, "label": kb_label("source", row.source)} for row in rows]
    return render(request, "choosing/concordance.html", {"total": total, "rows": labelled})


__all__ = ["concordance_page", "is_clinic_staff", "options_page", "outcome_page"]
