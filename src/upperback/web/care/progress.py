"""Progress: weekly check-ins (pain now and worst this week, PSFS scores, function, exercise
sessions), a chart, and the engine's review decision.

The decision (carry on, step up, consult, re-triage, and each exercise's dosage level) is the
engine's `escalate`; this module only gathers the readings, stores the answer with the check-in
and shows it. New warning signs reported here go to the engine again as a new assessment.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.access import (
    access_episode,
    access_history,
    access_patient,
    access_progress,
)
from upperback.web.records.intake_fields import QUESTIONS, SYMPTOMS
from upperback.web.records.models import AssessmentRecord, ProgressEntry
from upperback.web.records.presenting import kb_label, localized

from . import checkins
from .charts import progress_charts

# The PHQ-4's questions as the intake asks them (intake_fields.py), asked again at check-ins.
PHQ4_QUESTIONS = tuple(q for q in QUESTIONS if q.path.startswith("phq4."))


class ProgressForm(forms.Form):
    pain_now = forms.IntegerField(label=_("Pain right now (0-10)"), min_value=0, max_value=10)
    pain_worst_week = forms.IntegerField(
        label=_("Worst pain in the last 7 days (0-10)"), min_value=0, max_value=10, required=False
    )
    loss_of_function = forms.BooleanField(
        label=_("The pain stops me doing my usual work, looking after myself or sleeping"),
        required=False,
    )
    new_symptoms = forms.MultipleChoiceField(
        label=_("Anything new since your assessment?"),
        choices=list(SYMPTOMS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        activities: list[str],
        doses: Sequence[dict[str, Any]] = (),
        ask_phq4: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activities = activities
        self.doses = list(doses)
        for question in PHQ4_QUESTIONS if ask_phq4 else ():
            self.fields[question.name] = forms.TypedChoiceField(
                label=question.label,
                help_text=question.help_text,
                choices=[("", _("Rather not say")), *question.labels.items()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        for dose in self.doses:
            self.fields[f"sessions_{dose['exercise']}"] = forms.IntegerField(
                label=_("%(exercise)s: sessions done this week (planned: %(planned)s)")
                % {"exercise": dose["name"], "planned": dose["planned_per_week"]},
                help_text=_("Each session: %(sets)s sets of %(repetitions)s")
                % {"sets": dose["sets"], "repetitions": dose["repetitions"]},
                min_value=0,
                max_value=50,
                required=False,
            )
        for index, activity in enumerate(activities, start=1):
            self.fields[f"psfs_{index}"] = forms.IntegerField(
                label=_("How well can you do this now (0-10): %(activity)s")
                % {"activity": activity},
                min_value=0,
                max_value=10,
                required=False,
            )

    def psfs(self) -> list[dict[str, Any]]:
        return [
            {"activity": activity, "score": self.cleaned_data[f"psfs_{i}"]}
            for i, activity in enumerate(self.activities, start=1)
            if self.cleaned_data.get(f"psfs_{i}") is not None
        ]

    def phq4(self) -> dict[str, int] | None:
        """The PHQ-4's four answers when the check-in asked them and all four were given."""
        answers = {
            q.path.split(".")[1]: self.cleaned_data.get(q.name)
            for q in PHQ4_QUESTIONS
            if q.name in self.fields
        }
        if len(answers) != len(PHQ4_QUESTIONS) or None in answers.values():
            return None
        return {name: int(value) for name, value in answers.items() if value is not None}

    def sessions(self) -> dict[str, int]:
        """Sessions the patient reported, by exercise id (a blank is none reported)."""
        found = {
            d["exercise"]: self.cleaned_data.get(f"sessions_{d['exercise']}") for d in self.doses
        }
        return {exercise: count for exercise, count in found.items() if count is not None}


def _activities(record: AssessmentRecord | None) -> list[str]:
    if record is None:
        return []
    return [row["activity"] for row in record.intake.get("function", {}).get("psfs", [])]


def _reading(entry: ProgressEntry) -> dict[str, Any]:
    scores = [row["score"] for row in entry.psfs]
    return {
        "on": entry.recorded_on.isoformat(),
        "pain_nrs": entry.pain_now,
        "pain_worst_week": entry.pain_worst_week,
        "loss_of_function": entry.loss_of_function,
        "psfs": round(statistics.fmean(scores), 2) if scores else None,
        "sessions": entry.sessions_done(),
    }


