"""The security review's walk: every URL the site serves, for the whole cast (anonymous, Alice
the patient who owns the objects, Carol another patient, Dr Bob the clinician), against a
table of what each may get. A URL pattern missing from the table fails the suite, so a new
page cannot arrive unprotected without someone deciding who may reach it.

Also here: CSRF on forms and on the session-authenticated API, open redirects, password reset
that does not reveal accounts, the production settings, audit rows of clinician views."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from upperback.clinical.contract import Intake
from upperback.web.clinic import actions as clinic_actions
from upperback.web.clinic import setup
from upperback.web.clinic.models import Clinician
from upperback.web.clinic.slots import find_slots
from upperback.web.media import actions as media_actions
from upperback.web.messaging import actions as messaging_actions
from upperback.web.messaging.policy import unsubscribe_token
from upperback.web.records import actions
from upperback.web.records.models import AuditEvent

pytestmark = pytest.mark.django_db

CAST = ("anonymous", "alice", "carol", "bob")
LOGIN = "login"  # expected: a redirect to the login page
ADMIN_LOGIN = "admin-login"


def new_audit_rows() -> Any:
    """The audit rows written from now on (the log is append-only: no row is ever deleted)."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return AuditEvent.objects.filter(pk__gt=last)


@pytest.fixture
def world(
    alice: Any,
    bob: Any,
    carol: Any,
    desk_worker: dict[str, Any],
    shared_data: Path,
    settings: Any,
    tmp_path: Path,
) -> dict[str, Any]:
    """Alice's objects of every kind, and Dr Bob's calendar, all through the actions."""
    settings.MEDIA_ROOT = tmp_path / "media"
    record = actions.record_assessment(patient=alice, intake=Intake.model_validate(desk_worker))
    draft = actions.start_draft(patient=alice)
    actions.save_draft_step(draft=draft, step="safety", answers={"age": 34, "sex": "female"})
    location = setup.create_location(
        name="Test Spine Clinic",
        address="1 Main St",
        time_zone="America/Los_Angeles",
        phone="+1 310 555 0100",
    )
    kind = setup.create_appointment_type(
        code="consult",
        name="New spine consultation",
        duration_minutes=60,
        specialties=["physiatrist"],
    )
    clinician = setup.create_clinician(
        name="Dr. Bob Nguyen", specialty="physiatrist", credentials="MD", user=bob
    )
    setup.add_working_hours(
        clinician=clinician,
        location=location,
        weekdays=[0, 1, 2, 3, 4],
        starts=dt.time(8),
        ends=dt.time(17),
    )
    now = timezone.now()
    slot = find_slots(
        appointment_type=kind,
        clinician_id=clinician.pk,
        start=now + dt.timedelta(days=3),
        end=now + dt.timedelta(days=17),
    )[0]
    appointment = clinic_actions.book(
        patient=alice,
        clinician=clinician,
        location=location,
        appointment_type=kind,
        starts_at=slot.starts_at,
        assessment=record,
    )
    photo = shared_data / "photos/markers_side.jpg"
    upload = media_actions.save_upload(
        patient=alice,
        uploaded=SimpleUploadedFile(photo.name, photo.read_bytes()),
        kind="photo",
        view="side",
    )
    thread = messaging_actions.start_thread(patient=alice, subject="A question", body="Stiff?")
    with_photo = messaging_actions.post_message(
        thread=thread,
        author=alice,
        body="Here is a photo",
        photo=SimpleUploadedFile(photo.name, photo.read_bytes()),
    )
    return {
        "thread": thread.pk,
        "photo_message": with_photo.pk,
        "unsubscribe": unsubscribe_token(alice.pk),
        "assessment": record.pk,
        "draft": draft.pk,
        "appointment": appointment.pk,
        "upload": upload.pk,
        "patient": alice.pk,
        "token": clinician.feed_token,
        "clinician": clinician,
        "record": record,
    }


@pytest.fixture
def clients(
    alice_client: Client, carol_client: Client, bob_client: Client, anonymous: Client
) -> dict[str, Client]:
    return {"anonymous": anonymous, "alice": alice_client, "carol": carol_client, "bob": bob_client}


def _all(status: Any) -> dict[str, Any]:
    return dict.fromkeys(CAST, status)


