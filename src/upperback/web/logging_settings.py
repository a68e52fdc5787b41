"""The LOGGING setting, kept free of Django imports so the settings module can read it (the
handlers and formatter it names live in upperback.web.logs)."""

from __future__ import annotations

from typing import Any


def logging_config(*, debug: bool) -> dict[str, Any]:
    """The LOGGING setting: JSON lines on stderr; errors also to ADMINS (when set)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
        "formatters": {"json": {"()": "upperback.web.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json"},
            "mail_admins": {
                "level": "ERROR",
                "filters": ["require_debug_false"],
                "class": "upperback.web.logs.PrivateAdminEmailHandler",
            },
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "django": {"handlers": ["stderr", "mail_admins"], "level": "INFO", "propagate": False},
            "django.server": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "upperback": {
                "handlers": ["stderr", "mail_admins"],
                "level": "DEBUG" if debug else "INFO",
                "propagate": False,
            },
        },
    }
