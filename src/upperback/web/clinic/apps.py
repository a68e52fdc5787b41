from django.apps import AppConfig


class ClinicConfig(AppConfig):
    """The clinic: locations, clinicians, working hours, appointment types and bookings."""

    name = "upperback.web.clinic"
    label = "clinic"
    default_auto_field = "django.db.models.BigAutoField"
