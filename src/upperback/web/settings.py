"""One settings module, driven by the environment, strict and loud on a bad value.

DEBUG is off unless UPPERBACK_DEBUG=1. A server must set UPPERBACK_SECRET_KEY (`make run` sets
UPPERBACK_LOCAL=1 instead: see below). SQLite in UPPERBACK_DATA_DIR is the default;
DATABASE_URL selects PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from upperback.web.logging_settings import logging_config
from upperback.web.private_files import parse_umask, private_database, private_dir

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parents[2]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; an unexpected value is an error, never silently False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


# DEBUG only when asked for: a 404 in debug lists every URL, an error shows the settings.
DEBUG = env_bool("UPPERBACK_DEBUG", False)
# `make run` (upperback.web.serve) sets UPPERBACK_LOCAL=1: plain HTTP on loopback, and a secret
# key made on first run and kept in the data folder. A real server sets neither.
LOCAL = env_bool("UPPERBACK_LOCAL", False)
DATA_DIR = Path(os.environ.get("UPPERBACK_DATA_DIR", str(REPO_DIR / "var"))).resolve()


def _umask() -> int:
    raw = os.environ.get("UPPERBACK_UMASK", "077")
    try:
        return parse_umask(raw)
    except ValueError:
        raise ImproperlyConfigured(f"UPPERBACK_UMASK={raw!r}: expected octal, e.g. 077") from None


# Health data: every file this process makes (database, uploads, backups, mail, logs) starts
# readable by the server's account only (see upperback.web.private_files).
os.umask(_umask())
_DEV_SECRET = "upperback-development-only-secret-key-never-use-in-production"


def _local_secret_key(path: Path) -> str:
    """The data folder's own key, made on first use, readable by its owner only."""
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(get_random_secret_key())
    return path.read_text().strip()


def _secret_key() -> str:
    key = os.environ.get("UPPERBACK_SECRET_KEY", "")
    if key:
        return key
    if LOCAL:
        return _local_secret_key(DATA_DIR / "secret_key")
    if DEBUG:
        return _DEV_SECRET
    raise ImproperlyConfigured("UPPERBACK_SECRET_KEY must be set when UPPERBACK_DEBUG is off")


SECRET_KEY = _secret_key()

# Loopback only unless the server's names are given. Django's test client's "testserver" only
# in development: production names its hosts.
_DEFAULT_HOSTS = "127.0.0.1,localhost,testserver" if DEBUG else "127.0.0.1,localhost"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("UPPERBACK_ALLOWED_HOSTS", _DEFAULT_HOSTS).split(",")
    if h.strip()
]

# Uploaded media lives outside the web root and is served only through access-checked views.
MEDIA_ROOT = DATA_DIR / "media"
# No URL route serves MEDIA_ROOT (uploads go through access-checked views). MEDIA_URL must still
# be a string: Django's test live server builds a handler from it and fails on None.
MEDIA_URL = "/media-not-served/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its Swagger files itself, so the API docs need no CDN
    "django_tasks",
    "django_tasks_db",
    "django_otp",  # the second factor for clinic staff (accounts.second_factor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time recovery codes
    "upperback.web.accounts",
    "upperback.web.records",
    "upperback.web.clinic",
    "upperback.web.media",
    "upperback.web.choosing",
    "upperback.web.messaging",
    "upperback.web.care",
    "upperback.web.ops",  # /healthz, /readyz, /metrics and the task workers' heartbeats
]

