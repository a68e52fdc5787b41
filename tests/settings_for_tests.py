"""The test suite's settings: the app's own (DEBUG off, as on a server), read with the few
values a test run needs, which a real server would never set.

pytest-django loads this module (pyproject.toml); the values go into the environment only
while the app's settings are read, so subprocesses that tests start see the environment
they were given.
"""

from __future__ import annotations

import os

_TEST_ENVIRONMENT = {
    "UPPERBACK_SECRET_KEY": "tests-only-secret-key-never-use-on-a-server-0123456789",
    # Plain HTTP on loopback, as the test client and the live server speak it.
    "UPPERBACK_LOCAL": "1",
    # Django's test client calls itself "testserver".
    "UPPERBACK_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}
_added = [name for name in _TEST_ENVIRONMENT if name not in os.environ]
os.environ.update({name: _TEST_ENVIRONMENT[name] for name in _added})
try:
    from upperback.web.settings import *  # noqa: F403
finally:
    for name in _added:
        del os.environ[name]

# Tests do not run collectstatic: static files come from the apps' folders, unhashed.
# Media stays where the app's settings put it (the local folder, or an object store when a
# test names a bucket).
STORAGES = {
    "default": STORAGES["default"],  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True  # no collected folder to read at start

# No audit anchors written beside the working tree by tests (tests that want one ask).
AUDIT_ANCHOR_SECONDS = 0
