from django.apps import AppConfig


class MediaConfig(AppConfig):
    """Patients' posture photos and exercise videos, and their analyses."""

    name = "upperback.web.media"
    label = "media"
    default_auto_field = "django.db.models.BigAutoField"
