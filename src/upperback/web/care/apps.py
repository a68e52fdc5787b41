from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "upperback.web.care"
    label = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        # A rerun of an abandoned check-in reminder first undoes its claim (clinic.outbox).
        from upperback.web.clinic.outbox import register_unclaim

        from .tasks import unclaim_checkin_reminder

        register_unclaim("upperback.web.care.tasks.send_checkin_reminder", unclaim_checkin_reminder)
