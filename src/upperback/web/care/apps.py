from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "upperback.web.care"
    label = "care"
    verbose_name = "Care"