MIDDLEWARE = [
    "upperback.web.logs.RequestIdMiddleware",  # first: every log line names its request
    "django.middleware.security.SecurityMiddleware",
    # Static files first: WhiteNoise answers them before the rest (and before no-store).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "upperback.web.headers.SecurityHeadersMiddleware",
    # After WhiteNoise: request latency by route for pages and API answers, not static files.
    "upperback.web.ops.metrics.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "upperback.web.accounts.devices.KnownDeviceMiddleware",  # the login throttle's devices
    "upperback.web.accounts.idle.IdleTimeoutMiddleware",
    # A logged-in person's pages in the language stored on the account (issue 22).
    "upperback.web.accounts.language.AccountLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "upperback.web.accounts.second_factor.SecondFactorMiddleware",
    # The access door's audit rows of a request, written together as it ends.
    "upperback.web.records.access.AuditVisitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "upperback.web.urls"
WSGI_APPLICATION = "upperback.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url and not url.startswith("sqlite:"):
        return dict(dj_database_url.parse(url, conn_max_age=60))
    if url:  # a SQLite file elsewhere (its folder shared by processes): the same locking
        name = Path(str(dj_database_url.parse(url)["NAME"]))
        private_dir(name.parent, tighten=False)  # the file is ours, its folder may be shared
    else:
        private_dir(DATA_DIR)
        name = DATA_DIR / "upperback.sqlite3"
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": private_database(name),
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two bookings cannot both read
            # "free" and then both write; WAL and busy_timeout let readers and writers queue.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                " PRAGMA foreign_keys=ON;"
            ),
        },
        # Tests use a file, not Django's shared-cache memory database: threaded race tests
        # need real connections with real locking. One file per process, because several
        # test runs may share this working tree.
        "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"upperback-test-{os.getpid()}.db")},
    }


