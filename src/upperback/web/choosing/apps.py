from django.apps import AppConfig


class ChoosingConfig(AppConfig):
    """Choosing together: the patient's options and preferences, the clinician's diagnosis
    and agreed plan after the consultation, and the engine's concordance with it."""

    name = "upperback.web.choosing"
    label = "choosing"
    default_auto_field = "django.db.models.BigAutoField"
