"""The report for the consultation: the clinician's PDF of a patient's care, in the clinician's
voice ("The patient ..."; no pronoun that guesses).

It says who the patient is (name and identifiers), what the intake told (the complaint, the
history and medicines in words), the triage now and who set it, the diagnosis, the plan now
with each step's one status, the steps the engine withheld and why, the patient's choices,
the appointments and a table of the check-ins. The care is read from the episode's state
(through the door), never decided here; laid out by `upperback.reports.build_pdf`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from upperback import reports
from upperback.care import CareState, Status, StepState
from upperback.web.accounts.models import User
from upperback.web.clinic.access import access_patient_appointments
from upperback.web.records.access import (
    access_assessment,
    access_episode,
    access_overrides,
    access_progress,
)
from upperback.web.records.forms import summary
from upperback.web.records.intake_fields import SEX
from upperback.web.records.models import AssessmentRecord, ProgressEntry
from upperback.web.records.presenting import (
    clinician_names,
    kb_label,
    reader_language,
    result_context,
)

from .charts import long_date
from .report import (
    SHORT_INTAKE,
    _answer,
    basis_words,
    certainty_words,
    chart_section,
    photo_section,
)
from .timeline import REVIEW_ACTIONS

HISTORY_STEPS = ["history", "treatments"]  # the wizard's steps of history and medicines


def _day(moment: dt.datetime | None) -> str:
    return long_date(timezone.localdate(moment)) if moment is not None else "—"


def _who(names: dict[int, str], user_id: int | None) -> str:
    if user_id is None:
        return _("a clinician")
    return names.get(user_id) or _("a clinician")


def identity_section(patient: User, record: AssessmentRecord) -> reports.Section:
    """Name and identifiers: what the clinic needs to be sure of the person and reach them."""
    rows = [
        (_("Name"), patient.get_full_name() or "—"),
        (_("Email"), patient.email),
        (_("Patient number"), str(patient.pk)),
        (_("Age at the assessment"), _answer(record.intake, "age")),
        (_("Sex"), str(SEX.get(record.intake.get("sex"), _answer(record.intake, "sex")))),
    ]
    born = getattr(patient, "date_of_birth", None)  # when the accounts app keeps one
    if isinstance(born, dt.date):
        rows.insert(3, (_("Date of birth"), long_date(born)))
    phone = str(getattr(patient, "phone", "") or "")  # when the accounts app keeps one
    if phone:
        rows.insert(2, (_("Phone"), phone))
    rows.append((_("Language"), patient.preferred_language or "en"))
    return reports.Section(_("The patient"), rows=tuple(rows))


def complaint_section(record: AssessmentRecord) -> reports.Section:
    from upperback.web.records.intake_fields import field_words

    rows = [
        (field_words([p]).capitalize(), _answer(record.intake, p))
        for p in SHORT_INTAKE
        if p not in ("age", "sex")
    ]
    psfs = record.intake.get("function", {}).get("psfs", [])
    rows.extend((row["activity"], f"{row['score']}/10") for row in psfs)
    heading = _("The complaint, as the patient reported it on %(day)s") % {
        "day": _day(record.created_at)
    }
    return reports.Section(heading, rows=tuple(rows))


def history_section(record: AssessmentRecord) -> reports.Section:
    """The history and medicines in words, as the wizard asked them (the form's labels)."""
    rows = [row for step in summary(record.intake, HISTORY_STEPS) for row in step["rows"]]
    if not rows:
        return reports.Section(
            _("History and medicines"), paragraphs=(_("The patient gave no history."),)
        )
    return reports.Section(_("History and medicines"), rows=tuple(rows))


def triage_section(
    context: dict[str, Any], care: CareState, names: dict[int, str]
) -> reports.Section:
    lines = [
        _("Triage now: %(title)s. %(now)s")
        % {"title": context["triage_title"], "now": context["triage_now"]}
    ]
    if care.triage_by is not None:
        lines.append(
            _("Set by %(who)s on %(day)s.")
            % {"who": _who(names, care.triage_by), "day": _day(care.triage_set_at)}
        )
    else:
        lines.append(_("Set by the engine; no clinician has changed it."))
    lines.append(
        _("The engine's triage of this assessment: %(title)s.")
        % {"title": context["engine_triage_title"]}
    )
    for override in context["overrides"]:
        lines.append(
            _("Override by %(who)s on %(day)s: %(reason)s")
            % {
                "who": override.author.get_full_name() or override.author.email,
                "day": _day(override.created_at),
                "reason": override.reason,
            }
        )
    if care.note_for_patient:
        lines.append(_("Note written for the patient: %(note)s") % {"note": care.note_for_patient})
    if care.consult.recommended and context["consult_label"]:
        days = care.consult.within_days
        lines.append(
            _("Consultation: %(who)s within %(days)s days.")
            % {"who": context["consult_label"], "days": days}
            if days
            else _("Consultation: %(who)s.") % {"who": context["consult_label"]}
        )
    if care.needs_review:
        lines.append(
            _("Waiting for a clinician's review since %(day)s.") % {"day": _day(care.raised_at)}
        )
    reasons = [item["flag"].explanation or item["flag"].id for item in context["red_flags"]]
    reasons.extend(
        f"{s['label']}: {s['likelihood']} ({_('score')} {s['source'].score})"
        for s in context["sources"]
    )
    return reports.Section(_("Triage and why"), paragraphs=tuple(lines), bullets=tuple(reasons))


def diagnosis_section(
    context: dict[str, Any], care: CareState, names: dict[int, str]
) -> reports.Section:
    found = context["diagnosis"]
    if care.diagnosis is None or found is None:
        return reports.Section(
            _("Diagnosis"), paragraphs=(_("No diagnosis has been recorded yet."),)
        )
    rows = [
        (_("Diagnosis"), found["name"]),
        (_("Certainty"), certainty_words(care.diagnosis.certainty)),
        (_("Basis"), basis_words(care.diagnosis.basis)),
        (_("Recorded by"), f"{_who(names, care.diagnosed_by)}, {_day(care.diagnosed_at)}"),
    ]
    if care.outcome_note:
        rows.append((_("Note"), care.outcome_note))
    return reports.Section(_("Diagnosis"), rows=tuple(rows))


def status_words(step: StepState, names: dict[int, str]) -> str:
    """A plan step's one status, in the clinician's words."""
    on = _day(step.decided_at)
    who = _who(names, step.decided_by)
    if step.status == Status.AGREED:
        text = _("Agreed with the patient on %(day)s.") % {"day": on}
    elif step.status == Status.AGREED_DESPITE:
        text = _(
            "Agreed with the patient on %(day)s despite a contraindication. "
            "Withheld by the engine because: %(held)s Agreed because: %(agreed)s"
        ) % {"day": on, "held": step.withheld_because, "agreed": step.agreed_because}
    elif step.status == Status.REMOVED and step.by_agreement:
        text = _("Not in the plan agreed on %(day)s.") % {"day": on}
    elif step.status == Status.REMOVED and step.reason:
        text = _("Removed by %(who)s on %(day)s. Reason written for the patient: %(reason)s") % {
            "who": who,
            "day": on,
            "reason": step.reason,
        }
    elif step.status == Status.REMOVED:
        text = _("Removed by %(who)s on %(day)s.") % {"who": who, "day": on}
    elif step.status == Status.DECLINED:
        text = _("Declined by the patient on %(day)s.") % {"day": on}
        if step.replaced_by:
            text += " " + _("Replaced by %(other)s.") % {
                "other": kb_label("step", step.replaced_by)
            }
        if step.reason:
            text += " " + _("The patient's reason: %(reason)s") % {"reason": step.reason}
    elif step.status == Status.WITHHELD:
        text = _("Withheld by the engine: %(reason)s") % {"reason": step.reason}
    else:
        text = _("Proposed by the engine; not yet agreed.")
    if step.note and step.status in (Status.AGREED, Status.AGREED_DESPITE):
        text += " " + _("Agreed note: %(note)s") % {"note": step.note}
    return text


def plan_section(care: CareState, names: dict[int, str]) -> reports.Section:
    """Every step with its one status: the steps in the plan first, then those that are not
    (declined, removed), so a step out of the plan never reads as one to do."""
    steps = [s for s in care.steps if s.status != Status.WITHHELD]
    ordered = [s for s in steps if s.active] + [s for s in steps if not s.active]
    rows = tuple(
        (
            _("%(step)s (phase %(n)s)") % {"step": kb_label("step", s.step), "n": s.phase},
            status_words(s, names),
        )
        for s in ordered
    )
    lines = [_("Current phase: %(n)s.") % {"n": care.phase}]
    if care.next_review is not None:
        lines.append(_("Next review on %(day)s.") % {"day": long_date(care.next_review)})
    if care.dose:
        doses = "; ".join(
            f"{kb_label('exercise', exercise)}: {level}"
            for exercise, level in sorted(care.dose.items())
        )
        lines.append(_("Dose levels now: %(doses)s.") % {"doses": doses})
    heading = _("The agreed plan") if care.diagnosis is not None else _("The plan")
    return reports.Section(heading, paragraphs=tuple(lines), rows=rows)


def withheld_section(care: CareState) -> reports.Section | None:
    held = [
        f"{kb_label('step', s.step)}: {s.reason or s.withheld_because}"
        for s in care.steps
        if s.status == Status.WITHHELD
    ]
    if not held:
        return None
    return reports.Section(_("Withheld by the engine, and why"), bullets=tuple(held))


def choices_section(care: CareState) -> reports.Section | None:
    words = {
        "like": _("The patient would like this."),
        "unsure": _("The patient is unsure."),
        "rather_not": _("The patient would rather not."),
    }
    rows = []
    for choice in care.choices:
        text = words.get(choice.choice, choice.choice)
        if choice.reason:
            text += " " + _("The patient's reason: %(reason)s") % {"reason": choice.reason}
        if choice.replaced_by:
            text += " " + _("Replaced by %(other)s.") % {
                "other": kb_label("step", choice.replaced_by)
            }
        rows.append((kb_label("step", choice.step), text))
    if not rows:
        return None
    return reports.Section(_("The patient's choices"), rows=tuple(rows))


def _moment(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i")


def appointments_section(user: Any, patient: User) -> reports.Section | None:
    found = access_patient_appointments(user, patient.pk, purpose="report.appointments")
    if not found:
        return None
    header = (_("When"), _("Visit"), _("Clinician"), _("Status"))
    rows = [
        (
            _moment(a.starts_at),
            a.appointment_type.name,
            a.clinician.name,
            str(a.get_status_display()),
        )
        for a in sorted(found, key=lambda a: a.starts_at)
    ]
    return reports.Section(_("Appointments"), table=(header, *rows))


def _review(entry: ProgressEntry) -> str:
    words = REVIEW_ACTIONS.get(entry.action)
    if words is not None:
        return str(words(entry.phase))
    return _("Continue the plan") if entry.action else "—"


def check_ins_section(user: Any, patient: User) -> reports.Section | None:
    entries = sorted(
        access_progress(user, patient.pk, purpose="report.check_ins"), key=lambda e: e.recorded_on
    )
    if not entries:
        return None
    header = (
        _("Date"),
        _("Pain now"),
        _("Worst this week"),
        _("Function lost"),
        _("Sessions"),
        _("Review"),
        _("Note"),
    )
    yes_no = {True: _("yes"), False: _("no"), None: "—"}
    rows = [
        (
            long_date(e.recorded_on),
            f"{e.pain_now}/10",
            f"{e.pain_worst_week}/10" if e.pain_worst_week is not None else "—",
            yes_no[e.loss_of_function],
            str(sum(e.sessions_done().values())),
            _review(e),
            e.note or "—",
        )
        for e in entries
    ]
    return reports.Section(_("Check-ins"), table=(header, *rows))


def build_consultation_report(user: Any, record: AssessmentRecord) -> bytes:
    """The clinician's PDF of the patient's care, read as `user` through the door."""
    care = access_episode(user, record.patient_id, purpose="report.care")
    if care.assessment_id is not None and care.assessment_id != record.pk:
        # The report is of the care now: the assessment it stands on, not an earlier one.
        record = access_assessment(user, care.assessment_id, purpose="report.read", staff_only=True)
    context = result_context(
        record, care, access_overrides(user, record.patient_id, purpose="report.overrides")
    )
    patient = record.patient
    names = clinician_names(
        {care.triage_by, care.diagnosed_by, *(s.decided_by for s in care.steps)}
    )
    subtitle = " · ".join(
        [
            patient.get_full_name() or patient.email,
            _("assessment of %(day)s") % {"day": _day(record.created_at)},
            _("made on %(day)s") % {"day": long_date(timezone.localdate())},
            _("knowledge base %(v)s") % {"v": record.knowledge_base},
        ]
    )
    optional = [
        withheld_section(care),
        choices_section(care),
        appointments_section(user, patient),
        check_ins_section(user, patient),
        chart_section(user, record),
        photo_section(user, record),
    ]
    sections = [
        identity_section(patient, record),
        complaint_section(record),
        history_section(record),
        triage_section(context, care, names),
        diagnosis_section(context, care, names),
        plan_section(care, names),
        *(s for s in optional if s is not None),
    ]
    footer = _(
        "For the clinic. The engine's triage and likely sources are a guide, not a diagnosis."
    )
    report = reports.Report(
        title=_("Report for the consultation"),
        subtitle=subtitle,
        language=reader_language(),
        sections=tuple(sections),
        footer=footer,
    )
    return reports.build_pdf(report)
