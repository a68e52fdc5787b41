from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Patients' records: intake drafts, assessments, overrides, progress and the audit log."""

    name = "upperback.web.records"
    label = "records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A visitor's answers become her draft when she signs up or logs in (the signal).
        from . import visitor  # noqa: F401
