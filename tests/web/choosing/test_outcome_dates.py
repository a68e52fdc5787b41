"""An outcome's dates at the ends of the calendar (year 1, year 9999) are refused beside
their field or shown, never a 500 on the pages that show the outcome."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from upperback.clinical import Intake
from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(alice: Any, desk_worker: dict[str, Any]) -> AssessmentRecord:
    return actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))


@pytest.mark.parametrize(
    "agreed,review",
    [("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-02"), ("0001-01-01", "9999-12-31")],
)
def test_an_outcome_at_the_ends_of_the_calendar_breaks_no_page(
    alice_client: Client, bob_client: Client, record: AssessmentRecord, agreed: str, review: str
) -> None:
    posted = bob_client.post(
        reverse("choosing:outcome", args=[record.pk]),
        {
            "source": "postural_strain",
            "certainty": "probable",
            "basis": "examination",
            "steps": ["exercise_program"],
            "agreed_on": agreed,
            "next_review": review,
        },
    )
    assert posted.status_code in (200, 302)
    for client, url in [
        (alice_client, reverse("records:result", args=[record.pk])),
        (alice_client, reverse("records:progress")),
        (alice_client, reverse("records:my_report")),
        (bob_client, reverse("records:review", args=[record.pk])),
        (bob_client, reverse("choosing:outcome", args=[record.pk])),
        (bob_client, reverse("choosing:concordance")),
        (bob_client, reverse("records:queue")),
    ]:
        assert client.get(url).status_code < 500, url
