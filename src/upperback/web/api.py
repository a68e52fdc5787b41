"""The JSON API under /api/v1 (django-ninja): a stateless assess, and a patient's own records.

Bad input gets a 422 whose `errors` are the engine's own `field.path: message` lines, the
same words the command line prints; a body that is not JSON gets a 400. A record that is not
the caller's is a 404 (the access door decides), an anonymous caller gets 401 on everything
but `POST /assess`, and a session-authenticated POST without its CSRF token gets 403. The
OpenAPI document lists each of these answers for each operation (`_answers`). Every error
speaks the caller's language (`Accept-Language`, through LocaleMiddleware): English or Spanish.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Path, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from upperback.clinical import Assessment, Intake
from upperback.web import ratelimit
from upperback.web.media import live
from upperback.web.messaging import api as messaging_api
from upperback.web.records import actions, wizard
from upperback.web.records.access import (
    access_assessment,
    access_draft,
    access_history,
    access_patient,
)
from upperback.web.records.models import AssessmentRecord, IntakeDraft

api = NinjaAPI(
    title="Upperback API",
    version="1",
    description="Assess an upper back pain intake (contract version 1); a patient's own records.",
    urls_namespace="api",
)
Language = Literal["en", "es"]


class ErrorOut(Schema):
    detail: str
    errors: list[str] = []


def _caller(request: HttpRequest) -> Any:
    """The signed-in user django-ninja's session auth put on the request (never anonymous)."""
    return getattr(request, "auth")  # noqa: B009 (ninja sets it; HttpRequest does not declare it)


def _record_id() -> Any:
    """A record id: a positive 64-bit integer (a larger one would overflow the database)."""
    return Path(..., ge=1, le=2**63 - 1)  # type: ignore[type-arg]


def _answers(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    """The operation's answers for the OpenAPI document: its success, then each error."""
    return {**success, **{code: ErrorOut for code in errors}}


class IntakeOut(Schema):
    id: int
    created_at: dt.datetime
    intake: Intake


class AssessmentOut(Schema):
    id: int
    created_at: dt.datetime
    triage: str
    current_triage: str
    knowledge_base: str
    assessment: Assessment


class DraftOut(Schema):
    id: int
    updated_at: dt.datetime
    completed_steps: list[str]
    answers: dict[str, Any] = Field(
        description="the answers so far: a partial intake in the contract's names, only the "
        "answered keys (a missing key was not asked; an empty list answers none)"
    )
    submitted_assessment: int | None
    stopped_for_emergency: bool
    follow_ups: list[str] = Field(
        default_factory=list,
        description="the engine's follow-up questions for the answers so far, not yet asked "
        "(intake fields, e.g. chest_pain.exertional): ask them next",
    )


def _intake_messages(request: HttpRequest) -> list[str]:
    """Re-read the raw body with the contract's model, for the engine's plain messages."""
    from upperback.clinical import validation_messages

    try:
        Intake.model_validate_json(request.body or b"")
    except PydanticValidationError as error:
        return validation_messages(error, language=_language(None, request))
    return []


def _posts_an_intake(request: HttpRequest) -> bool:
    """The POSTs whose body is an intake (the live coaching set and messages are not)."""
    return request.method == "POST" and request.path.rstrip("/").endswith(
        ("/assess", "/assessments")
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    lines = _intake_messages(request) if _posts_an_intake(request) else []
    if not lines:
        lines = [_ninja_line(e) for e in exc.errors]
    body = {"detail": gettext("The request is not valid; see errors."), "errors": lines}
    return api.create_response(request, body, status=422)


def _ninja_line(error: dict[str, Any]) -> str:
    """`field: message`: without the location and the body parameter's own name (a field may
    itself be called `body`, as a message's is)."""
    loc = [str(p) for p in error.get("loc", ())]
    if loc[:1] in (["body"], ["query"], ["path"]):
        loc = loc[1:]
        if loc[:1] in (["body"], ["payload"]) and len(loc) > 1:
            loc = loc[1:]
    return f"{'.'.join(loc) or 'request'}: {error.get('msg', 'is not valid')}"


# Django-ninja's own words for the errors it raises, in the caller's language.
NINJA_DETAILS: dict[str, Any] = {
    "Cannot parse request body": _("Cannot parse request body"),
    "CSRF check Failed": _("The form's security token is missing or wrong (CSRF)."),
    "Unauthorized": _("Log in first."),
    "Not Found": _("Not found."),
}


def _detail(text: str) -> str:
    return str(NINJA_DETAILS[text]) if text in NINJA_DETAILS else text


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja says 400 "Cannot parse request body" for broken JSON: name the problem."""
    body: dict[str, Any] = {"detail": _detail(str(exc))}
    if exc.status_code == 400 and _posts_an_intake(request):
        body["errors"] = _intake_messages(request) or [
            gettext("request: the body is not valid JSON")
        ]
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(ratelimit.RateLimited)
def _rate_limited(request: HttpRequest, exc: ratelimit.RateLimited) -> HttpResponse:
    """429 in the API's error shape, naming the limit, with Retry-After."""
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": gettext("Log in first.")}, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": gettext("Not found.")}, status=404)