def _private(alice: Any, carol: Any, bob: Any) -> dict[str, Any]:
    return {"anonymous": LOGIN, "alice": alice, "carol": carol, "bob": bob}


PUBLIC = _all(200)
ONLY_POST = {"anonymous": LOGIN, "alice": 405, "carol": 405, "bob": 405}
OWN_LIST = _private(200, 200, 200)  # each sees only her own (tested below and elsewhere)
ALICES = _private(200, 404, 200)  # Alice's object: Carol 404, the clinician sees it
ALICES_ONLY = _private(200, 404, 404)  # drafts, cancel, reschedule: the patient's own
STAFF_ONLY = _private(404, 404, 200)
API_OWN_LIST = {"anonymous": 401, "alice": 200, "carol": 200, "bob": 200}
API_ALICES = {"anonymous": 401, "alice": 200, "carol": 404, "bob": 200}

# route name -> (path built from the world, expected GET answer per member of the cast)
TABLE: dict[str, tuple[str, dict[str, Any]]] = {
    "home": ("/", PUBLIC),
    "signup": ("/accounts/signup/", {"anonymous": 200, "alice": 302, "carol": 302, "bob": 302}),
    "signup_sent": ("/accounts/signup/sent/", PUBLIC),
    "signup_confirm": (
        "/accounts/signup/confirm/bad-token/",
        {"anonymous": 200, "alice": 302, "carol": 302, "bob": 302},
    ),
    "switch_language": ("/accounts/language/", _all(405)),
    "phone": ("/accounts/phone/", OWN_LIST),  # each her own number
    "set_language": ("/i18n/setlang/", _all(302)),  # a GET changes nothing
    "login": ("/accounts/login/", PUBLIC),
    "logout": ("/accounts/logout/", _all(405)),
    # Staff only; Dr Bob has passed it already, so it sends him on (tests/web/accounts).
    "two_factor": ("/accounts/two-factor/", _private(404, 404, 302)),
    # The set-up link: staff only; enrolled already, Dr Bob is sent on.
    "two_factor_enrol_link": ("/accounts/two-factor/enrol/MQ/bad-token/", _private(404, 404, 302)),
    "password_reset": ("/accounts/password-reset/", PUBLIC),
    "password_reset_done": ("/accounts/password-reset/sent/", PUBLIC),
    "password_reset_confirm": ("/accounts/reset/MQ/bad-token/", PUBLIC),
    "password_reset_complete": ("/accounts/reset/done/", PUBLIC),
    "records:intake": ("/intake/", _private(302, 302, 302)),
    # A visitor's intake (issue 22): open to anyone with no account, her answers in her own
    # session; someone logged in is sent to her own wizard.
    "records:visitor_step": (
        "/check/safety/",
        {"anonymous": 200, "alice": 302, "carol": 302, "bob": 302},
    ),
    "records:visitor_emergency": ("/check/call-911/", _all(302)),
    "records:visitor_result": ("/check/result/", _all(302)),
    "records:visitor_forget": ("/check/forget/", _all(405)),
    "records:intake_new": ("/intake/new/", ONLY_POST),
    "records:intake_review": ("/intake/{draft}/review/", _private(302, 404, 404)),
    "records:intake_emergency": ("/intake/{draft}/call-911/", _private(302, 404, 404)),
    "records:intake_step": ("/intake/{draft}/safety/", ALICES_ONLY),
    "records:my_assessments": ("/assessments/", OWN_LIST),
    "records:result": ("/assessments/{assessment}/", ALICES),
    "records:intake_reopen": ("/assessments/{assessment}/answer/pain/", ONLY_POST),
    "records:progress": ("/progress/", OWN_LIST),
    # Her own report of her latest assessment: Carol has none yet, Dr Bob is no patient.
    "records:my_report": ("/progress/report.pdf", _private(200, 404, 404)),
    "records:queue": ("/clinic/queue/", STAFF_ONLY),
    "records:review": ("/clinic/assessments/{assessment}/", STAFF_ONLY),
    # The clinic's FHIR download of Alice's record; a patient has her own in the API.
    "records:fhir_export": ("/clinic/patients/{patient}/fhir.json", STAFF_ONLY),
    "records:consultation_report": ("/clinic/assessments/{assessment}/report.pdf", STAFF_ONLY),
    "clinic:book_for_assessment": ("/consultations/assessment/{assessment}/", ALICES),
    "clinic:search": ("/consultations/search/", OWN_LIST),
    "clinic:book": ("/consultations/book/", ONLY_POST),
    "clinic:my_appointments": ("/appointments/", OWN_LIST),
    "clinic:appointment": ("/appointments/{appointment}/", ALICES),
    "clinic:appointment_ics": ("/appointments/{appointment}/appointment.ics", ALICES),
    "clinic:cancel": ("/appointments/{appointment}/cancel/", ONLY_POST),
    "clinic:reschedule": ("/appointments/{appointment}/reschedule/", ALICES_ONLY),
    "clinic:calendar": ("/clinic/calendar/", STAFF_ONLY),
    "clinic:attendance": ("/clinic/appointments/{appointment}/attendance/", ONLY_POST),
    "clinic:clinic_cancel": ("/clinic/appointments/{appointment}/cancel/", ONLY_POST),
    "clinic:feed_settings": ("/clinic/feed/", STAFF_ONLY),
    # The token is the secret (no session: calendar programs fetch it); a wrong one is a 404.
    "clinic:feed": ("/clinic/feed/{token}.ics", PUBLIC),
    "media:upload": ("/camera/upload/", _private(200, 200, 404)),
    "media:mine": ("/camera/", OWN_LIST),
    "media:patient": ("/camera/patient/{patient}/", ALICES),
    "media:detail": ("/camera/{upload}/", ALICES),
    "media:points": ("/camera/{upload}/points/", ONLY_POST),
    "media:file": ("/camera/{upload}/file/original/", ALICES),
    "choosing:options": ("/assessments/{assessment}/options/", ALICES),
    "choosing:outcome": ("/clinic/assessments/{assessment}/outcome/", STAFF_ONLY),
    "choosing:concordance": ("/clinic/concordance/", STAFF_ONLY),
    "media:live": ("/camera/live/biceps_curl/", _private(200, 200, 404)),  # patients, herself
    "media:live_faces": ("/camera/live-faces/", OWN_LIST),  # the live page's frame: no data
    "api:openapi-json": ("/api/v1/openapi.json", PUBLIC),
    "api:openapi-view": ("/api/v1/docs", PUBLIC),
    "api:api-root": ("/api/v1/", _all(404)),
    "api:assess_intake": ("/api/v1/assess", _all(405)),
    "api:list_assessments": ("/api/v1/assessments", API_OWN_LIST),
    "api:create_assessment": ("/api/v1/assessments", API_OWN_LIST),
    "api:get_assessment": ("/api/v1/assessments/{assessment}", API_ALICES),
    "api:list_intakes": ("/api/v1/intakes", API_OWN_LIST),
    "api:get_intake": ("/api/v1/intakes/{assessment}", API_ALICES),
    "api:export_fhir": ("/api/v1/export/fhir", API_OWN_LIST),  # each her own record
    "api:get_draft": ("/api/v1/drafts/{draft}", {**API_ALICES, "bob": 404}),
    "api:live_set": ("/api/v1/live-sets", _all(405)),  # POST only (tests/web/media/test_live.py)
    # Messages (tests/web/messaging): the patient's threads; staff with the second factor.
    "messaging:mine": ("/messages/", _private(200, 200, 302)),  # staff: to the inbox
    "messaging:new": ("/messages/new/", _private(200, 200, 404)),  # patients, herself
    "messaging:preferences": ("/messages/settings/", _private(200, 200, 404)),
    # The signed token is the key (mail clients POST without a session); a GET only asks.
    "messaging:unsubscribe": ("/messages/unsubscribe/{unsubscribe}/", PUBLIC),
    "messaging:thread": ("/messages/{thread}/", ALICES),
    "messaging:assign": ("/messages/{thread}/assign/", ONLY_POST),
    "messaging:photo": ("/messages/photos/{photo_message}/", ALICES),
    "messaging:inbox": ("/clinic/messages/", STAFF_ONLY),
    "messaging:waiting": ("/clinic/messages/waiting/", STAFF_ONLY),
    "api:list_threads": ("/api/v1/threads", {**API_OWN_LIST, "bob": 404}),
    "api:create_thread": ("/api/v1/threads", {**API_OWN_LIST, "bob": 404}),
    "api:get_thread": ("/api/v1/threads/{thread}", {**API_ALICES, "bob": 404}),
    "api:post_message": ("/api/v1/threads/{thread}/messages", _all(405)),  # POST only
    # Probes and metrics: no session, no patient data (tests/web/ops). No worker runs here,
    # so not ready; metrics answer loopback (the test client) or a bearer token.
    "healthz": ("/healthz", PUBLIC),
    "readyz": ("/readyz", _all(503)),
    "metrics": ("/metrics", PUBLIC),
}

