"""Move existing records into episodes: each patient with an assessment gets one open episode
whose events are rebuilt from her rows (records.episode_history) and whose state is derived
from them by `upperback.care.derive`, as a new event would."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    from upperback.care import derive, event_to_json
    from upperback.web.records.episode_history import events_of
    from upperback.web.records.episodes import columns_of

    assessment = apps.get_model("records", "AssessmentRecord")
    episode_model = apps.get_model("records", "CareEpisode")
    event_model = apps.get_model("records", "CareEvent")
    preferences = apps.get_model("choosing", "PlanPreferences")
    outcomes = apps.get_model("choosing", "ConsultationOutcome")
    entries = apps.get_model("records", "ProgressEntry")
    appointments = apps.get_model("clinic", "Appointment")
    patients = assessment.objects.values_list("patient_id", flat=True).distinct()
    for patient_id in sorted(set(patients)):
        if episode_model.objects.filter(patient_id=patient_id, closed_at=None).exists():
            continue
        events = events_of(
            assessments=assessment.objects.filter(patient_id=patient_id)
            .prefetch_related("overrides")
            .order_by("created_at", "pk"),
            preferences=preferences.objects.filter(patient_id=patient_id),
            outcomes=outcomes.objects.filter(patient_id=patient_id).order_by("created_at", "pk"),
            entries=entries.objects.filter(patient_id=patient_id),
            appointments=appointments.objects.filter(patient_id=patient_id).select_related(
                "clinician"
            ),
        )
        state = derive(events)
        episode = episode_model(patient_id=patient_id, opened_at=state.opened_at)
        for name, value in columns_of(state).items():
            setattr(episode, name, value)
        episode.save()
        event_model.objects.bulk_create(
            event_model(episode=episode, at=e.at, kind=e.kind, payload=event_to_json(e))
            for e in events
        )
        if state.assessment_id is not None and state.triage is not None:
            assessment.objects.filter(pk=state.assessment_id).update(
                current_triage=state.triage, current_rank=columns_of(state)["rank"]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0008_care_episodes"),
        ("choosing", "0001_plan_preferences_and_consultation_outcome"),
        ("clinic", "0004_appointment_cancellation_notice_sent_at"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
