"""The PDF report of a patient's care, for her and for the consultation: the intake in short,
the triage and its reasons, the plan with its phases and what was left out and why, the
progress charts and the latest posture photo with its angles, in the reader's language.

Read through the door (the page's assessment, the charts' series, the uploads); laid out by
`upperback.reports.build_pdf` from plain data.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from upperback import reports
from upperback.care import CareState, Status
from upperback.web.media import storage
from upperback.web.media.analysis_texts import measure_rows
from upperback.web.ratelimit import rate_limited
from upperback.web.records.access import (
    access_assessment,
    access_episode,
    access_history,
    access_patient,
)
from upperback.web.records.intake_fields import field_words, questions_for
from upperback.web.records.models import AssessmentRecord
from upperback.web.records.presenting import (
    clinician_names,
    diagnosis_view,
    reader_language,
    result_context,
)

from .charts import done_uploads, long_date, progress_charts

log = logging.getLogger(__name__)

SHORT_INTAKE = (
    "age",
    "sex",
    "pain.regions",
    "pain.intensity_now",
    "pain.intensity_worst_week",
    "pain.duration_days",
    "pain.onset",
    "symptoms",
)


def _value(intake: dict[str, Any], path: str) -> Any:
    value: Any = intake
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or "—"
    return str(value).replace("_", " ") if value not in (None, "") else "—"


def _words(path: str) -> dict[str, str]:
    """The intake's own words for a field's values ("female" -> "Mujer"), in the active
    language: the labels of every question that asks it."""
    return {
        value: str(label)
        for question in questions_for(path)
        for value, label in question.labels.items()
    }


def _answer(intake: dict[str, Any], path: str) -> str:
    """An answer as the report shows it: a scale out of 10, a duration in days, a choice in
    the words the question offered it (never the contract's code: "gradual", "upper_back")."""
    value = _value(intake, path)
    if value is not None and path in ("pain.intensity_now", "pain.intensity_worst_week"):
        return f"{value}/10"
    if value is not None and path == "pain.duration_days":
        return _("%(n)s days") % {"n": value}
    words = _words(path)
    if isinstance(value, list):
        return ", ".join(words.get(v, _shown(v)) for v in value) or "—"
    if isinstance(value, str):
        return words.get(value, _shown(value))
    return _shown(value)


def intake_section(record: AssessmentRecord) -> reports.Section:
    rows = [(field_words([p]).capitalize(), _answer(record.intake, p)) for p in SHORT_INTAKE]
    psfs = record.intake.get("function", {}).get("psfs", [])
    rows.extend((row["activity"], f"{row['score']}/10") for row in psfs)
    return reports.Section(_("Your answers in short"), rows=tuple(rows))


def clinician_name(user_id: int | None) -> str:
    """The name of the clinic's clinician who made a decision (staff, not patient data)."""
    return clinician_names({user_id}).get(user_id or 0, "") if user_id is not None else ""


def _day(moment: dt.datetime | None) -> str:
    return long_date(timezone.localdate(moment)) if moment is not None else ""


def triage_section(context: dict[str, Any]) -> reports.Section:
    """The triage now (the care's), who set it, her clinician's note for her, whom to see and
    the next review; then why (the warning signs and likely sources)."""
    care: CareState | None = context["care"]
    lines = [f"{context['triage_title']}: {context['triage_now']}"]
    if care is not None and care.triage_by is not None:
        lines.append(
            _("Set by your clinician %(who)s on %(day)s.")
            % {"who": clinician_name(care.triage_by), "day": _day(care.triage_set_at)}
        )
    elif care is not None:
        lines.append(_("Set by the automatic assessment; no clinician has changed it."))
    if care is not None and care.note_for_patient:
        lines.append(_("Your clinician's note for you: %(note)s") % {"note": care.note_for_patient})
    if context["consult_label"]:
        lines.append(_("Who to see: %(who)s.") % {"who": context["consult_label"]})
    if context["next_review"] is not None:
        lines.append(_("Next review on %(day)s.") % {"day": long_date(context["next_review"])})
    reasons = [item["flag"].explanation or item["flag"].id for item in context["red_flags"]]
    reasons.extend(f"{s['label']}: {s['likelihood']}" for s in context["sources"])
    return reports.Section(_("Triage and why"), paragraphs=tuple(lines), bullets=tuple(reasons))


def certainty_words(code: str) -> str:
    words = {"confirmed": _("confirmed"), "probable": _("probable"), "possible": _("possible")}
    return words.get(code, code)


def basis_words(code: str) -> str:
    words = {
        "examination": _("on examination"),
        "imaging": _("on imaging"),
        "both": _("on examination and imaging"),
    }
    return words.get(code, code)


def diagnosis_section(care: CareState | None) -> reports.Section | None:
    """The clinician's diagnosis, as the care records it (none before a consultation)."""
    found = diagnosis_view(care) if care is not None else None
    if care is None or care.diagnosis is None or found is None:
        return None
    lines = [
        _("%(name)s (%(certainty)s, %(basis)s), by %(who)s on %(day)s.")
        % {
            "name": found["name"],
            "certainty": certainty_words(care.diagnosis.certainty),
            "basis": basis_words(care.diagnosis.basis),
            "who": clinician_name(care.diagnosed_by),
            "day": _day(care.diagnosed_at),
        }
    ]
    if care.outcome_note:
        lines.append(care.outcome_note)
    return reports.Section(_("Your clinician's diagnosis"), paragraphs=tuple(lines))


def _not_in_plan(label: str, item: dict[str, Any]) -> str | None:
    """A step that is not in her plan now, in one line (removed or declined); None for a step
    that is."""
    removed, declined = item.get("removed"), item.get("declined")
    if removed:
        on = long_date(removed["on"]) if removed.get("on") else ""
        if removed.get("by_agreement"):
            text = _("not in the plan agreed with your clinician on %(on)s.") % {"on": on}
        elif removed.get("reason"):
            text = _("removed by your clinician on %(on)s: %(reason)s") % {
                "on": on,
                "reason": removed["reason"],
            }
        else:
            text = _("removed by your clinician on %(on)s.") % {"on": on}
        return f"{label}: {text}"
    if declined:
        text = _("you chose not to do this.")
        if declined.get("replaced_by"):
            text += " " + _("Instead: %(other)s.") % {"other": declined["replaced_by"]}
        return f"{label}: {text}"
    return None


def _agreed_words(item: dict[str, Any]) -> str:
    """What the clinician agreed on a step: her note, and both reasons when the engine had
    left it out."""
    parts = []
    if item.get("note"):
        parts.append(_("Agreed: %(note)s") % {"note": item["note"]})
    if item.get("agreed_because"):
        parts.append(
            _("Left out by the assessment (%(held)s); agreed because: %(agreed)s")
            % {"held": item["withheld_because"], "agreed": item["agreed_because"]}
        )
    return " ".join(parts)


def plan_sections(context: dict[str, Any]) -> list[reports.Section]:
    """The clinician's diagnosis, then the plan now by phase: only the steps in it (a declined
    or removed step is listed apart, with why, never as a step to do), the steps agreed
    beyond the engine's plan, and what was left out for her."""
    care: CareState | None = context["care"]
    diagnosis = diagnosis_section(care)
    sections = [diagnosis] if diagnosis is not None else []
    apart = []
    now = _("now")
    for phase in context["phases"]:
        heading = _("Phase %(n)s") % {"n": phase["number"]}
        if care is not None and phase["number"] == care.phase:
            heading = f"{heading} ({now})"
        steps = []
        for item in phase["steps"]:
            if item.get("status") == Status.WITHHELD:
                continue  # listed with what was left out for her, and why
            line = _not_in_plan(item["label"], item)
            if line is not None or not item.get("active", True):
                apart.append(line or item["label"])
                continue
            agreed = item.get("status") in (Status.AGREED, Status.AGREED_DESPITE)
            mark = f" ({_('agreed with your clinician')})" if agreed else ""
            extra = _agreed_words(item)
            summary = item["step"].details.summary
            steps.append(f"{item['label']}{mark}: {summary}" + (f" {extra}" if extra else ""))
        if steps:
            sections.append(reports.Section(heading, bullets=tuple(steps)))
    beyond = tuple(
        f"{row['label']}: {_agreed_words(row)}".rstrip(": ")
        for row in context.get("agreed_beyond_plan", [])
    )
    if beyond:
        sections.append(
            reports.Section(_("Also in the plan agreed with your clinician"), bullets=beyond)
        )
    if apart:
        sections.append(reports.Section(_("Not in your plan now"), bullets=tuple(apart)))
    withheld = tuple(f"{row['label']}: {row['withheld'].because}" for row in context["withheld"])
    if withheld:
        sections.append(reports.Section(_("Left out for you, and why"), bullets=withheld))
    return sections


def chart_section(user: Any, record: AssessmentRecord) -> reports.Section | None:
    """The charts as pictures; one that cannot be drawn is named in a line instead (logged)."""
    charts = progress_charts(user, record.patient_id, record, purpose="report.progress")
    if not charts:
        return None
    pictures, missing = [], []
    for chart in charts:
        try:
            pictures.append(reports.Picture(chart.plot(), chart.title))
        except Exception:
            log.exception("The chart %s could not be drawn (pdf)", chart.id)
            missing.append(_("The chart “%(title)s” could not be drawn.") % {"title": chart.title})
    return reports.Section(_("Progress"), paragraphs=tuple(missing), pictures=tuple(pictures))


def _part(heading: str, build: Callable[[], Any]) -> list[reports.Section]:
    """A part of the report, or a line naming it if it cannot be made (logged): the rest of
    the report is made all the same."""
    try:
        made = build()
    except Exception:
        log.exception("The report's part %r could not be made", heading)
        return [reports.Section(heading, paragraphs=(unshown(),))]
    if made is None:
        return []
    return list(made) if isinstance(made, list) else [made]


def unshown() -> str:
    return _("This part could not be shown. Ask the clinic for it.")


def photo_section(user: Any, record: AssessmentRecord) -> reports.Section | None:
    photos = [
        u
        for u in done_uploads(user, record.patient_id, purpose="report.photo")
        if u.kind == "photo"
    ]
    if not photos:
        return None
    latest = photos[-1]
    rows = tuple(
        (row["label"], f"{row['value_deg']}° {row['reading']}".strip())
        for row in measure_rows(latest.result)
        if row["value_deg"] is not None
    )
    # The copy whose words are in the reader's language, when the analysis made one.
    language = (get_language() or "en").split("-")[0]
    stored = latest.pictures.get(f"annotated_photo.{language}") or latest.pictures.get(
        "annotated_photo"
    )
    content = storage.read_bytes(stored) if stored else None
    pictures: tuple[reports.Picture, ...] = ()
    if content is not None:
        caption = long_date(timezone.localdate(latest.created_at))
        pictures = (reports.Picture(content, caption, max_width_cm=8),)
    return reports.Section(_("Latest posture photo"), rows=rows, pictures=pictures)


def build_report(user: Any, record: AssessmentRecord) -> bytes:
    """The PDF of `record` and the patient's progress, read as `user`: the triage, the
    diagnosis, each step's status and the next review are the care's (her episode's state)."""
    context = result_context(record, access_episode(user, record.patient_id, purpose="report.care"))
    patient = record.patient
    subtitle = " · ".join(
        [
            patient.get_full_name() or patient.email,
            _("assessment of %(day)s") % {"day": long_date(timezone.localdate(record.created_at))},
            _("made on %(day)s") % {"day": long_date(timezone.localdate())},
            _("knowledge base %(v)s") % {"v": record.knowledge_base},
        ]
    )
    parts: list[tuple[str, Callable[[], Any]]] = [
        (_("Your answers in short"), lambda: intake_section(record)),
        (_("Triage and why"), lambda: triage_section(context)),
        (_("Your plan"), lambda: plan_sections(context)),
        (_("Progress"), lambda: chart_section(user, record)),
        (_("Latest posture photo"), lambda: photo_section(user, record)),
    ]
    sections = [section for heading, build in parts for section in _part(heading, build)]
    footer = _("This is not a diagnosis. A clinician makes the diagnosis.")
    report = reports.Report(
        title=_("Care report"),
        subtitle=subtitle,
        language=reader_language(),
        sections=tuple(sections),
        footer=f"{footer} {context['disclaimer']}".strip(),
        unshown=unshown(),
    )
    return reports.build_pdf(report)


def _pdf(content: bytes, record: AssessmentRecord) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    name = f"upperback-report-{record.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@rate_limited("exports")
def my_report(request: HttpRequest) -> HttpResponse:
    """The patient's own report of her latest assessment."""
    patient = access_patient(request.user, request.user.pk, purpose="report.read")
    record = access_history(request.user, patient.pk, purpose="report.assessment").first()
    if record is None:
        raise Http404("No assessment yet.")
    return _pdf(build_report(request.user, record), record)


@login_required
@rate_limited("exports")
def consultation_report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The clinician's report of the patient's care, for the consultation."""
    from .consultation_report import build_consultation_report

    record = access_assessment(request.user, assessment_id, purpose="report.read", staff_only=True)
    return _pdf(build_consultation_report(request.user, record), record)
