"""Schemathesis against the API through the WSGI app: generated requests for every operation
in the OpenAPI document, as a logged-in patient (with her CSRF token) and anonymously. No
answer may be a 5xx, and every answer must be one the document lists, with its content type
and schema. Bounded: the examples per operation below.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, negative_data_rejection, positive_data_acceptance

from upperback.clinical.contract import Intake
from upperback.web.records import actions
from upperback.web.wsgi import application

# Examples per operation; each run checks it made at least that many calls, so the whole
# run is at least 7 x (200 + 100) = 2,100 cases (about 2,900 with schemathesis's extras).
AS_PATIENT = 200
ANONYMOUS = 100

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": list(HealthCheck),
    "database": None,
}


@pytest.fixture
def calls(request: pytest.FixtureRequest) -> Iterator[list[int]]:
    """The statuses of one operation's calls; afterwards, at least the examples asked for."""
    wanted = AS_PATIENT if "for_a_patient" in request.node.name else ANONYMOUS
    made: list[int] = []
    yield made
    assert len(made) >= wanted, f"{len(made)} calls, fewer than {wanted}"


@pytest.fixture
def patient(alice: Any, desk_worker: dict[str, Any]) -> dict[str, Any]:
    """Alice's session and CSRF cookies and token, with one record and one draft of hers."""
    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    actions.start_draft(patient=alice)
    client = Client()
    client.force_login(alice)
    client.get("/accounts/login/")  # sets the CSRF cookie
    session = client.cookies["sessionid"].value
    token = client.cookies["csrftoken"].value
    return {
        "cookies": {"sessionid": session, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@pytest.mark.django_db(transaction=True)  # the WSGI app closes its connection after a request
@schema.parametrize()
@settings(max_examples=AS_PATIENT, **_SETTINGS)  # type: ignore[arg-type]
def test_the_api_keeps_its_document_for_a_patient(
    case: Any, patient: dict[str, Any], calls: list[int]
) -> None:
    # Her cookies are added to every request, so the two checks that take the session away
    # (or expect a request without one to be refused) cannot apply; the anonymous run has them.
    excluded = [ignored_auth, negative_data_rejection]
    if case.operation.path.endswith("/live-sets"):
        # A set whose landmarks all lie on one spot fits the schema (JSON Schema cannot say
        # "not all equal") and is refused with a 422 naming it (test_live_degenerate.py).
        excluded.append(positive_data_acceptance)
    response = case.call_and_validate(**patient, excluded_checks=excluded)
    calls.append(response.status_code)
    assert response.status_code < 500


@pytest.mark.django_db(transaction=True)  # the WSGI app closes its connection after a request
@schema.parametrize()
@settings(max_examples=ANONYMOUS, **_SETTINGS)  # type: ignore[arg-type]
def test_the_api_keeps_its_document_for_anyone(case: Any, calls: list[int]) -> None:
    response = case.call_and_validate()
    calls.append(response.status_code)
    assert response.status_code < 500
