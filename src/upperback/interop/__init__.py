"""Interoperability: a patient's record as FHIR R4B, from plain data (no web framework).

Everything public is named in `__all__`; the modules behind it are private and may change.
"""

from __future__ import annotations

from upperback.interop.fhir import (
    FHIR_VERSION,
    PAIN_NOW_LOINC,
    AppointmentData,
    AssessmentData,
    CheckInData,
    InteropError,
    PatientData,
    PatientRecord,
    QuestionData,
    as_json,
    build_bundle,
)

__all__ = [
    "FHIR_VERSION",
    "PAIN_NOW_LOINC",
    "AppointmentData",
    "AssessmentData",
    "CheckInData",
    "InteropError",
    "PatientData",
    "PatientRecord",
    "QuestionData",
    "as_json",
    "build_bundle",
]
