"""The demo clinic: Upperback Spine Clinic in Santa Monica, its clinicians and their hours.

`load_demo_clinic()` is idempotent: it updates the rows it finds by natural key and creates
the missing ones, so `make run` may call it on every start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import AppointmentType, Clinician, Location, Specialty, WorkingHours

CLINIC_NAME = "Upperback Spine Clinic"


@dataclass(frozen=True)
class DemoClinician:
    email: str
    name: str
    specialty: str
    credentials: str
    bio: str
    # (weekday, start, end) in the clinic's wall-clock time
    hours: tuple[tuple[int, str, str], ...]


_WEEKDAYS_8_TO_5 = tuple((day, "08:00", "17:00") for day in range(5))
_MON_WED_FRI_9_TO_6 = tuple((day, "09:00", "18:00") for day in (0, 2, 4))
_TUE_THU_SAT_8_TO_4 = tuple((day, "08:00", "16:00") for day in (1, 3, 5))

CLINICIANS: tuple[DemoClinician, ...] = (
    DemoClinician(
        "maya.okafor@upperback.example",
        "Dr. Maya Okafor",
        Specialty.SPINE_SURGEON,
        "MD, board-certified orthopaedic spine surgeon (ABOS)",
        "Thoracic disc disease, fractures and deformity.",
        _MON_WED_FRI_9_TO_6,
    ),
    DemoClinician(
        "daniel.reyes@upperback.example",
        "Dr. Daniel Reyes",
        Specialty.SPINE_SURGEON,
        "MD, board-certified neurosurgeon (ABNS), spine fellowship",
        "Spinal cord compression and tumours.",
        _TUE_THU_SAT_8_TO_4,
    ),
    DemoClinician(
        "priya.shah@upperback.example",
        "Dr. Priya Shah",
        Specialty.PHYSIATRIST,
        "DO, board-certified in physical medicine and rehabilitation (ABPMR)",
        "Non-operative spine care and injections.",
        _WEEKDAYS_8_TO_5,
    ),
    DemoClinician(
        "sam.lee@upperback.example",
        "Sam Lee",
        Specialty.PHYSICAL_THERAPIST,
        "PT, DPT, board-certified orthopaedic clinical specialist (OCS)",
        "Posture, mobility and strengthening programmes.",
        _WEEKDAYS_8_TO_5,
    ),
    DemoClinician(
        "ana.morales@upperback.example",
        "Ana Morales",
        Specialty.PHYSICAL_THERAPIST,
        "PT, DPT, certified strength and conditioning specialist (CSCS)",
        "Return to work and sport.",
        _TUE_THU_SAT_8_TO_4,
    ),
    DemoClinician(
        "jordan.kim@upperback.example",
        "Dr. Jordan Kim",
        Specialty.CHIROPRACTOR,
        "DC, licensed chiropractor (California)",
        "Spinal manipulation and mobilisation.",
        _MON_WED_FRI_9_TO_6,
    ),
    DemoClinician(
        "lucia.bianchi@upperback.example",
        "Lucia Bianchi",
        Specialty.MASSAGE_THERAPIST,
        "CMT, California certified massage therapist",
        "Soft-tissue work for muscular upper back pain.",
        _TUE_THU_SAT_8_TO_4,
    ),
    DemoClinician(
        "wei.zhang@upperback.example",
        "Wei Zhang",
        Specialty.ACUPUNCTURIST,
        "LAc, California licensed acupuncturist, Dipl. Ac. (NCCAOM)",
        "Acupuncture for persistent thoracic pain.",
        _MON_WED_FRI_9_TO_6,
    ),
)

# (code, name, minutes, specialties, first visit)
APPOINTMENT_TYPES: tuple[tuple[str, str, int, list[str], bool], ...] = (
    (
        "spine-consultation",
        "New spine consultation",
        60,
        [Specialty.SPINE_SURGEON, Specialty.PHYSIATRIST],
        True,
    ),
    ("follow-up", "Follow-up", 30, [s.value for s in Specialty], False),
    ("physical-therapy", "Physical therapy session", 45, [Specialty.PHYSICAL_THERAPIST], True),
    ("chiropractic", "Chiropractic session", 30, [Specialty.CHIROPRACTOR], True),
    ("massage", "Massage session", 60, [Specialty.MASSAGE_THERAPIST], True),
    ("acupuncture", "Acupuncture session", 45, [Specialty.ACUPUNCTURIST], True),
)


def _location() -> Location:
    location, _ = Location.objects.update_or_create(
        name=CLINIC_NAME,
        defaults={
            "address": "1450 Ocean Park Blvd, Santa Monica, CA 90405",
            "time_zone": "America/Los_Angeles",
            "phone": "+1 310 555 0142",
            "emergency_number": "911",
            "cancellation_window_hours": 24,
        },
    )
    return location


def _appointment_types() -> None:
    for code, name, minutes, specialties, first in APPOINTMENT_TYPES:
        AppointmentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "duration_minutes": minutes,
                "specialties": [str(s) for s in specialties],
                "is_first_visit": first,
            },
        )


def _clinician(location: Location, demo: DemoClinician) -> Clinician:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        email=demo.email, defaults={"role": "clinician", "first_name": demo.name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    clinician, _ = Clinician.objects.update_or_create(
        user=user,
        defaults={
            "name": demo.name,
            "specialty": demo.specialty,
            "credentials": demo.credentials,
            "bio": demo.bio,
        },
    )
    clinician.hours.all().delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(
            clinician=clinician,
            location=location,
            weekday=day,
            starts=dt.time.fromisoformat(start),
            ends=dt.time.fromisoformat(end),
        )
        for day, start, end in demo.hours
    )
    return clinician


def _link_demo_login(location: Location) -> None:
    """The demo clinician login (made by load_demo) gets a calendar: a physiatrist's."""
    from upperback.web.demo_accounts import DEMO_CLINICIAN

    user = get_user_model().objects.filter(email=DEMO_CLINICIAN).first()
    if user is None:
        return
    demo = DemoClinician(
        DEMO_CLINICIAN,
        "Dr. Casey Clinic",
        Specialty.PHYSIATRIST,
        "MD, board-certified in physical medicine and rehabilitation (ABPMR)",
        "The demo clinician account.",
        _WEEKDAYS_8_TO_5,
    )
    _clinician(location, demo)


@transaction.atomic
def load_demo_clinic() -> Location:
    """Create or refresh the demo clinic; safe to run any number of times."""
    location = _location()
    _appointment_types()
    for demo in CLINICIANS:
        _clinician(location, demo)
    _link_demo_login(location)
    return location
