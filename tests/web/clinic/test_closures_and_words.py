"""Issue 22, item 9: closures honoured by slot search, 12-hour times in US English and dates
in the reader's locale, and a reschedule mailed as "moved"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from upperback.web.clinic import actions, setup, wording
from upperback.web.clinic.models import AppointmentType, Clinician, Location
from upperback.web.clinic.slots import find_slots

from .conftest import la, run_due_tasks


def _day_slots(kind: AppointmentType, day: dt.date, now: dt.datetime) -> list[object]:
    start = la(day.year, day.month, day.day, 0)
    return find_slots(appointment_type=kind, start=start, end=start + dt.timedelta(days=1), now=now)


def test_a_closed_day_offers_no_time(
    location: Location, physiatrist: Clinician, consultation: AppointmentType
) -> None:
    christmas = dt.date(2030, 12, 25)  # a Wednesday: the physiatrist works Wednesdays
    now = la(2030, 12, 20, 8)
    assert _day_slots(consultation, christmas, now), "the test needs a working day"
    setup.add_closure(location=location, date=christmas, name="Christmas Day")
    assert _day_slots(consultation, christmas, now) == []
    assert _day_slots(consultation, christmas + dt.timedelta(days=1), now)  # the day after: open
    with pytest.raises(ValidationError):  # one closure a day and location
        setup.add_closure(location=location, date=christmas, name="again")


def test_times_are_12_hour_in_english_and_dates_in_the_readers_words() -> None:
    moment = dt.datetime(2026, 12, 8, 14, 30)
    with translation.override("en"):
        assert wording.clock(moment) == "2:30 PM"
        assert wording.long_date(moment) == "Tuesday, December 8, 2026"
        assert str(wording.type_name("physical-therapy", "x")) == "Physical therapy session"
    with translation.override("es"):
        assert wording.clock(moment) == "14:30"
        assert wording.long_date(moment) == "martes, 8 de diciembre de 2026"
        assert str(wording.type_name("physical-therapy", "x")) == "Sesión de fisioterapia"
    assert wording.type_name("unknown-code", "Stored name") == "Stored name"


def test_a_reschedule_is_mailed_as_moved_in_the_patients_language(
    location: Location,
    physiatrist: Clinician,
    consultation: AppointmentType,
    alice: object,
) -> None:
    from upperback.web.records import actions as records

    records.set_language(user=alice, language="es")
    setup.set_cancellation_window(location=location, hours=0)
    first, second = [
        s.starts_at
        for s in find_slots(
            appointment_type=consultation,
            start=dt.datetime.now(dt.UTC),
            end=dt.datetime.now(dt.UTC) + dt.timedelta(days=14),
        )[:2]
    ]
    booked = actions.book(
        patient=alice,
        clinician=physiatrist,
        location=location,
        appointment_type=consultation,
        starts_at=first,
    )
    run_due_tasks()
    mail.outbox.clear()
    actions.reschedule(appointment=booked, starts_at=second)
    run_due_tasks()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Su cita se ha cambiado"
    assert "se ha cambiado a esta hora" in sent.body
    local = second.astimezone(location.zone)
    with translation.override("es"):
        assert wording.long_date(local) in sent.body
    assert "reservada" not in sent.body
