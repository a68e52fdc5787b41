"""The app's settings with the counting hasher first (see counting_hasher.py), and static
files served from the apps' folders (these servers run without collectstatic)."""

from upperback.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["counting_hasher.CountingHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
