"""Issue 22, item 6: the rules' reason for leaving a step out reads in the reader's language,
whatever language the clinician recorded the outcome in."""

from __future__ import annotations

from typing import Any

from django.test import Client

from upperback.web.records import actions
from upperback.web.records.models import AssessmentRecord

from .test_choosing import _outcome_post, record_on_anticoagulant  # noqa: F401 (a fixture)


def test_the_withheld_reason_follows_the_readers_language(
    alice: Any,
    bob_client: Client,
    record_on_anticoagulant: AssessmentRecord,  # noqa: F811
) -> None:
    url = f"/clinic/assessments/{record_on_anticoagulant.pk}/outcome/"
    steps = ["exercise_program", "anti_inflammatory_medication"]
    reason = "Topical gel only, agreed with her haematologist"
    assert bob_client.post(url, _outcome_post(steps, withheld_reason=reason)).status_code == 302
    actions.set_language(user=alice, language="es")
    patient = Client()
    patient.force_login(alice)
    result = patient.get(f"/assessments/{record_on_anticoagulant.pk}/").content.decode()
    assert "anticoagulante" in result  # the rule's reason, in Spanish
    assert "blood thinner" not in result  # not the English recorded by the clinician