DATABASES = {"default": _database()}

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "upperback.web.accounts.passwords.ProductWordsValidator"},
    # Offline: zxcvbn's bundled breach list and guess estimate; the address's own words.
    {"NAME": "upperback.web.accounts.passwords.EmailPartsValidator"},
    {"NAME": "upperback.web.accounts.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "login"
OTP_TOTP_ISSUER = "Upperback"  # the name authenticator apps show beside the code
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Los_Angeles"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The site-wide CSS and scripts (web/ is a package, not an app, so list its folder).
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# `make run` collects them into STATIC_ROOT; WhiteNoise serves them compressed, under names
# that carry a hash of their content, so browsers may keep them for a year.
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads and their pictures on an S3-protocol object store (django-storages with boto3) when
# a bucket is named, so web processes and task workers need no shared folder. Credentials come
# from boto3's usual places (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's
# role); objects are private and never served by the store (media.views serves them).
MEDIA_S3_BUCKET = os.environ.get("UPPERBACK_MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    _s3_endpoint = os.environ.get("UPPERBACK_MEDIA_S3_ENDPOINT_URL") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": os.environ.get("UPPERBACK_MEDIA_S3_REGION") or None,
            "location": os.environ.get("UPPERBACK_MEDIA_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            # Other S3-protocol servers (MinIO, Ceph, moto) name the bucket in the path.
            "addressing_style": "path" if _s3_endpoint else None,
        },
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# By default each email is written whole to a private file in EMAIL_FILE_PATH and the server
# prints where (upperback.web.mail): never a reset link or an appointment in the log. A
# production start refuses it (and Django's console backend) unless
# UPPERBACK_ALLOW_CONSOLE_EMAIL=1.
EMAIL_BACKEND = os.environ.get(
    "UPPERBACK_EMAIL_BACKEND", "upperback.web.mail.PrivateConsoleBackend"
)
ALLOW_CONSOLE_EMAIL = env_bool("UPPERBACK_ALLOW_CONSOLE_EMAIL", False)
DEFAULT_FROM_EMAIL = os.environ.get("UPPERBACK_FROM_EMAIL", "care@upperback.example")
# Where django.core.mail.backends.filebased.EmailBackend writes (UPPERBACK_EMAIL_BACKEND).
EMAIL_FILE_PATH = os.environ.get("UPPERBACK_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_TIMEOUT = env_int("UPPERBACK_EMAIL_TIMEOUT", 30)
# `make run` (UPPERBACK_LOCAL=1) with the default or the console backend: each email to a file
# in the data folder and one line on the terminal with its path and link (a developer on her
# own machine), not 600 lines of raw email.
if LOCAL and EMAIL_BACKEND in (
    "django.core.mail.backends.console.EmailBackend",
    "upperback.web.mail.PrivateConsoleBackend",
):
    EMAIL_BACKEND = "upperback.web.devmail.EmailBackend"
# A task still running after this long was abandoned by a killed worker: `manage.py worker`
# runs it again (emails only, see clinic.outbox). Longer than any send (EMAIL_TIMEOUT).
TASK_LEASE_SECONDS = env_int("UPPERBACK_TASK_LEASE_SECONDS", 300)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("UPPERBACK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # By priority, each with its own worker (upperback.web.queues).
        "QUEUES": ["urgent", "analysis", "bulk", "default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # record ids in our URLs never leave the site
# Health data: a session ends with the browser, and after 8 hours in any case.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
if not DEBUG and not LOCAL:
    # Production is HTTPS: secure cookies, a redirect from plain HTTP, and HSTS. Behind a
    # TLS-terminating proxy set UPPERBACK_BEHIND_PROXY=1 (it must set X-Forwarded-Proto).
    SESSION_COOKIE_SECURE = env_bool("UPPERBACK_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("UPPERBACK_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("UPPERBACK_HSTS_SECONDS", 365 * 24 * 60 * 60)
    if env_bool("UPPERBACK_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Upload limits, checked before any decoding (see upperback.web.media).
UPLOAD_MAX_BYTES = env_int("UPPERBACK_UPLOAD_MAX_BYTES", 100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# First: stops reading a file past UPLOAD_MAX_BYTES, before it fills the disk or memory.
FILE_UPLOAD_HANDLERS = [
    "upperback.web.media.upload_limit.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads (and their folders) are the owner's only, whatever the umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# One file per upload form: a body of many file parts is refused (400) before they are kept
# (fields stay at Django's 1,000).
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Camera analysis runs in a child process with these limits (upperback.vision.isolated, ADR
# 0006): a crash, an out-of-memory or a time-out fails that one upload, not the worker.
MEDIA_ANALYSIS_MEMORY_MB = env_int("UPPERBACK_ANALYSIS_MEMORY_MB", 2048)
MEDIA_ANALYSIS_SECONDS = env_int("UPPERBACK_ANALYSIS_SECONDS", 300)
# A running analysis whose worker has not written a heartbeat for this long is abandoned:
# queued again once, then failed.
MEDIA_ANALYSIS_LEASE_SECONDS = env_int("UPPERBACK_ANALYSIS_LEASE_SECONDS", 60)

# Messages and reminders (upperback.web.messaging). The clinic's answer-time target for a
# patient's message, in working days (Monday to Friday); threads past it are marked.
MESSAGING_ANSWER_TARGET_WORKING_DAYS = env_int("UPPERBACK_ANSWER_TARGET_WORKING_DAYS", 1)
# Non-essential emails (reminders, new-message notices) a patient gets in 7 days at most, unless
# she chooses fewer; booking and safety emails are never held back.
MESSAGING_WEEKLY_EMAIL_CAP = env_int("UPPERBACK_WEEKLY_EMAIL_CAP", 3)
# The site's address, for the links in emails (a worker has no request to build them from).
SITE_URL = os.environ.get("UPPERBACK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The audit chain's head, written at intervals to signed files in a folder outside the data
# folder (records.audit_anchor): put it on another disk or host. 0 seconds: never by itself
# (`upperback audit anchor` still writes one).
AUDIT_ANCHOR_DIR = Path(
    os.environ.get("UPPERBACK_AUDIT_ANCHOR_DIR", str(DATA_DIR.parent / f"{DATA_DIR.name}-audit"))
).resolve()
AUDIT_ANCHOR_SECONDS = env_int("UPPERBACK_AUDIT_ANCHOR_SECONDS", 300)

# Login throttling counts per source (accounts.throttle): behind a proxy that appends the
# client's address to X-Forwarded-For, the last address there is the client's.
LOGIN_SOURCE_FROM_PROXY = env_bool("UPPERBACK_BEHIND_PROXY", False)

# The second factor (accounts.second_factor): its own pause after repeated wrong codes, not
# django-otp's (which refused the right code typed within a second of a wrong one); the admin
# never shows a secret.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A session left idle this long ends (accounts.idle): staff see many patients' records.
STAFF_IDLE_SECONDS = env_int("UPPERBACK_STAFF_IDLE_MINUTES", 15) * 60
PATIENT_IDLE_SECONDS = env_int("UPPERBACK_PATIENT_IDLE_MINUTES", 60) * 60

# Rate limits on the costly endpoints (upperback.web.ratelimit): (per account, per source)
# requests in RATE_LIMIT_WINDOW_SECONDS. UPPERBACK_RATE_<NAME>_ACCOUNT / _SOURCE override.
RATE_LIMIT_WINDOW_SECONDS = env_int("UPPERBACK_RATE_WINDOW_SECONDS", 3600)
RATE_LIMITS = {
    name: (
        env_int(f"UPPERBACK_RATE_{name.upper()}_ACCOUNT", account),
        env_int(f"UPPERBACK_RATE_{name.upper()}_SOURCE", source),
    )
    for name, account, source in [
        ("assessments", 30, 300),  # POST /api/v1/assessments
        # POST /api/v1/assess: no account, nothing stored; only its source is counted.
        ("checks", 0, 1200),
        ("uploads", 30, 200),  # photos and videos sent (the upload form's POST)
        ("exports", 60, 600),  # FHIR exports and PDF reports
    ]
}


# Errors: JSON lines on stderr with the request's id (upperback.web.logs), and mailed to
# ADMINS ("Name <address>, address", UPPERBACK_ADMINS) without the request's data.
def _admins(raw: str) -> list[tuple[str, str]]:
    from email.utils import getaddresses

    found = [(name, address) for name, address in getaddresses([raw]) if "@" in address]
    if raw.strip() and not found:
        raise ImproperlyConfigured(f"UPPERBACK_ADMINS={raw!r}: expected 'Name <address>, …'")
    return found


ADMINS = _admins(os.environ.get("UPPERBACK_ADMINS", ""))
SERVER_EMAIL = os.environ.get("UPPERBACK_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOGGING_CONFIG = "logging.config.dictConfig"
LOGGING = logging_config(debug=DEBUG)
# How often an analysis worker looks for abandoned analyses and uploads left without a task.
MEDIA_RECOVERY_SECONDS = env_int("UPPERBACK_RECOVERY_SECONDS", 15)
# Photos are analysed in warm children started ahead of time (vision.pool: the same limits,
# one job at a time, retired after this many jobs or any failure); off: a cold child each.
MEDIA_ANALYSIS_POOL = env_bool("UPPERBACK_ANALYSIS_POOL", True)
MEDIA_ANALYSIS_POOL_MAX_JOBS = env_int("UPPERBACK_ANALYSIS_POOL_MAX_JOBS", 20)

# Operating the site (upperback.web.ops): a worker writes its heartbeat this often, and
# `/readyz` wants one younger than READY_WORKER_SECONDS for each queue in TASK_QUEUES.
WORKER_HEARTBEAT_SECONDS = env_int("UPPERBACK_WORKER_HEARTBEAT_SECONDS", 5)
READY_WORKER_SECONDS = env_int("UPPERBACK_READY_WORKER_SECONDS", 30)
TASK_QUEUES = ["urgent", "analysis", "bulk"]
# `/metrics` answers loopback only, or anyone with this bearer token.
METRICS_TOKEN = os.environ.get("UPPERBACK_METRICS_TOKEN", "")
# A load balancer probes over plain HTTP: these answer it rather than redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
