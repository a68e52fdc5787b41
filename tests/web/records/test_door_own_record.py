"""A patient reading her own record: the door audits each read against her real account
(not the lazy proxy Django and django-otp put on the request) and does not fetch her again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from upperback.web.records import actions
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["/", "/progress/", "/assessments/", "/messages/"])
def test_her_own_pages_audit_her_account_and_fetch_her_once(
    page: str, alice: Any, alice_client: Client, desk_worker: dict[str, Any]
) -> None:
    from upperback.clinical import Intake

    actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    alice_client.get(page)  # the session's first request may load more (language, device)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert alice_client.get(page).status_code == 200
    rows = list(AuditEvent.objects.order_by("pk")[before:])
    assert rows and {r.patient_id for r in rows} == {alice.pk}
    assert "SimpleLazyObject" not in {r.object_type for r in rows}
    assert {r.object_type for r in rows if r.object_id == str(alice.pk)} <= {"User", ""}
    users_read = [q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(users_read) == 1  # the session's user, not fetched again by the door