def _language(language: str | None, request: HttpRequest) -> str:
    return language or ("es" if getattr(request, "LANGUAGE_CODE", "en") == "es" else "en")


@api.post(
    "/assess", response=_answers({200: Assessment}, 400, 422, 429), auth=None, tags=["assess"]
)
def assess_intake(request: HttpRequest, intake: Intake, language: Language = "en") -> Any:
    """Assess an intake without storing anything; no account needed (rate-limited per
    source: 429 names the limit)."""
    from upperback.clinical import assess

    ratelimit.hit(request, "checks", anonymous=True)
    return assess(intake, language=language)


def _assessment_out(record: AssessmentRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "created_at": record.created_at,
        "triage": record.triage,
        "current_triage": record.current_triage,
        "knowledge_base": record.knowledge_base,
        "assessment": record.assessment,
    }


@api.get(
    "/assessments",
    response=_answers({200: list[AssessmentOut]}, 401),
    auth=django_auth,
    tags=["records"],
)
def list_assessments(request: HttpRequest) -> Any:
    """The caller's own assessments, newest first."""
    records = access_history(_caller(request), _caller(request).pk, purpose="api.assessment.list")
    return [_assessment_out(r) for r in records]


@api.post(
    "/assessments",
    response=_answers({201: AssessmentOut}, 400, 401, 403, 422, 429),
    auth=django_auth,
    tags=["records"],
)
def create_assessment(request: HttpRequest, intake: Intake, language: Language = "en") -> Any:
    """Assess an intake and keep it in the caller's record (rate-limited per account and
    per source: 429 names the limit)."""
    ratelimit.hit(request, "assessments")
    patient = access_patient(_caller(request), _caller(request).pk, purpose="api.assessment.create")
    record = actions.record_assessment(patient=patient, intake=intake, language=language)
    return Status(201, _assessment_out(record))


@api.get(
    "/assessments/{assessment_id}",
    response=_answers({200: AssessmentOut}, 401, 404, 422),
    auth=django_auth,
    tags=["records"],
)
def get_assessment(request: HttpRequest, assessment_id: int = _record_id()) -> Any:
    record = access_assessment(_caller(request), assessment_id, purpose="api.assessment.read")
    return _assessment_out(record)


@api.get(
    "/export/fhir",
    response=_answers({200: dict[str, Any]}, 401, 422, 429),
    auth=django_auth,
    tags=["records"],
)
def export_fhir(request: HttpRequest, language: Language | None = None) -> Any:
    """The caller's own record as a FHIR R4B Bundle (JSON, type `collection`): Patient,
    intake Questionnaire and QuestionnaireResponses, pain (LOINC 72514-3) and PSFS
    Observations, a RiskAssessment and a CarePlan per assessment, Appointments."""
    from upperback.web.care.fhir_export import as_json, export_patient

    ratelimit.hit(request, "exports")
    caller = _caller(request)
    bundle = export_patient(
        caller,
        caller.pk,
        language=language or caller.preferred_language or "en",
        purpose="api.export.fhir",
    )
    return json.loads(as_json(bundle))


@api.get(
    "/intakes",
    response=_answers({200: list[IntakeOut]}, 401),
    auth=django_auth,
    tags=["records"],
)
def list_intakes(request: HttpRequest) -> Any:
    """The intakes behind the caller's assessments, newest first."""
    records = access_history(_caller(request), _caller(request).pk, purpose="api.intake.list")
    return [{"id": r.pk, "created_at": r.created_at, "intake": r.intake} for r in records]


@api.get(
    "/intakes/{intake_id}",
    response=_answers({200: IntakeOut}, 401, 404, 422),
    auth=django_auth,
    tags=["records"],
)
def get_intake(request: HttpRequest, intake_id: int = _record_id()) -> Any:
    """An intake, by the id of the assessment it produced."""
    record = access_assessment(_caller(request), intake_id, purpose="api.intake.read")
    return {"id": record.pk, "created_at": record.created_at, "intake": record.intake}


def _draft_out(draft: IntakeDraft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "updated_at": draft.updated_at,
        "completed_steps": draft.completed_steps,
        "answers": draft.answers,
        "submitted_assessment": draft.submitted_id,
        "stopped_for_emergency": draft.stopped_for_emergency,
        "follow_ups": wizard.pending_follow_ups(draft),
    }


@api.get(
    "/drafts/{draft_id}",
    response=_answers({200: DraftOut}, 401, 404, 422),
    auth=django_auth,
    tags=["records"],
)
def get_draft(request: HttpRequest, draft_id: int = _record_id()) -> Any:
    """An unfinished (or finished) intake draft of the caller's."""
    return _draft_out(access_draft(_caller(request), draft_id, purpose="api.draft.read"))


# Live coaching: the end of a set, as landmarks and counts, never a picture (web/media/live.py).
api.post(
    "/live-sets",
    response=_answers({201: live.LiveSetOut}, 400, 401, 403, 404, 409, 413, 422),
    auth=django_auth,
    tags=["live coaching"],
    url_name="live_set",
)(live.post_live_set)


# Messages with the care team: the patient's own threads (web/messaging/api.py).
api.add_router("", messaging_api.router)
