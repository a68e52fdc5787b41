"""Every write to accounts and patient records: keyword-only arguments, one transaction each.

Views and the API call these after the access door (records.access) has let them in; tests
build their data here too, never by saving models directly.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from upperback.care import Assessed, CheckedIn, Overridden, Removal, Reviewed
from upperback.clinical import Assessment, Intake
from upperback.web.accounts.models import Role, User
from upperback.web.free_text import NOTE_CHARS, REASON_CHARS

from . import episodes
from .models import (
    AssessmentRecord,
    IntakeDraft,
    Override,
    ProgressEntry,
    triage_rank,
)


@transaction.atomic
def create_patient(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    phone: str = "",
    phone_call_consent: bool = False,
) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        role=Role.PATIENT,
        preferred_language=language,
        phone=phone,
        phone_call_consent=phone_call_consent and bool(phone),
    )


@transaction.atomic
def create_clinician(
    *, email: str, password: str, first_name: str = "", last_name: str = "", admin: bool = False
) -> User:
    """Clinicians are made by the clinic (admin or load_demo), never by sign-up."""
    return User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        role=Role.ADMIN if admin else Role.CLINICIAN,
        is_staff=True,
    )


@transaction.atomic
def set_phone(*, user: User, phone: str, may_call: bool) -> None:
    """The number the clinic may call, and whether it may (never without a number)."""
    user.phone = phone
    user.phone_call_consent = may_call and bool(phone)
    user.save(update_fields=["phone", "phone_call_consent"])


def set_language(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


@transaction.atomic
def start_draft(
    *,
    patient: User,
    answers: dict[str, Any] | None = None,
    completed_steps: list[str] | None = None,
) -> IntakeDraft:
    """A new draft, empty or holding earlier answers (a patient answering more questions).

    `answers` is a partial intake in the contract's names (only the answered keys)."""
    return IntakeDraft.objects.create(
        patient=patient, answers=dict(answers or {}), completed_steps=list(completed_steps or [])
    )


@transaction.atomic
def save_draft_step(*, draft: IntakeDraft, step: str, answers: dict[str, Any]) -> IntakeDraft:
    """Keep one sent step's answers (its form's values) in the draft's partial intake, in the
    contract's names; re-saving a step replaces the fields it asks."""
    from .draft_answers import save_step

    locked = IntakeDraft.objects.select_for_update().get(pk=draft.pk)
    locked.answers = save_step(locked.answers, step, answers, sent=locked.completed_steps)
    if step not in locked.completed_steps:
        locked.completed_steps = [*locked.completed_steps, step]
    locked.save(update_fields=["answers", "completed_steps", "updated_at"])
    return locked


@transaction.atomic
def save_draft_follow_ups(
    *, draft: IntakeDraft, paths: list[str], answers: dict[str, Any]
) -> IntakeDraft:
    """Keep the answers to the follow-up questions `paths` (the engine's), and record them as
    asked so that a blank one is not asked again."""
    from .draft_answers import save_follow_ups
    from .forms import ASKED, follow_up_questions

    locked = IntakeDraft.objects.select_for_update().get(pk=draft.pk)
    locked.answers = save_follow_ups(locked.answers, follow_up_questions(paths), answers)
    asked = [f"{ASKED}{path}" for path in paths if f"{ASKED}{path}" not in locked.completed_steps]
    locked.completed_steps = [*locked.completed_steps, *asked]
    locked.save(update_fields=["answers", "completed_steps", "updated_at"])
    return locked


@transaction.atomic
def stop_draft_for_emergency(*, draft: IntakeDraft) -> IntakeDraft:
    draft.stopped_for_emergency = True
    draft.save(update_fields=["stopped_for_emergency", "updated_at"])
    return draft


def _assess(intake: Intake, language: str) -> Assessment:
    from upperback.clinical import assess  # the engine's one public entry point

    return assess(intake, language=language)


@transaction.atomic
def record_assessment(
    *,
    patient: User,
    intake: Intake,
    language: str = "en",
    draft: IntakeDraft | None = None,
    assessed_at: dt.datetime | None = None,
) -> AssessmentRecord:
    """Ask the engine, store its answer verbatim with the knowledge-base version.

    `assessed_at` dates an assessment made earlier (demo data: a plan four weeks old, so the
    progress readings since it have something to be measured against); default now.
    """
    if assessed_at is not None and assessed_at > timezone.now():
        raise ValueError("An assessment cannot be dated in the future.")
    assessment = _assess(intake, language)
    record = AssessmentRecord.objects.create(
        patient=patient,
        intake=intake.model_dump(mode="json", exclude_none=True),
        assessment=assessment.model_dump(mode="json"),
        triage=assessment.triage,
        current_triage=assessment.triage,
        current_rank=triage_rank(assessment.triage),
        knowledge_base=assessment.knowledge_base,
        language=language,
    )
    if assessed_at is not None:  # created_at is set on insert; the date is moved after it
        AssessmentRecord.objects.filter(pk=record.pk).update(created_at=assessed_at)
        record.created_at = assessed_at
    if draft is not None:
        draft.submitted = record
        draft.save(update_fields=["submitted", "updated_at"])
    episodes.record(patient=patient, event=episodes.assessed(record))
    return record


