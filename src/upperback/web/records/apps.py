from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Patients' records: intake drafts, assessments, overrides, progress and the audit log."""

    name = "upperback.web.records"
    label = "records"
    default_auto_field = "django.db.models.BigAutoField"