def _baseline(record: AssessmentRecord) -> dict[str, Any]:
    """The intake's own answers are the first reading of the series."""
    function = record.intake.get("function", {})
    scores = [row["score"] for row in function.get("psfs", [])]
    return {
        "on": timezone.localdate(record.created_at).isoformat(),
        "pain_nrs": record.intake["pain"]["intensity_now"],
        "pain_worst_week": record.intake["pain"].get("intensity_worst_week"),
        "loss_of_function": function.get("loss_of_function"),
        "psfs": round(statistics.fmean(scores), 2) if scores else None,
    }


def _where(record: AssessmentRecord, since: list[ProgressEntry]) -> tuple[int, str]:
    """The plan phase the last check-in moved to, and the day that phase began."""
    began = timezone.localdate(record.created_at)
    for entry in reversed(since):
        if entry.action and entry.phase_started_on is not None:
            return entry.phase, entry.phase_started_on.isoformat()
    return 1, began.isoformat()


def _progress(
    record: AssessmentRecord,
    entries: list[ProgressEntry],
    new_symptoms: list[str],
    before: list[ProgressEntry] | None = None,
) -> dict[str, Any]:
    """The engine's input; `before`: the check-ins whose dosage the week starts from (all
    but the one being reviewed)."""
    began = timezone.localdate(record.created_at)
    since = [e for e in entries if e.recorded_on >= began]
    prior = since if before is None else [e for e in before if e.recorded_on >= began]
    phase, started = _where(record, prior)
    return {
        "phase": phase,
        "phase_started_on": started,
        "readings": [_baseline(record), *(_reading(e) for e in since)],
        "new_symptoms": sorted(new_symptoms),
        "dosage": checkins.levels_now(prior),
    }


def review_decision(
    record: AssessmentRecord,
    entries: list[ProgressEntry],
    new_symptoms: Sequence[str] = (),
    before: list[ProgressEntry] | None = None,
) -> Any:
    """The engine's decision (`escalate`) for this plan as of today, from the readings since
    it began and any new warning signs (the engine re-triages them with the intake)."""
    from upperback.clinical import escalate

    progress = _progress(record, entries, list(new_symptoms), before)
    intake = record.intake if new_symptoms else None
    return escalate(localized(record), progress, timezone.localdate(), intake=intake)


def _with_symptoms(
    record: AssessmentRecord, symptoms: list[str], phq4: dict[str, int] | None = None
) -> Intake:
    """The record's intake with the new warning signs added (as the engine merged them) and
    the PHQ-4 answered again at this check-in."""
    intake = {**record.intake, "symptoms": sorted({*record.intake.get("symptoms", []), *symptoms})}
    if phq4 is not None:
        intake["phq4"] = phq4
    return Intake.model_validate(intake)


def _keep(
    record: AssessmentRecord, symptoms: list[str], phq4: dict[str, int] | None = None
) -> AssessmentRecord:
    """The intake with the new signs (and the PHQ-4 asked again), kept as a new assessment:
    the engine re-decides the triage and the kind of care it stratifies."""
    return actions.record_assessment(
        patient=record.patient,
        intake=_with_symptoms(record, symptoms, phq4),
        language=record.language,
    )


def phq4_due(history: Sequence[AssessmentRecord], today: dt.date) -> bool:
    """Whether this check-in asks the PHQ-4 again: the engine's interval (`psychosocial_due`)
    from the last assessment that holds all four answers, for the stratum it gave."""
    from upperback.clinical import psychosocial_due

    if not history:
        return False
    answered = next((r for r in history if _complete_phq4(r.intake)), None)
    last = timezone.localdate(answered.created_at) if answered is not None else None
    stratum = (history[0].assessment.get("psychosocial") or {}).get("stratum")
    return psychosocial_due(last_asked=last, today=today, stratum=stratum)


def _complete_phq4(intake: dict[str, Any]) -> bool:
    answers = intake.get("phq4") or {}
    return all(answers.get(q.path.split(".")[1]) is not None for q in PHQ4_QUESTIONS)


