"""The one door to patient data: check the permission, write the audit row, return the object.

Every read of a patient's data passes `open_door` below, through an access function of records,
clinic (clinic.access) or media (media.access); views, the API and templates never query
patient data themselves (tests/web/test_architecture.py); writes go through the actions.
A refusal is an Http404, never a 403: a patient probing another's ids learns nothing, not
even that the id exists. Refusals are audited too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from upperback.care import CareState
from upperback.web.accounts.models import Role, User

from .audit import Entry, append
from .models import (
    AssessmentRecord,
    CareEpisode,
    IntakeDraft,
    Outcome,
    Override,
    ProgressEntry,
)

Found = TypeVar("Found", bound=Model)


def _actor(user: Any) -> User | None:
    return user if getattr(user, "is_authenticated", False) else None


def _entry(user: Any, *, purpose: str, patient: User | None, obj: Any, allowed: bool) -> Entry:
    actor = _actor(user)
    return Entry(
        actor_id=actor.pk if actor is not None else None,
        action=purpose,
        patient_id=patient.pk if patient is not None else None,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        outcome=Outcome.ALLOWED if allowed else Outcome.REFUSED,
    )


@dataclass
class _Visit:
    """One request's pass through the door: its audit rows, written together when the
    request ends (one chained INSERT instead of one transaction a read), and the patients it
    already fetched."""

    entries: list[Entry] = field(default_factory=list)
    patients: dict[int, User] = field(default_factory=dict)


_VISIT: ContextVar[_Visit | None] = ContextVar("door_visit", default=None)


@contextmanager
def visit() -> Iterator[None]:
    """Gather the door's audit rows of one request and write them when it ends, refusals
    included (the request's exception still propagates after the rows are written)."""
    current = _Visit()
    token = _VISIT.set(current)
    try:
        yield
    finally:
        _VISIT.reset(token)
        append(current.entries)


class AuditVisitMiddleware:
    """Each request is one `visit` of the door (settings.MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with visit():
            return self.get_response(request)


def _log(entries: list[Entry]) -> None:
    current = _VISIT.get()
    if current is None:
        append(entries)
    else:
        current.entries.extend(entries)


def audit(user: Any, *, purpose: str, patient: User | None, obj: Any = None, allowed: bool) -> None:
    _log([_entry(user, purpose=purpose, patient=patient, obj=obj, allowed=allowed)])


@dataclass(frozen=True)
class CommandLineActor:
    """The clinic's own command line (`upperback export fhir`): the clinic's authority, with
    no person signed in; its audit rows have no actor and a purpose naming the command."""

    pk: None = None
    is_authenticated: bool = True
    is_active: bool = True
    role: str = Role.ADMIN


COMMAND_LINE = CommandLineActor()


def is_clinic_staff(user: Any) -> bool:
    """Clinicians and the clinic's administrators see the clinic's patients."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in (Role.CLINICIAN, Role.ADMIN)
    )


def may_see(user: Any, patient: User) -> bool:
    """One condition a line: nobody anonymous; the patient herself; the clinic's staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.pk == patient.pk:
        return True
    return is_clinic_staff(user) and patient.role == Role.PATIENT


def refuse(user: Any, *, purpose: str, patient: User | None, obj: Any = None) -> Http404:
    """The refusal, audited: an Http404 to raise (a patient probing ids learns nothing)."""
    audit(user, purpose=purpose, patient=patient, obj=obj, allowed=False)
    return Http404("No such record.")


def as_id(value: Any) -> int | None:
    """A primary key from a URL or a form, or None (which matches nothing)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _patient_of(found: Any) -> User:
    return found if isinstance(found, User) else found.patient


def open_door(
    user: Any,
    query: QuerySet[Found],
    found_id: Any,
    *,
    purpose: str,
    allowed: Callable[[Any, Found], bool],
) -> Found:
    """The door: fetch one object by id, check `allowed(user, object)`, audit, or 404.

    Every access function that opens one patient object goes through here, so the fetch, the
    permission, the audit row and the 404 are written once. `query` is the object's model
    (with its `select_related`); the object's patient is `.patient` (or the user itself)."""
    found = query.filter(pk=as_id(found_id)).first()
    patient = _patient_of(found) if found is not None else None
    if found is None or not allowed(user, found):
        raise refuse(user, purpose=purpose, patient=patient, obj=found)
    audit(user, purpose=purpose, patient=patient, obj=found, allowed=True)
    return found


def is_herself(user: Any, patient: User) -> bool:
    """The patient herself, as a patient (to change, book or upload: nobody does it for her)."""
    return may_see(user, patient) and user.pk == patient.pk and patient.role == Role.PATIENT


def _may_see_patient_of(user: Any, found: Any) -> bool:
    return may_see(user, _patient_of(found))


def _loaded_user(user: Any) -> User | None:
    """The User inside request.user: a lazy proxy (django-otp wraps Django's in another), set
    up once its `pk` was read; None if it is not a loaded User."""
    for _depth in range(4):
        if type(user) is User:
            return user
        user = getattr(user, "_wrapped", None)
    return None


def access_patient(user: Any, patient_id: Any, *, purpose: str, herself_only: bool = False) -> User:
    """A patient `user` may see; `herself_only`: only the patient herself (to write). Within
    one request the patient is fetched once (every read is still checked and audited)."""
    rule = is_herself if herself_only else _may_see_patient_of
    current, key = _VISIT.get(), as_id(patient_id)
    if current is not None and key is not None and key == getattr(user, "pk", None):
        me = _loaded_user(user)
        if me is not None:  # her own record: the user this request loaded is the patient
            current.patients.setdefault(key, me)
    if current is not None and key in current.patients:
        found = current.patients[key]
        if not rule(user, found):
            raise refuse(user, purpose=purpose, patient=found, obj=found)
        audit(user, purpose=purpose, patient=found, obj=found, allowed=True)
        return found
    found = open_door(user, User.objects.all(), patient_id, purpose=purpose, allowed=rule)
    if current is not None and key is not None:
        current.patients[key] = found
    return found