@transaction.atomic
def override_assessment(
    *,
    record: AssessmentRecord,
    author: User,
    new_triage: str,
    reason: str,
    plan_note: str = "",
    removed_steps: list[str] | None = None,
    specialty: str | None = None,
) -> Override:
    """A clinician's decision, kept beside the engine's answer (which is never changed).

    `reason` is kept for the clinic; `plan_note` is what the patient reads (also as the reason
    of each removed step); `specialty` names who she should see when it is not the engine's."""
    if not reason.strip():
        raise ValueError("An override needs a reason.")
    for name, text, limit in (
        ("reason", reason, REASON_CHARS),
        ("plan_note", plan_note, NOTE_CHARS),
    ):
        if len(text.strip()) > limit:
            raise ValueError(f"{name}: keep it under {limit} characters")
    locked = AssessmentRecord.objects.select_for_update().get(pk=record.pk)
    locked.current_triage = episodes.current_triage(locked)
    override = Override.objects.create(
        record=locked,
        author=author,
        reason=reason.strip(),
        old_triage=locked.current_triage,
        new_triage=new_triage,
        plan_note=plan_note.strip(),
        removed_steps=list(removed_steps or []),
    )
    locked.current_triage = new_triage
    locked.current_rank = triage_rank(new_triage)
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["current_triage", "current_rank", "reviewed_at"])
    episodes.record(
        patient=locked.patient_id,
        event=Overridden(
            at=override.created_at,
            assessment_id=locked.pk,
            by=author.pk,
            triage=new_triage,
            consult=episodes.consult_for(locked, new_triage, specialty),
            reason=override.reason,
            note_for_patient=override.plan_note,
            removed=tuple(
                Removal(step=step, reason=override.plan_note) for step in override.removed_steps
            ),
        ),
    )
    return override


@transaction.atomic
def mark_reviewed(*, patient: User, author: User) -> None:
    """A clinician looked at the episode and leaves the care as it is (clears "needs review")."""
    episodes.record(patient=patient, event=Reviewed(at=timezone.now(), by=author.pk))


@transaction.atomic
def add_progress(
    *,
    patient: User,
    pain_now: int,
    recorded_on: dt.date | None = None,
    psfs: list[dict[str, Any]] | None = None,
    note: str = "",
    pain_worst_week: int | None = None,
    loss_of_function: bool | None = None,
    sessions: dict[str, int] | None = None,
    camera_sessions: dict[str, int] | None = None,
) -> ProgressEntry:
    """A check-in; `sessions` the patient reported and `camera_sessions` (finished camera
    checks) by exercise id."""
    return ProgressEntry.objects.create(
        patient=patient,
        recorded_on=recorded_on or timezone.localdate(),
        pain_now=pain_now,
        pain_worst_week=pain_worst_week,
        loss_of_function=loss_of_function,
        psfs=list(psfs or []),
        sessions=dict(sessions or {}),
        camera_sessions=dict(camera_sessions or {}),
        note=note,
    )


@transaction.atomic
def record_review(
    *,
    entry: ProgressEntry,
    action: str,
    phase: int,
    since: dt.date,
    reason: str = "",
    because: str = "",
    rules: list[str] | None = None,
    dosage: list[dict[str, Any]] | None = None,
    review_on: dt.date | None = None,
    consult: dict[str, Any] | None = None,
) -> ProgressEntry:
    """The engine's review at a check-in: its action, the plan phase it moves to and the day
    that phase began (the next review counts from it), its reason, and the dosage level each
    exercise moves to (`dosage`: the engine's dosage decisions, as dicts)."""
    entry.action = action
    entry.phase = phase
    entry.phase_started_on = since
    entry.reason = reason
    entry.because = because
    entry.rules = list(rules or [])
    entry.dosage_changes = list(dosage or [])
    entry.dosage = {change["exercise"]: change["level"] for change in entry.dosage_changes}
    entry.save(
        update_fields=[
            "action",
            "phase",
            "phase_started_on",
            "reason",
            "because",
            "rules",
            "dosage",
            "dosage_changes",
        ]
    )
    episodes.record(
        patient=entry.patient_id,
        event=CheckedIn(
            at=entry.created_at,
            entry_id=entry.pk,
            on=entry.recorded_on,
            action=action,
            phase=phase,
            phase_started_on=since,
            dose=dict(entry.dosage),
            review_on=review_on,
            consult=episodes.consult_need(consult) if consult else None,
            because=because[:4000],
        ),
    )
    return entry


