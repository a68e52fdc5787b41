from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Secure messages between a patient and her care team, and the reminders she controls."""

    name = "upperback.web.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"