def access_assessment(
    user: Any,
    assessment_id: Any,
    *,
    purpose: str,
    herself_only: bool = False,
    staff_only: bool = False,
) -> AssessmentRecord:
    """An assessment; `herself_only` for the patient's own acts on it (reopen, book),
    `staff_only` for the clinician's review and override."""

    def rule(u: Any, record: AssessmentRecord) -> bool:
        return (
            may_see(u, record.patient)
            and (not herself_only or is_herself(u, record.patient))
            and (not staff_only or is_clinic_staff(u))
        )

    query = AssessmentRecord.objects.select_related("patient")
    return open_door(user, query, assessment_id, purpose=purpose, allowed=rule)


def access_draft(user: Any, draft_id: Any, *, purpose: str) -> IntakeDraft:
    """Drafts are the patient's own working notes: only she may open them."""
    query = IntakeDraft.objects.select_related("patient")
    return open_door(
        user, query, draft_id, purpose=purpose, allowed=lambda u, d: is_herself(u, d.patient)
    )


def access_open_draft(user: Any, *, purpose: str) -> IntakeDraft | None:
    """The patient's own unfinished draft, if any (to resume it)."""
    patient = access_patient(user, getattr(user, "pk", None), purpose=purpose)
    return next((d for d in patient.intake_drafts.all() if d.is_open), None)


def access_history(user: Any, patient_id: Any, *, purpose: str) -> QuerySet[AssessmentRecord]:
    """A patient's assessments, newest first."""
    patient = access_patient(user, patient_id, purpose=purpose)
    return AssessmentRecord.objects.filter(patient=patient).order_by("-created_at")


def access_progress(user: Any, patient_id: Any, *, purpose: str) -> list[ProgressEntry]:
    """A patient's progress entries, in the model's order."""
    patient = access_patient(user, patient_id, purpose=purpose)
    return list(ProgressEntry.objects.filter(patient=patient))


QUEUE_PAGE = 50


@dataclass(frozen=True)
class QueuePage:
    episodes: list[CareEpisode]
    page: int
    has_next: bool


def access_queue(user: Any, *, purpose: str, page: int = 1) -> QueuePage:
    """One page of the clinic's open episodes, in queue order: emergencies and raises no
    clinician has reviewed first, then by triage level, then by waiting time. One indexed
    query, sorted and paged by the database; each patient shown is audited (a page's worth)."""
    if not is_clinic_staff(user):
        raise refuse(user, purpose=purpose, patient=None)
    page = max(page, 1)
    start = (page - 1) * QUEUE_PAGE
    found = list(
        # Episodes are made by patients' own acts (staff have none with a triage).
        CareEpisode.objects.filter(closed_at=None)
        .exclude(triage="")
        .select_related("patient", "latest_assessment")
        .defer("state", "latest_assessment__assessment", "latest_assessment__intake")
        .order_by("queue_group", "rank", "waiting_since", "id")[start : start + QUEUE_PAGE + 1]
    )
    shown = found[:QUEUE_PAGE]
    _log(
        [
            _entry(user, purpose=purpose, patient=None, obj=None, allowed=True),
            # Each patient shown, with the assessment her row links to (as any view of it).
            *(
                _entry(
                    user,
                    purpose=purpose,
                    patient=e.patient,
                    obj=e.latest_assessment or e,
                    allowed=True,
                )
                for e in shown
            ),
        ]
    )
    return QueuePage(episodes=shown, page=page, has_next=len(found) > QUEUE_PAGE)


def access_overrides(user: Any, patient_id: Any, *, purpose: str) -> list[Override]:
    """Every clinician's override of the patient's care (on any of her assessments), oldest
    first: the decisions the care record stands on, with their authors."""
    patient = access_patient(user, patient_id, purpose=purpose)
    query = Override.objects.filter(record__patient=patient).select_related("author")
    return list(query.order_by("created_at", "pk"))


def access_episode(user: Any, patient_id: Any, *, purpose: str) -> CareState:
    """The patient's care now (her open episode's state), through the door."""
    from .episodes import state_of

    patient = access_patient(user, patient_id, purpose=purpose)
    return state_of(CareEpisode.objects.filter(patient=patient, closed_at=None).first())


def access_episodes(user: Any, patient_ids: Iterable[int], *, purpose: str) -> dict[int, CareState]:
    """The care now of many patients the clinic's staff are shown at once (the calendar's
    bookings): one query for all their open episodes, one audit row each, written together.
    A patient with no episode yet has an empty state."""
    if not is_clinic_staff(user):
        raise refuse(user, purpose=purpose, patient=None)
    from .episodes import state_of

    wanted = sorted(set(patient_ids))
    found = {
        e.patient_id: e
        for e in CareEpisode.objects.filter(
            patient_id__in=wanted, closed_at=None, patient__role=Role.PATIENT
        ).select_related("patient")
    }
    _log(
        [
            _entry(user, purpose=purpose, patient=e.patient, obj=e, allowed=True)
            for e in found.values()
        ]
    )
    return {patient_id: state_of(found.get(patient_id)) for patient_id in wanted}