@dataclass(frozen=True)
class StoredAssessment:
    """What `upperback retriage` reads of an old assessment (its intake as stored JSON text)."""

    pk: int
    patient_id: int
    patient_email: str
    created_at: dt.datetime
    current_triage: str
    knowledge_base: str
    language: str
    intake_text: str


@dataclass(frozen=True)
class RetriagePlan:
    """One re-run to record: the old assessment and the engine's answer (JSON text) now."""

    old: StoredAssessment
    assessment_json: str
    knowledge_base: str
    triage: str
    current_triage: str
    raised: bool
    reason: str
    event_parts: str = ""  # the care event's parts (upperback.care.assessed_parts), JSON


def _still_latest(plans: list[RetriagePlan]) -> list[RetriagePlan]:
    """The plans whose old assessment is still its patient's latest (a patient who answered
    again meanwhile keeps her new answer; an assessment re-run already has a newer one)."""
    patients = [plan.old.patient_id for plan in plans]
    newest: dict[int, dt.datetime] = {}
    # The plans are a run of patients in id order: one range query (an IN list of hundreds
    # of ids costs the ORM more than the rows it reads).
    rows = AssessmentRecord.objects.filter(
        patient_id__gte=min(patients), patient_id__lte=max(patients)
    )
    for patient_id, created in rows.values_list("patient_id", "created_at"):
        newest[patient_id] = max(created, newest.get(patient_id, created))
    return [plan for plan in plans if newest[plan.old.patient_id] <= plan.old.created_at]


@transaction.atomic
def record_retriage(*, plans: list[RetriagePlan]) -> list[tuple[RetriagePlan, int | None]]:
    """Record a batch of re-runs (`upperback retriage`), each as a new assessment of the same
    intake, linked to the one it re-ran; returns the plans kept, with the new id of each one
    whose triage changed.

    One INSERT of many rows, with the intake and the answer as the JSON text they already
    are: the ORM would decode and re-encode 10 KB of JSON per row, which at 100,000 rows is
    most of the run's time. The unique `retriaged_from` still refuses a second re-run."""
    kept = _still_latest(plans) if plans else []
    if not kept:
        return []
    now = timezone.now()
    columns = [
        "patient_id",
        "intake",
        "assessment",
        "triage",
        "current_triage",
        "current_rank",
        "knowledge_base",
        "language",
        "created_at",
        "retriaged_from_id",
        "raised_by_retriage",
        "retriage_reason",
    ]
    json_value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(json_value if c in ("intake", "assessment") else "%s" for c in columns)
    table = connection.ops.quote_name(AssessmentRecord._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    created_at = AssessmentRecord._meta.get_field("created_at")
    stamp = created_at.get_db_prep_save(now, connection)
    rows = [
        (
            plan.old.patient_id,
            plan.old.intake_text,
            plan.assessment_json,
            plan.triage,
            plan.current_triage,
            triage_rank(plan.current_triage),
            plan.knowledge_base,
            plan.old.language,
            stamp,
            plan.old.pk,
            plan.raised,
            plan.reason,
        )
        for plan in kept
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)
    # The new ids of the changed ones only (the report lists them): a few in a hundred.
    changed = [plan.old.pk for plan in kept if plan.current_triage != plan.old.current_triage]
    new_ids = dict(
        AssessmentRecord.objects.filter(retriaged_from_id__in=changed).values_list(
            "retriaged_from_id", "pk"
        )
    )
    _retriage_events(kept, now)
    return [(plan, new_ids.get(plan.old.pk)) for plan in kept]


def _retriage_events(kept: list[RetriagePlan], now: dt.datetime) -> None:
    """Each re-run as an `Assessed` event of its patient's episode (the care state decides
    the triage now: a raise waits for a clinician, a clinician's decision is not lowered)."""
    olds = {plan.old.pk: plan for plan in kept}
    rows = AssessmentRecord.objects.filter(
        retriaged_from_id__gte=min(olds), retriaged_from_id__lte=max(olds)
    ).values_list("retriaged_from_id", "pk")
    events = []
    for old_id, new_id in rows:
        plan = olds.get(old_id)
        if plan is None or not plan.event_parts:
            continue
        parts = json.loads(plan.event_parts)
        event = Assessed.model_validate(
            {**parts, "at": now, "assessment_id": new_id, "retriage": True}
        )
        events.append((plan.old.patient_id, event))
    episodes.record_batch(events)
