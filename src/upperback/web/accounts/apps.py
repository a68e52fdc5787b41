from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users and their roles: patient, clinician, admin."""

    name = "upperback.web.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from upperback.web import mail  # noqa: F401  (registers its deploy check)

        from . import devices  # noqa: F401  (connects its login signal)
