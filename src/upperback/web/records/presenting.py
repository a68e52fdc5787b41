"""Turn a stored assessment into what a page shows, in the reader's language.

Texts come from the engine (`translate` re-renders a stored assessment in English or Spanish);
this module only attaches labels, review dates and illustrations. It decides nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

from upperback.care import CareState, Status, StepState
from upperback.clinical import Assessment

from .illustrations import exercise_svg
from .intake_fields import STEPS, field_words, step_of
from .models import AssessmentRecord


def reader_language() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def standing(record: AssessmentRecord) -> Assessment:
    """The stored assessment as the current triage leaves it, whoever set it (the engine or a
    clinician's override): its triage and consultation follow `record.current_triage`. Every
    page reads the assessment through here, so no text, offer or date follows a triage the
    patient's badge no longer shows; the engine's own answer stays stored as it was."""
    from upperback.clinical import with_triage

    return with_triage(Assessment.model_validate(record.assessment), record.current_triage)


def localized(record: AssessmentRecord, language: str | None = None) -> Assessment:
    """The standing assessment (see `standing`) re-rendered in the reader's language."""
    from upperback.clinical import translate

    stored = standing(record)
    wanted = language or reader_language()
    return stored if stored.language == wanted else translate(stored, wanted)


def current_consult(record: AssessmentRecord) -> dict[str, Any]:
    """The consultation the current triage calls for, as the booking offer reads it."""
    return standing(record).consult.model_dump()


class SourceList:
    """The page's numbered references, numbered in the order the page first cites them.

    Each reason shows a short readable label and its number; the page ends with the full
    references (the engine's `citation`), so a patient never reads a raw key like "dahm2010".
    """

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def cite(self, key: str) -> dict[str, Any] | None:
        if not key:
            return None
        number = self._numbers.setdefault(key, len(self._numbers) + 1)
        return {"n": number, "key": key, "short": _citation(key, short=True)}

    def listed(self) -> list[dict[str, Any]]:
        return [
            {"n": n, "key": key, "reference": _citation(key)} for key, n in self._numbers.items()
        ]


def kb_label(kind: Any, item: str) -> str:
    """The knowledge base's name of a plan step or a likely source, in the reader's language
    (an id it no longer holds is shown as it is)."""
    from upperback.clinical import kb_name

    try:
        return kb_name(kind, item, reader_language())
    except (KeyError, StopIteration):
        return item


def triage_title(level: str) -> str:
    """A triage level's short name in the knowledge base (the badge; "what to do now" follows)."""
    return kb_label("triage_short", level)


def _citation(key: str, *, short: bool = False) -> str:
    """The knowledge base's text for `key`; a stored key it no longer holds is shown as is."""
    from upperback.clinical import citation

    try:
        return citation(key, short=short)
    except KeyError:
        return key


def disclaimer_after_lead(disclaimer: str) -> str:
    """The engine's disclaimer without the sentence the page already shows in bold.

    The page leads with "This is not a diagnosis." and the engine's text starts with the same
    sentence: say it once. A disclaimer that starts otherwise is shown whole.
    """
    lead = gettext("This is not a diagnosis.")
    return disclaimer.removeprefix(lead).strip()


def questions(assessment: Assessment) -> list[dict[str, Any]]:
    """The unanswered fields that could change the triage, in plain words, with the wizard
    step that asks each (None when no step asks it)."""
    titles = dict(STEPS)
    out = []
    for field in assessment.questions:
        step = step_of(field)
        out.append(
            {
                "field": field,
                "words": field_words([field]),
                "step": step,
                "step_title": titles.get(step or ""),
            }
        )
    return out


# Likely sources in words, not numbers. The engine's score is a weighted sum of the answers
# that fit a source, clipped to 0..1: it ranks the sources but is not a probability, and
# "100%" read as certainty next to "This is not a diagnosis". The page says where each stands:
# the highest score (and any tie) is "most likely"; a score from POSSIBLE_FROM fits several of
# a source's features ("possible"); below it only a few ("less likely"). Kept here, in one
# place, so every page words a score the same way.
POSSIBLE_FROM = 0.4


def likelihood(score: float, top: float) -> str:
    """How likely a source is, in words a patient reads correctly (see POSSIBLE_FROM)."""
    if score >= top:
        return gettext("Most likely")
    if score >= POSSIBLE_FROM:
        return gettext("Possible")
    return gettext("Less likely")


def likely_sources(assessment: Assessment) -> list[dict[str, Any]]:
    top = max((s.score for s in assessment.likely_sources), default=0.0)
    return [
        {
            "source": s,
            "label": kb_label("source", s.id),
            "likelihood": likelihood(s.score, top),
            "because": field_words(s.because),
        }
        for s in assessment.likely_sources
    ]


def plan_start(record: AssessmentRecord) -> dt.date:
    """The day the plan began: the assessment's date in the reader's (the clinic's) time zone,
    never its UTC date (an evening in Pacific time is already the next day in UTC). The result
    page and the progress page both count review dates from this day."""
    return timezone.localdate(record.created_at)


def _step_view(step: Any, start: dt.date, sources: SourceList) -> dict[str, Any]:
    return {
        "step": step,
        "cite": sources.cite(step.evidence.source),
        "label": kb_label("step", step.step),
        "who": capfirst(kb_label("who", step.delivered_by)),
        # The clinician's page names the patient, not "you" (the KB's "self" is "you, at home").
        "who_for_clinic": gettext("The patient, at home")
        if step.delivered_by == "self"
        else capfirst(kb_label("who", step.delivered_by)),
        "grade": capfirst(kb_label("grade", step.evidence.grade)),
        "review_on": start + dt.timedelta(days=step.review_after_days),
        "exercises": [
            {"exercise": ex, "svg": exercise_svg(ex.id, ex.name)} for ex in step.details.exercises
        ],
    }


def phases(assessment: Assessment, start: dt.date, sources: SourceList) -> list[dict[str, Any]]:
    """The plan by phase; each phase starts at the previous one's review (as the progress
    review moves a plan on), so its review date follows the previous one."""
    out = []
    for n in sorted({step.phase for step in assessment.plan}):
        steps = [s for s in assessment.plan if s.phase == n]
        review_on = start + dt.timedelta(days=max(s.review_after_days for s in steps))
        out.append(
            {
                "number": n,
                "starts_on": start,
                "steps": [_step_view(s, start, sources) for s in steps],
                "review_on": review_on,
            }
        )
        start = review_on
    return out


def result_context(
    record: AssessmentRecord, state: CareState | None = None, overrides: list[Any] | None = None
) -> dict[str, Any]:
    """What the result and review pages show of `record`. When it is the assessment the
    patient's care now stands on (`state`, her episode), the triage, the consultation, each
    step's status and the next review are the care state's; an earlier assessment is shown as
    it was, as history. `overrides`: the episode's overrides (on any of its assessments),
    read through the door; by default the record's own."""
    assessment = localized(record)
    current = state is not None and state.assessment_id == record.pk
    care = state if current else None
    start = plan_start(record)
    triage = care.triage if care is not None and care.triage else record.current_triage
    cited = SourceList()  # filled in page order: warning signs, then plan, then left out
    red_flags = [
        {"flag": f, "because": field_words(f.because), "cite": cited.cite(f.source)}
        for f in assessment.red_flags
    ]
    plan = phases(assessment, start, cited)
    if care is not None:
        plan = _dated_by_care(plan, care)
    statuses = {s.step: s for s in care.steps} if care is not None else {}
    held_words: dict[str, str] = {held.step: held.because for held in assessment.withheld}
    removed = {} if care is not None else _removed(record)
    for phase in plan:
        for view in phase["steps"]:
            step_id = view["step"].step
            view["removed"] = removed.get(step_id)
            view |= step_status_view(statuses.get(step_id), held_words)
    agreed_ids = {s.step for s in care.active_steps} if care is not None else set()
    withheld = [
        {
            "withheld": held,
            "label": kb_label("step", held.step),
            "cite": cited.cite(held.source),
        }
        for held in assessment.withheld
        if held.step not in agreed_ids
    ]
    consult_specialty = care.consult.specialty if care is not None else assessment.consult.specialty
    return {
        "record": record,
        "assessment": assessment,
        "care": care,
        "is_current": current,
        "triage": triage,
        "triage_title": triage_title(triage),
        "triage_now": kb_label("triage_now", triage),
        "engine_triage_title": triage_title(record.triage),
        "overrides": overrides
        if overrides is not None and current
        else list(record.overrides.select_related("author")),
        "sources": likely_sources(assessment),
        "red_flags": red_flags,
        "phases": plan,
        "current_phase": care.phase if care is not None else current_phase(plan),
        "agreed_beyond_plan": [
            {"label": kb_label("step", s.step), **step_status_view(s, held_words)}
            for s in (care.steps if care is not None else ())
            if not s.in_engine_plan and s.active
        ],
        "withheld": withheld,
        "cited": cited.listed(),
        "disclaimer": disclaimer_after_lead(assessment.disclaimer),
        "questions": questions(assessment),
        "consult_label": capfirst(kb_label("who", consult_specialty or ""))
        if consult_specialty
        else "",
        "removed_steps": removed,
        "next_review": care.next_review if care is not None else None,
        "diagnosis": diagnosis_view(care) if care is not None else None,
        "triage_by_name": clinician_names({care.triage_by}).get(care.triage_by or 0, "")
        if care is not None
        else "",
        "next_step": next_step(plan, care.phase if care is not None else current_phase(plan)),
    }


def next_step(plan: list[dict[str, Any]], phase: int | None) -> dict[str, Any] | None:
    """The first step of the plan to do now: the current phase's first one still in it (not
    removed or declined), for the first screen of the result page."""
    for each in plan:
        if each["number"] != phase:
            continue
        views: list[dict[str, Any]] = each["steps"]
        for view in views:
            if view.get("active", True) and not view.get("removed") and not view.get("declined"):
                return view
    return None


def _dated_by_care(plan: list[dict[str, Any]], care: CareState) -> list[dict[str, Any]]:
    """The phases' dates as the care record has them: the current phase from its start to the
    state's next review (a check-in's review or the agreed date), each later phase from the
    review before it, for as long as it lasts in the plan. Earlier phases keep their dates."""
    if care.next_review is None:
        return plan
    out, start = [], None
    for phase in plan:
        length = phase["review_on"] - phase["starts_on"]
        if phase["number"] == care.phase:
            phase = {
                **phase,
                "starts_on": care.phase_started_on or phase["starts_on"],
                "review_on": care.next_review,
            }
        elif start is not None:
            phase = {**phase, "starts_on": start, "review_on": _later(start, length)}
        if phase["number"] >= care.phase:
            start = phase["review_on"]
        out.append(phase)
    return out


def _later(day: dt.date, length: dt.timedelta) -> dt.date:
    """`day + length`, or the calendar's last day (a review recorded at 9999-12-31)."""
    try:
        return day + length
    except OverflowError:
        return dt.date.max


def step_status_view(
    step: StepState | None, held_words: dict[str, str] | None = None
) -> dict[str, Any]:
    """A plan step's one status in words: removed (with the reason written for the patient),
    declined (with what replaces it), agreed (despite a contraindication: both reasons).
    `held_words`: the engine's reasons for withheld steps in the reader's language, used
    instead of the words stored when the clinician agreed (in the clinician's language)."""
    if step is None:
        return {"status": "proposed", "active": True}
    view: dict[str, Any] = {
        "status": str(step.status),
        "active": step.active,
        "note": step.note,
        "withheld_because": (held_words or {}).get(step.step, step.withheld_because)
        if step.withheld_because
        else "",
        "agreed_because": step.agreed_because,
    }
    on = timezone.localdate(step.decided_at) if step.decided_at else None
    if step.status == Status.REMOVED:
        view["removed"] = {"on": on, "reason": step.reason, "by_agreement": step.by_agreement}
    elif step.status == Status.DECLINED:
        view["declined"] = {
            "on": on,
            "reason": step.reason,
            "replaced_by": kb_label("step", step.replaced_by) if step.replaced_by else "",
        }
    return view


def diagnosis_view(care: CareState) -> dict[str, Any] | None:
    """The clinician's diagnosis in words (none until a consultation's outcome)."""
    if care.diagnosis is None:
        return None
    found = care.diagnosis
    return {
        "name": found.other_cause if found.source == "other" else kb_label("source", found.source),
        "certainty": found.certainty,
        "on": timezone.localdate(care.diagnosed_at) if care.diagnosed_at else None,
    }


def clinician_names(ids: set[int | None]) -> dict[int, str]:
    """The clinic's staff named in the care (who set the triage, removed a step, diagnosed),
    by user id: staff accounts, not patient data, so no door."""
    from upperback.web.accounts.models import Role, User

    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    staff = User.objects.filter(pk__in=wanted).exclude(role=Role.PATIENT)
    return {u.pk: u.get_full_name() or u.email for u in staff}


def _removed(record: AssessmentRecord) -> dict[str, dict[str, Any]]:
    """The steps the latest override removed: each with the day and the clinician's reason,
    so the page says "removed" in one line instead of showing instructions to follow."""
    latest = record.overrides.order_by("-created_at").first()
    if latest is None:
        return {}
    removed = {"on": timezone.localdate(latest.created_at), "reason": latest.reason}
    return {step: removed for step in latest.removed_steps}


def current_phase(plan: list[dict[str, Any]], today: dt.date | None = None) -> int | None:
    """The phase whose dates hold today (the first before it starts, the last after its
    review): the page shows it open and folds the others."""
    today = today or timezone.localdate()
    for phase in plan:
        if today < phase["review_on"]:
            return int(phase["number"])
    return int(plan[-1]["number"]) if plan else None
