"""The PDF report of a patient's care, for her and for the consultation: the intake in short,
the triage and its reasons, the plan with its phases and what was left out and why, the
progress charts and the latest posture photo with its angles, in the reader's language.

Read through the door (the page's assessment, the charts' series, the uploads); laid out by
`upperback.reports.build_pdf` from plain data.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from upperback import reports
from upperback.web.media import storage
from upperback.web.media.analysis_texts import measure_rows

from .access import access_assessment, access_history, access_patient
from .charts import done_uploads, long_date, progress_charts
from .intake_fields import field_words
from .models import AssessmentRecord
from .presenting import reader_language, result_context

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


def _answer(intake: dict[str, Any], path: str) -> str:
    """An answer as the report shows it: a scale out of 10, a duration in days."""
    value = _value(intake, path)
    if value is not None and path in ("pain.intensity_now", "pain.intensity_worst_week"):
        return f"{value}/10"
    if value is not None and path == "pain.duration_days":
        return _("%(n)s days") % {"n": value}
    return _shown(value)


def intake_section(record: AssessmentRecord) -> reports.Section:
    rows = [(field_words([p]).capitalize(), _answer(record.intake, p)) for p in SHORT_INTAKE]
    psfs = record.intake.get("function", {}).get("psfs", [])
    rows.extend((row["activity"], f"{row['score']}/10") for row in psfs)
    return reports.Section(_("Your answers in short"), rows=tuple(rows))


def triage_section(context: dict[str, Any]) -> reports.Section:
    lines = [f"{context['triage_title']}: {context['triage_now']}"]
    lines.extend(
        _("Reviewed by %(who)s: %(why)s")
        % {"who": o.author.get_full_name() or o.author.email, "why": o.reason}
        for o in context["overrides"]
    )
    reasons = [item["flag"].explanation or item["flag"].id for item in context["red_flags"]]
    reasons.extend(f"{s['label']}: {s['likelihood']}" for s in context["sources"])
    return reports.Section(_("Triage and why"), paragraphs=tuple(lines), bullets=tuple(reasons))


def plan_sections(context: dict[str, Any]) -> list[reports.Section]:
    sections = []
    for phase in context["phases"]:
        heading = _("Phase %(n)s · review on %(day)s") % {
            "n": phase["number"],
            "day": long_date(phase["review_on"]),
        }
        steps = []
        note = _("removed by your clinician")
        for item in phase["steps"]:
            removed = item["step"].step in context["removed_steps"]
            mark = f" ({note})" if removed else ""
            steps.append(f"{item['label']}{mark}: {item['step'].details.summary}")
        sections.append(reports.Section(heading, bullets=tuple(steps)))
    withheld = tuple(f"{row['label']}: {row['withheld'].because}" for row in context["withheld"])
    if withheld:
        sections.append(reports.Section(_("Left out for you, and why"), bullets=withheld))
    return sections


def chart_section(user: Any, record: AssessmentRecord) -> reports.Section | None:
    charts = progress_charts(user, record.patient_id, record, purpose="report.progress")
    if not charts:
        return None
    pictures = tuple(reports.Picture(c.png(), c.title) for c in charts)
    return reports.Section(_("Progress"), pictures=pictures)


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
    stored = latest.pictures.get("annotated_photo")
    content = storage.read_bytes(stored) if stored else None
    pictures: tuple[reports.Picture, ...] = ()
    if content is not None:
        caption = long_date(timezone.localdate(latest.created_at))
        pictures = (reports.Picture(content, caption, max_width_cm=8),)
    return reports.Section(_("Latest posture photo"), rows=rows, pictures=pictures)


def build_report(user: Any, record: AssessmentRecord) -> bytes:
    """The PDF of `record` and the patient's progress, read as `user`."""
    context = result_context(record)
    patient = record.patient
    subtitle = " · ".join(
        [
            patient.get_full_name() or patient.email,
            _("assessment of %(day)s") % {"day": long_date(timezone.localdate(record.created_at))},
            _("made on %(day)s") % {"day": long_date(timezone.localdate())},
            _("knowledge base %(v)s") % {"v": record.knowledge_base},
        ]
    )
    optional = [chart_section(user, record), photo_section(user, record)]
    sections = [
        intake_section(record),
        triage_section(context),
        *plan_sections(context),
        *(s for s in optional if s is not None),
    ]
    footer = _("This is not a diagnosis. A clinician makes the diagnosis.")
    report = reports.Report(
        title=_("Care report"),
        subtitle=subtitle,
        language=reader_language(),
        sections=tuple(sections),
        footer=f"{footer} {context['disclaimer']}".strip(),
    )
    return reports.build_pdf(report)


def _pdf(content: bytes, record: AssessmentRecord) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    name = f"upperback-report-{record.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def my_report(request: HttpRequest) -> HttpResponse:
    """The patient's own report of her latest assessment."""
    patient = access_patient(request.user, request.user.pk, purpose="report.read")
    record = access_history(request.user, patient.pk, purpose="report.assessment").first()
    if record is None:
        raise Http404("No assessment yet.")
    return _pdf(build_report(request.user, record), record)


@login_required
def consultation_report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The clinician's report of one assessment, for the consultation."""
    record = access_assessment(request.user, assessment_id, purpose="report.read", staff_only=True)
    return _pdf(build_report(request.user, record), record)