def _emergency_despite_errors(
    user: Any, latest: AssessmentRecord | None, form: ProgressForm
) -> AssessmentRecord | None:
    """A new warning sign the engine re-triages to an emergency is acted on even when another
    answer on the form is missing or wrong (say the pain score): the patient must not be held
    on a form error. Anything less waits for the corrected form."""
    signs = form.cleaned_data.get("new_symptoms")
    if latest is None or not signs:
        return None
    entries = access_progress(user, latest.patient_id, purpose="progress.entries")
    decision = review_decision(latest, entries, signs)
    if decision.assessment is None or decision.assessment.triage != "emergency":
        return None
    return _keep(latest, signs)


def _check_in(
    request: HttpRequest, patient: Any, latest: AssessmentRecord | None, form: ProgressForm
) -> HttpResponse:
    """Save the reading, ask the engine, store its phase and dosage; new signs make a new
    assessment (an emergency shows the emergency page)."""
    user = request.user
    earlier = access_progress(user, patient.pk, purpose="progress.entries")
    camera = checkins.camera_sessions(
        user,
        patient.pk,
        [dose["exercise"] for dose in form.doses],
        checkins.last_check_in(earlier),
        timezone.localdate(),
    )
    entry = actions.add_progress(
        patient=patient,
        pain_now=form.cleaned_data["pain_now"],
        pain_worst_week=form.cleaned_data["pain_worst_week"],
        loss_of_function=form.cleaned_data["loss_of_function"],
        psfs=form.psfs(),
        sessions=form.sessions(),
        camera_sessions=camera,
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("Thank you: your check-in is saved."))
    if latest is None:
        return redirect("records:progress")
    signs = form.cleaned_data["new_symptoms"]
    entries = [*earlier, entry]
    before = _where(latest, earlier)
    decision = review_decision(latest, entries, signs, before=earlier)
    same = decision.phase == before[0]
    started = dt.date.fromisoformat(before[1]) if same else timezone.localdate()
    actions.record_review(
        entry=entry,
        action=decision.action,
        phase=decision.phase,
        since=started,
        reason=decision.reason,
        because=decision.because,
        rules=decision.rules,
        dosage=[dose.model_dump(mode="json") for dose in decision.dosage],
        review_on=decision.review_on,
        consult=decision.consult.model_dump(mode="json") if decision.consult else None,
    )
    phq4 = form.phq4()
    if signs or phq4 is not None:
        again = _keep(latest, signs, phq4)
        if signs:
            return redirect("records:result", assessment_id=again.pk)
    return redirect("records:progress")


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    purpose = "progress.write" if request.method == "POST" else "progress.read"
    patient = access_patient(request.user, request.user.pk, purpose=purpose)
    history = list(access_history(request.user, patient.pk, purpose="progress.history"))
    latest = history[0] if history else None
    entries = access_progress(request.user, patient.pk, purpose="progress.entries")
    state = access_episode(request.user, patient.pk, purpose="progress.care")
    doses = checkins.doses(latest, entries, state) if latest is not None else []
    form = ProgressForm(
        request.POST or None,
        activities=_activities(latest),
        doses=doses,
        ask_phq4=phq4_due(history, timezone.localdate()),
    )
    if request.method == "POST" and not form.is_valid():
        emergency = _emergency_despite_errors(request.user, latest, form)
        if emergency is not None:
            return redirect("records:result", assessment_id=emergency.pk)
    if request.method == "POST" and state.triage == "emergency" and latest is not None:
        return redirect("records:result", assessment_id=latest.pk)  # the call-911 page
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():  # one user action, one transaction
            return _check_in(request, patient, latest, form)
    in_emergency = state.triage == "emergency"
    context = {
        "form": form,
        "entries": entries,
        "charts": progress_charts(
            request.user, patient.pk, latest, purpose="progress.charts", entries=entries
        ),
        "latest": latest,
        "care": state,
        "emergency": in_emergency,
        "consult_label": kb_label("who", state.consult.specialty or "")
        if state.consult.specialty
        else "",
        "decision": review_decision(latest, entries) if latest and not in_emergency else None,
        "plan_now": checkins.plan_now(latest, entries, state)
        if latest and not in_emergency
        else None,
    }
    return render(request, "records/progress.html", context)
