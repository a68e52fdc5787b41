"""Issue 22 item 1: the warning signs before sign-up. A visitor answers with no account; an
emergency stops at once (the engine's screen_partial), the rest gives the engine's answer, and
signing up or logging in carries the answers into her draft (nothing asked twice)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from upperback.web.records.models import AssessmentRecord, IntakeDraft
from upperback.web.records.visitor import SESSION_KEY

SAFETY = {"age": "34", "sex": "female", "intensity_now": "4", "duration_days": "21"}
QUIET_STEPS = ["pain", "symptoms", "history", "treatments", "function", "work"]


def _answer_all(client: Client) -> Any:
    response = client.post("/check/safety/", {**SAFETY, "go": "next"})
    assert response.status_code == 302, response.content
    assert response["Location"] == "/check/pain/"
    for step in QUIET_STEPS:
        # (the screening lists need an explicit "none of these": issue 20)
        nothing = {"symptoms_none": "on", "history_none": "on", "medications_none": "on"}
        response = client.post(f"/check/{step}/", {"go": "next", "regions": "neck_base", **nothing})
        assert response.status_code == 302, (step, response.content[:2000])
    assert response["Location"] == "/check/result/"
    return response


@pytest.mark.django_db
def test_the_home_page_asks_the_warning_signs_and_names_tearing_pain() -> None:
    page = Client().get("/").content.decode()
    assert 'action="/check/safety/"' in page
    assert "Sudden tearing or ripping pain" in page  # the step's own box
    assert "tearing or ripping pain in the back or chest" in page  # the emergencies named


@pytest.mark.django_db
def test_one_emergency_answer_stops_at_once_with_no_account() -> None:
    client = Client()
    response = client.post("/check/safety/", {"signs": ["character:tearing_or_ripping"]})
    assert response.status_code == 302
    assert response["Location"] == "/check/call-911/"
    page = client.get("/check/call-911/").content.decode()
    assert 'href="tel:911"' in page
    # and the later steps cannot go around it
    assert client.get("/check/pain/")["Location"] == "/check/call-911/"
    # a box ticked by mistake: the visitor may start again (as a patient starts a new draft)
    assert 'action="/check/forget/"' in page
    client.post("/check/forget/")
    assert client.get("/check/pain/")["Location"] == "/check/safety/"


@pytest.mark.django_db
def test_a_blank_step_is_refused_with_its_fields_named() -> None:
    response = Client().post("/check/safety/", {"go": "next"})
    assert response.status_code == 200
    assert "Please correct the answers marked below." in response.content.decode()


@pytest.mark.django_db
def test_later_steps_wait_for_the_warning_signs() -> None:
    assert Client().get("/check/work/")["Location"] == "/check/safety/"


@pytest.mark.django_db
def test_the_visitor_sees_the_engines_answer_and_nothing_is_stored() -> None:
    client = Client()
    _answer_all(client)
    page = client.get("/check/result/").content.decode()
    assert "Create an account to keep it" in page
    assert 'id="triage-title"' in page
    assert AssessmentRecord.objects.count() == 0
    assert IntakeDraft.objects.count() == 0


@pytest.mark.django_db
def test_logging_in_carries_the_answers_into_a_draft(alice: Any) -> None:
    client = Client()
    _answer_all(client)
    client.force_login(alice)
    draft = IntakeDraft.objects.get(patient=alice)
    assert draft.answers["age"] == 34
    assert set(draft.completed_steps) == {"safety", *QUIET_STEPS}
    assert SESSION_KEY not in client.session
    # the wizard resumes at "check and send": nothing asked twice
    response = client.get("/intake/")
    assert response["Location"] == f"/intake/{draft.pk}/review/"
    response = client.post(f"/intake/{draft.pk}/review/")
    assert response.status_code == 302
    assert AssessmentRecord.objects.filter(patient=alice).count() == 1


@pytest.mark.django_db
def test_an_emergency_visit_is_not_carried_into_a_draft(alice: Any) -> None:
    client = Client()
    client.post("/check/safety/", {"signs": ["character:tearing_or_ripping"]})
    client.force_login(alice)
    assert not IntakeDraft.objects.filter(patient=alice).exists()


@pytest.mark.django_db
def test_forget_clears_the_answers() -> None:
    client = Client()
    client.post("/check/safety/", {**SAFETY, "go": "next"})
    client.post("/check/forget/")
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_urgent_advice_needs_no_account() -> None:
    from upperback.web.records.demo_intakes import BY_TRIAGE
    from upperback.web.records.forms import STEP_NAMES

    client = Client()
    session = client.session
    answers = {k: v for k, v in BY_TRIAGE["urgent"].items() if k != "contract"}
    session[SESSION_KEY] = {"answers": answers, "done": list(STEP_NAMES), "stopped": False}
    session.save()
    response = client.get("/check/result/")
    assert response.status_code == 200
    assert response.context["triage"] == "urgent"  # the engine's word, shown as it is
    assert 'class="triage triage-urgent"' in response.content.decode()


@pytest.mark.django_db
def test_signing_up_carries_the_answers_into_the_new_accounts_draft(mailoutbox: Any) -> None:
    import re

    from upperback.web.accounts.models import User

    client = Client()
    _answer_all(client)
    client.post("/accounts/signup/", {"email": "new@example.com", "first_name": "Ana"})
    link = re.search(r"/accounts/signup/confirm/\S+/", mailoutbox[-1].body)
    assert link is not None
    password = "a-long-enough-passphrase-42"
    response = client.post(link.group(0), {"password1": password, "password2": password})
    assert response.status_code == 302, response.content[:3000]
    user = User.objects.get(email="new@example.com")
    draft = IntakeDraft.objects.get(patient=user)
    assert draft.answers["age"] == 34
    assert client.get("/intake/")["Location"] == f"/intake/{draft.pk}/review/"


def _follow_up_post(paths: list[str], intake: dict[str, Any]) -> dict[str, Any]:
    from upperback.web.records.draft_answers import initial_of
    from upperback.web.records.forms import follow_up_questions

    return {**initial_of(intake, follow_up_questions(paths)), "go": "next"}


@pytest.mark.django_db
def test_the_visitor_is_asked_the_engines_follow_ups_as_a_patient_is(alice: Any) -> None:
    """Nausea may be the heart's: the engine asks back (with meals? with exertion?). A visitor
    is asked too, before her answer, and the questions asked go with her into her draft."""
    from upperback.clinical import follow_ups

    client = Client()
    assert client.post("/check/safety/", {**SAFETY, "go": "next"})["Location"] == "/check/pain/"
    client.post("/check/pain/", {"go": "next", "regions": "neck_base"})
    asked = client.post("/check/symptoms/", {"go": "next", "symptoms": "nausea"})
    assert asked["Location"] == "/check/follow_up/"
    page = client.get("/check/follow_up/").content.decode()
    assert "A few more questions about your answers" in page
    paths = follow_ups({"symptoms": ["nausea"]})
    assert paths
    # The answer waits for the questions, whatever the visitor types in the address bar.
    for step in QUIET_STEPS[2:]:
        nothing = {"history_none": "on", "medications_none": "on"}
        client.post(f"/check/{step}/", {"go": "next", **nothing})
    assert client.get("/check/result/")["Location"] == "/check/follow_up/"
    intake = {"symptoms": ["nausea"], "nausea": {"with_meals": True, "with_exertion": False}}
    answered = client.post("/check/follow_up/", _follow_up_post(paths, intake))
    assert answered.status_code == 302 and answered["Location"] != "/check/follow_up/"
    held = client.session[SESSION_KEY]
    assert held["answers"]["nausea"]["with_meals"] is True
    assert all(f"asked:{p}" in held["done"] for p in paths)
    assert client.get("/check/result/").status_code == 200
    # Logging in carries the asked questions too: the wizard does not ask them again.
    client.force_login(alice)
    draft = IntakeDraft.objects.get(patient=alice)
    assert all(f"asked:{p}" in draft.completed_steps for p in paths)
    assert draft.answers["nausea"]["with_meals"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nausea", "emergency"),
    [
        ({"with_meals": False, "with_exertion": True, "flank_or_urine": False}, True),
        ({"with_meals": True, "with_exertion": False, "flank_or_urine": False}, False),
    ],
    ids=["with exertion", "with meals"],
)
def test_a_follow_up_answer_that_makes_an_emergency_stops_the_visitor_at_once(
    nausea: dict[str, bool], emergency: bool
) -> None:
    """Two days of pain between the shoulder blades with nausea, at 58: the engine asks back.
    Nausea with exertion and not with meals makes it an emergency (the call-911 page at once,
    as in the wizard); with meals it does not. Before, a visitor was never asked, and the
    screen saw no emergency."""
    from upperback.clinical import follow_ups, screen_partial

    client = Client()
    acute = {"age": "58", "sex": "male", "intensity_now": "5", "duration_days": "2"}
    client.post("/check/safety/", {**acute, "go": "next"})
    client.post("/check/pain/", {"go": "next", "regions": "between_shoulder_blades"})
    asked = client.post("/check/symptoms/", {"go": "next", "symptoms": "nausea"})
    assert asked["Location"] == "/check/follow_up/"
    answers = dict(client.session[SESSION_KEY]["answers"])
    assert not screen_partial(answers).emergency  # unasked, the screen saw none
    paths = follow_ups(answers)
    given = {**answers, "nausea": nausea}
    assert screen_partial(given).emergency is emergency  # the engine's word, pinned
    answered = client.post("/check/follow_up/", _follow_up_post(paths, given))
    assert (answered["Location"] == "/check/call-911/") is emergency