# The admin is Django's: staff only, behind its own login. Patients and visitors get its
# login page for every admin URL; a clinician without permissions sees no patient data.
ADMIN_SAMPLES = [
    "/admin/",
    "/admin/records/assessmentrecord/",
    "/admin/records/assessmentrecord/{assessment}/change/",
    "/admin/records/intakedraft/{draft}/change/",
    "/admin/records/auditevent/",
    "/admin/clinic/appointment/{appointment}/change/",
    "/admin/accounts/user/{patient}/change/",
]


def _names(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (
                (f"{namespace}:{pattern.name}" if namespace else str(pattern.name)),
                str(pattern.pattern),
            )


def test_every_url_pattern_has_an_entry_in_the_table() -> None:
    missing = [
        (name, route)
        for name, route in _names(get_resolver().url_patterns)
        if not name.startswith("admin:") and name not in TABLE
    ]
    assert missing == [], f"decide who may reach these, then add them to TABLE: {missing}"


def _alices_links(world: dict[str, Any]) -> list[str]:
    """Addresses that would give away the ids of Alice's objects."""
    return [
        f"/assessments/{world['assessment']}/",
        f"/intake/{world['draft']}/",
        f"/appointments/{world['appointment']}/",
        f"/camera/{world['upload']}/",
        f"/camera/patient/{world['patient']}/",
    ]


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _check(response: Any, expected: Any, url: str, who: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, (url, who, response.status_code)
        assert response["Location"].startswith("/accounts/login/"), (url, who)
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, (url, who, response.status_code)
        assert response["Location"].startswith("/admin/login/"), (url, who)
    else:
        assert response.status_code == expected, (url, who, response.status_code)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_url_answers_each_member_of_the_cast_as_the_table_says(
    name: str, world: dict[str, Any], clients: dict[str, Client]
) -> None:
    template, expected = TABLE[name]
    url = template.format(**world)
    for who in CAST:
        response = clients[who].get(url)
        _check(response, expected[who], url, who)
        body = _body(response)  # (reading a served file to its end closes it)
        if who == "carol" and response.status_code == 200 and name != "clinic:feed":
            # (the feed answers whoever holds Dr Bob's secret token: it is his, not Carol's)
            assert b"alice@example.com" not in body, (url, "Alice's email shown to Carol")
            for link in _alices_links(world):
                assert link.encode() not in body, (url, f"Alice's {link} shown to Carol")


def test_the_admin_is_closed_to_visitors_and_patients_and_shows_a_clinician_nothing(
    world: dict[str, Any], clients: dict[str, Client]
) -> None:
    for template in ADMIN_SAMPLES:
        url = template.format(**world)
        for who in ("anonymous", "alice", "carol"):
            _check(clients[who].get(url), ADMIN_LOGIN, url, who)
        answer = clients["bob"].get(url)
        assert answer.status_code in (200, 302, 403), url
        assert b"alice@example.com" not in answer.content, url


def test_a_clinician_without_the_second_factor_reaches_no_page_but_the_open_ones(
    world: dict[str, Any], bob: Any
) -> None:
    """After the password only, every page but login, logout, language and password reset
    sends Dr Bob to the second factor (the API answers 403); so do the admin's pages."""
    from upperback.web.accounts.second_factor import OPEN_VIEWS

    unverified = Client()
    assert (
        unverified.post(
            "/accounts/login/", {"username": bob.email, "password": "correct-horse-battery-9"}
        ).status_code
        == 302
    )
    AuditEvent.objects.all().delete()
    urls = [(name, template.format(**world)) for name, (template, _) in TABLE.items()]
    urls += [("admin", template.format(**world)) for template in ADMIN_SAMPLES]
    for name, url in urls:
        if name in OPEN_VIEWS:  # (a POST here would log him out or change his language)
            assert b"alice@example.com" not in unverified.get(url).content, url
            continue
        for answer in (unverified.get(url), unverified.post(url, {"status": "completed"})):
            if url.startswith("/api/"):
                assert answer.status_code == 403, (url, answer.status_code)
            else:
                assert answer.status_code == 302, (url, answer.status_code)
                assert answer["Location"].startswith("/accounts/two-factor/?next="), url
    assert not AuditEvent.objects.exists()  # no patient's record was opened


def test_another_patients_posts_are_404_and_change_nothing(
    world: dict[str, Any], carol_client: Client
) -> None:
    from upperback.web.clinic.models import Appointment, Status
    from upperback.web.media.models import MediaUpload

    posts = [
        (f"/appointments/{world['appointment']}/cancel/", {}),
        (f"/appointments/{world['appointment']}/reschedule/", {}),
        (f"/clinic/appointments/{world['appointment']}/attendance/", {"status": "completed"}),
        (
            f"/camera/{world['upload']}/points/",
            {"tragus_x": 1, "tragus_y": 1, "c7_x": 2, "c7_y": 2},
        ),
        (
            f"/clinic/assessments/{world['assessment']}/",
            {"new_triage": "urgent", "reason": "probe"},
        ),
        (f"/intake/{world['draft']}/review/", {}),
        (f"/assessments/{world['assessment']}/answer/pain/", {}),
        (f"/messages/{world['thread']}/", {"body": "probe"}),
        (f"/messages/{world['thread']}/assign/", {"clinician": ""}),
    ]
    for url, data in posts:
        assert carol_client.post(url, data).status_code == 404, url
    assert Appointment.objects.get(pk=world["appointment"]).status == Status.BOOKED
    assert MediaUpload.objects.get(pk=world["upload"]).points == {}
    assert world["record"].overrides.count() == 0


# --- Audit: every view of a patient's record by a clinician leaves a row naming her ---------

CLINICIAN_VIEWS = {
    "queue": "/clinic/queue/",
    "review": "/clinic/assessments/{assessment}/",
    "result": "/assessments/{assessment}/",
    "calendar": "/clinic/calendar/?view=week&date={day}",
    "appointment": "/appointments/{appointment}/",
    "appointment .ics": "/appointments/{appointment}/appointment.ics",
    "offer": "/consultations/assessment/{assessment}/",
    "camera list": "/camera/patient/{patient}/",
    "camera detail": "/camera/{upload}/",
    "camera file": "/camera/{upload}/file/original/",
    "api assessment": "/api/v1/assessments/{assessment}",
    "messages thread": "/messages/{thread}/",
    "messages photo": "/messages/photos/{photo_message}/",
    "messages inbox": "/clinic/messages/",
    "messages waiting": "/clinic/messages/waiting/",
}


@pytest.mark.parametrize("kind", sorted(CLINICIAN_VIEWS))
def test_a_clinicians_view_of_a_patient_writes_an_audit_row_naming_her(
    kind: str, world: dict[str, Any], bob: Any, alice: Any, bob_client: Client
) -> None:
    from upperback.web.clinic.models import Appointment

    appointment = Appointment.objects.get(pk=world["appointment"])
    day = appointment.starts_at.astimezone(appointment.location.zone).date().isoformat()
    events = new_audit_rows()
    url = CLINICIAN_VIEWS[kind].format(day=day, **world)
    response = bob_client.get(url)
    _body(response)
    assert response.status_code == 200, url
    assert events.filter(actor=bob, patient=alice, outcome="allowed").exists(), kind


def test_an_appointment_view_is_audited_under_the_appointment(
    world: dict[str, Any],
    bob: Any,
    alice: Any,
    carol: Any,
    bob_client: Client,
    carol_client: Client,
) -> None:
    events = new_audit_rows()
    bob_client.get(f"/appointments/{world['appointment']}/")
    carol_client.get(f"/appointments/{world['appointment']}/")
    rows = {(e.actor_id, e.patient_id, e.object_type, e.object_id, e.outcome) for e in events.all()}
    assert rows == {
        (bob.pk, alice.pk, "Appointment", str(world["appointment"]), "allowed"),
        (carol.pk, alice.pk, "Appointment", str(world["appointment"]), "refused"),
    }


def test_reopening_another_patients_answers_is_a_refusal_in_the_log(
    world: dict[str, Any],
    alice: Any,
    carol: Any,
    bob: Any,
    carol_client: Client,
    bob_client: Client,
) -> None:
    from upperback.web.records.models import IntakeDraft

    events = new_audit_rows()
    drafts = IntakeDraft.objects.count()
    url = f"/assessments/{world['assessment']}/answer/pain/"
    assert carol_client.post(url).status_code == 404
    assert bob_client.post(url).status_code == 404  # the clinic reads it; only she reopens it
    assert events.filter(
        actor=carol, patient=alice, action="intake.reopen", outcome="refused"
    ).exists()
    assert IntakeDraft.objects.count() == drafts


def test_changes_by_anyone_but_the_appointments_keeper_are_refusals_in_the_log(
    world: dict[str, Any],
    alice: Any,
    bob: Any,
    alice_client: Client,
    bob_client: Client,
) -> None:
    other = actions.create_clinician(email="dr.eve@example.com", password="x")
    setup.create_clinician(name="Dr. Eve", specialty="physiatrist", credentials="MD", user=other)
    eve = Client()
    eve.force_login(other)
    attendance = f"/clinic/appointments/{world['appointment']}/attendance/"
    cancel = f"/appointments/{world['appointment']}/cancel/"
    events = new_audit_rows()
    assert alice_client.post(attendance, {"status": "completed"}).status_code == 404
    assert eve.post(attendance, {"status": "completed"}).status_code == 404
    assert bob_client.post(cancel).status_code == 404
    assert bob_client.post(attendance, {"status": "completed"}).status_code == 302
    rows = {(e.actor_id, e.action, e.outcome) for e in events.all()}
    assert rows == {
        (alice.pk, "clinic.attendance", "refused"),
        (other.pk, "clinic.attendance", "refused"),
        (bob.pk, "clinic.appointment.cancel", "refused"),
        (bob.pk, "clinic.attendance", "allowed"),
    }


def test_a_new_intake_is_started_by_a_post_only(alice: Any, alice_client: Client) -> None:
    from upperback.web.records.models import IntakeDraft

    assert alice_client.get("/intake/new/").status_code == 405
    assert _csrf_client(alice).post("/intake/new/").status_code == 403
    assert not IntakeDraft.objects.exists()
    assert alice_client.post("/intake/new/").status_code == 302
    assert IntakeDraft.objects.filter(patient=alice).count() == 1


def test_the_queue_audits_each_patient_it_shows(
    world: dict[str, Any],
    bob: Any,
    alice: Any,
    carol: Any,
    bob_client: Client,
    desk_worker: dict[str, Any],
) -> None:
    carols = actions.record_assessment(patient=carol, intake=Intake.model_validate(desk_worker))
    events = new_audit_rows()
    assert bob_client.get("/clinic/queue/").status_code == 200
    rows = events.filter(actor=bob, action="queue.read").exclude(patient=None)
    assert {(r.patient_id, r.object_id) for r in rows} == {
        (alice.pk, str(world["assessment"])),
        (carol.pk, str(carols.pk)),
    }


def test_the_feed_audits_each_patient_and_names_none(
    world: dict[str, Any], bob: Any, alice: Any, anonymous: Client
) -> None:
    import icalendar

    events = new_audit_rows()
    response = anonymous.get(f"/clinic/feed/{world['token']}.ics")
    assert response.status_code == 200
    assert events.filter(actor=bob, patient=alice, action="clinic.feed").exists()
    body = response.content.decode()
    assert "alice" not in body.lower()  # no name, no email in a third-party calendar
    assert world["record"].assessment["consult"]["because"][:20] not in body
    event = icalendar.Calendar.from_ical(response.content).events[0]
    assert str(event["url"]).endswith(f"/appointments/{world['appointment']}/")
    assert response["Cache-Control"] == "private, no-store"


def test_the_feed_token_is_long_compared_in_constant_time_and_rotatable(
    world: dict[str, Any],
    bob_client: Client,
    anonymous: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hmac

    from upperback.web.clinic import views_staff

    token = world["token"]
    assert len(token) >= 43  # 32 random bytes, URL-safe
    compared: list[bytes] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr(views_staff.hmac, "compare_digest", spy)
    assert anonymous.get(f"/clinic/feed/{token[:-1]}x.ics").status_code == 404
    assert compared == [f"{token[:-1]}x".encode()]
    bob_client.post("/clinic/feed/")
    assert anonymous.get(f"/clinic/feed/{token}.ics").status_code == 404
    fresh = Clinician.objects.get(pk=world["clinician"].pk).feed_token
    assert fresh != token and anonymous.get(f"/clinic/feed/{fresh}.ics").status_code == 200


def test_a_deactivated_clinicians_feed_stops(
    world: dict[str, Any], bob: Any, anonymous: Client
) -> None:
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert anonymous.get(f"/clinic/feed/{world['token']}.ics").status_code == 404


# --- CSRF ---------------------------------------------------------------------------------


def _csrf_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_every_form_post_without_a_csrf_token_is_refused(
    world: dict[str, Any], alice: Any, bob: Any
) -> None:
    patient, staff = _csrf_client(alice), _csrf_client(bob)
    for client, url in [
        (patient, "/accounts/language/"),
        (patient, "/accounts/logout/"),
        (patient, "/consultations/book/"),
        (patient, f"/appointments/{world['appointment']}/cancel/"),
        (patient, f"/appointments/{world['appointment']}/reschedule/"),
        (patient, f"/intake/{world['draft']}/safety/"),
        (patient, f"/intake/{world['draft']}/review/"),
        (patient, "/progress/"),
        (patient, "/camera/upload/"),
        (patient, "/messages/new/"),
        (patient, f"/messages/{world['thread']}/"),
        (patient, "/messages/settings/"),
        (staff, f"/messages/{world['thread']}/assign/"),
        (staff, f"/clinic/assessments/{world['assessment']}/"),
        (staff, f"/clinic/appointments/{world['appointment']}/attendance/"),
        (staff, "/clinic/feed/"),
        (staff, f"/camera/{world['upload']}/points/"),
        (Client(enforce_csrf_checks=True), "/accounts/login/"),
        (Client(enforce_csrf_checks=True), "/accounts/signup/"),
        (Client(enforce_csrf_checks=True), "/accounts/password-reset/"),
    ]:
        assert client.post(url, {}).status_code == 403, url


def test_the_session_api_refuses_a_post_without_a_csrf_token(
    alice: Any, desk_worker: dict[str, Any]
) -> None:
    from upperback.web.records.models import AssessmentRecord

    response = _csrf_client(alice).post(
        "/api/v1/assessments", json.dumps(desk_worker), content_type="application/json"
    )
    assert response.status_code == 403
    assert not AssessmentRecord.objects.exists()


def test_the_stateless_assess_needs_no_token_nor_account_and_stores_nothing(
    alice: Any, desk_worker: dict[str, Any]
) -> None:
    from upperback.web.records.models import AssessmentRecord

    for client in (Client(enforce_csrf_checks=True), _csrf_client(alice)):
        response = client.post(
            "/api/v1/assess", json.dumps(desk_worker), content_type="application/json"
        )
        assert response.status_code == 200
        assert response.json()["triage"]
    assert not AssessmentRecord.objects.exists()
    assert not AuditEvent.objects.exists()


# --- Redirects, password reset ------------------------------------------------------------

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example", "https:evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_login_does_not_redirect_off_site(target: str, alice: Any) -> None:
    response = Client().post(
        "/accounts/login/",
        {"username": alice.email, "password": "correct-horse-battery-9", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_does_not_redirect_off_site(
    target: str, alice_client: Client, anonymous: Client
) -> None:
    for client in (alice_client, anonymous):
        response = client.post("/accounts/language/", {"language": "es", "next": target})
        assert "evil.example" not in response.get("Location", ""), target
        response = client.post(
            "/i18n/setlang/", {"language": "es", "next": target}, HTTP_REFERER=target
        )
        assert "evil.example" not in response.get("Location", ""), target


@pytest.mark.parametrize("target", EVIL)
def test_logout_does_not_redirect_off_site(target: str, alice_client: Client) -> None:
    response = alice_client.post("/accounts/logout/", {"next": target})
    assert "evil.example" not in response.get("Location", ""), target


def test_pages_forbid_framing_and_sniffing_and_keep_urls_on_the_site(
    alice_client: Client,
) -> None:
    response = alice_client.get("/assessments/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert alice_client.session.get_expire_at_browser_close()


@pytest.fixture
def empty_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _log_in(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_wrong_passwords_are_throttled_per_address_known_or_not(
    alice: Any, carol: Any, empty_cache: None
) -> None:
    right = "correct-horse-battery-9"
    for email in (alice.email, "nobody@example.com"):
        for _ in range(10):
            assert _log_in(Client(), email, "guess").status_code == 200
        refused = _log_in(Client(), email, right)
        assert refused.status_code == 200
        assert "Too many wrong passwords for this address" in refused.content.decode()
    assert _log_in(Client(), carol.email, right).status_code == 302  # others unaffected


def test_password_reset_answers_the_same_for_known_and_unknown_emails(alice: Any) -> None:
    known = Client().post("/accounts/password-reset/", {"email": alice.email})
    unknown = Client().post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [[alice.email]]


# --- Emails ---------------------------------------------------------------------------------


def test_booking_emails_carry_no_clinical_details(world: dict[str, Any]) -> None:
    from upperback.web.clinic import messages
    from upperback.web.clinic.models import Appointment

    appointment = Appointment.objects.get(pk=world["appointment"])
    mail.outbox.clear()
    messages.send_confirmation(appointment)
    messages.send_reminder_email(appointment)
    record = world["record"]
    because = (record.assessment.get("consult") or {}).get("because", "")
    for message in mail.outbox:
        text = (
            message.subject
            + message.body
            + "".join(
                a[1].decode() if isinstance(a[1], bytes) else str(a[1]) for a in message.attachments
            )
        )
        assert message.to == ["alice@example.com"]
        for clinical in [
            record.current_triage,
            record.get_current_triage_display(),
            because[:20],
            "desk work",
            "between_shoulder_blades",
        ]:
            if clinical:
                assert clinical not in text, clinical


# --- Production settings --------------------------------------------------------------------


def test_production_settings_are_strict() -> None:
    code = (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'hosts': s.ALLOWED_HOSTS, 'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'cookie': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE,"
        "'nosniff': s.SECURE_CONTENT_TYPE_NOSNIFF, 'frame': s.X_FRAME_OPTIONS,"
        "'referrer': s.SECURE_REFERRER_POLICY, 'httponly': s.SESSION_COOKIE_HTTPONLY,"
        "'browser_close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPPERBACK_")}
    env.update(
        UPPERBACK_DEBUG="0",
        UPPERBACK_SECRET_KEY="x" * 50,
        DJANGO_SETTINGS_MODULE="upperback.web.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert "testserver" not in found["hosts"]
    assert found["ssl"] and found["hsts"] >= 31536000
    assert found["cookie"] and found["csrf"] and found["httponly"] and found["browser_close"]
    assert found["nosniff"] and found["frame"] == "DENY" and found["referrer"] == "same-origin"


# --- The admin: read only for patient data, and audited -------------------------------------


def test_the_admin_shows_patient_data_read_only_and_audits_each_record(
    world: dict[str, Any], alice: Any
) -> None:
    from upperback.web.records.models import AssessmentRecord

    chief = actions.create_clinician(email="chief@example.com", password="x", admin=True)
    chief.is_superuser = True
    chief.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(chief)
    events = new_audit_rows()
    for url in [
        f"/admin/records/assessmentrecord/{world['assessment']}/change/",
        f"/admin/records/intakedraft/{world['draft']}/change/",
        f"/admin/clinic/appointment/{world['appointment']}/change/",
        "/admin/records/assessmentrecord/",
    ]:
        assert client.get(url).status_code == 200, url
    kinds = set(events.filter(actor=chief, patient=alice).values_list("object_type", flat=True))
    assert kinds == {"AssessmentRecord", "IntakeDraft", "Appointment"}
    listed = events.filter(actor=chief, patient=alice, object_type="AssessmentRecord")
    assert listed.count() == 2  # the change page and the list
    change = client.post(
        f"/admin/records/assessmentrecord/{world['assessment']}/change/",
        {"current_triage": "urgent"},
    )
    assert change.status_code == 403  # an override goes through the page, with a reason
    assert AssessmentRecord.objects.get(pk=world["assessment"]).current_triage == "self_care"
