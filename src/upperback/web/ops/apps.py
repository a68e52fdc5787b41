from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the site: health and readiness probes, worker heartbeats, metrics."""

    name = "upperback.web.ops"
    label = "ops"
    default_auto_field = "django.db.models.BigAutoField"
