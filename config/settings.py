"""All settings, read from the environment (see `.env.example` and the README).

One module for every deployment: nothing exists only in production. Values that differ
between the embedded default and a large site come from environment variables.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A `.env` file next to manage.py is read when present; real environment variables win.
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"), overwrite=False)

VAR_DIR = Path(env.str("LPSE_VAR_DIR", default="") or BASE_DIR / "var")

DEBUG = env.bool("DEBUG", default=False)
# The test suite (pytest) runs with TESTING on: test database, immediate tasks.
TESTING = env.bool("LPSE_TESTING", default="pytest" in sys.modules)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG and not TESTING:
        raise environ.ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see .env.example)."
        )
    # Embedded default: generate once and keep it under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Port of the embedded web server (`make run`, Procfile.embedded); the default public address
# follows it, so links and the operations self-probe reach the server that actually runs.
LPSE_PORT = env.int("LPSE_PORT", default=8000)
SITE_URL = (env.str("SITE_URL", default="") or f"http://127.0.0.1:{LPSE_PORT}").rstrip("/")

INSTALLED_APPS = [
    # Project apps first: their translations and templates take precedence over those of
    # Django and third-party apps (e.g. "Password" is "Kata sandi" here, not "Sandi").
    # One app per capability (docs/architecture.md).
    "lpse.core",
    "lpse.accounts",
    "lpse.audit",
    "lpse.catalog",
    "lpse.vendors",
    "lpse.tenders",
    "lpse.bids",
    "lpse.helpdesk",
    "lpse.training",
    "lpse.operations",
    "lpse.backups",
    "lpse.opendata",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lpse.core.middleware.RejectNulMiddleware",
    "lpse.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lpse.core.middleware.LanguageMiddleware",
    "lpse.accounts.middleware.SessionPolicyMiddleware",
    "lpse.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lpse.core.middleware.AuthorizationAuditMiddleware",
    # Operations: the LKPP auditor changes nothing; maintenance mode; 404 bursts.
    "lpse.operations.middleware.ReadOnlyRoleMiddleware",
    "lpse.operations.middleware.MaintenanceModeMiddleware",
    "lpse.operations.middleware.SecurityWatchMiddleware",
    # Must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
DJANGO_TABLES2_TEMPLATE = "includes/tables2.html"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lpse.core.context_processors.site",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lpse.sqlite3'}"
    ),
}
if TESTING:
    # The suite runs on TEST_DATABASE_URL (PostgreSQL) or on SQLite (in memory).
    _test_url = env.str("TEST_DATABASE_URL", default="")
    if _test_url and not _test_url.startswith("sqlite"):
        DATABASES["default"] = env.db_url_config(_test_url)
    else:
        # A file, not memory: concurrency tests need SQLite's real locking (WAL, busy
        # timeout), exactly as the embedded installation runs.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        DATABASES["default"] = env.db_url_config(f"sqlite:///{VAR_DIR / 'test.sqlite3'}")
        # One file per test run (scripts/run_tests.py sets the run id), so two runs in the
        # same checkout never share a database.
        _run = env.str("LPSE_TEST_RUN_ID", default="")
        DATABASES["default"]["TEST"] = {
            "NAME": str(VAR_DIR / f"test-db{'-' + _run if _run else ''}.sqlite3")
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers proceed during a write; IMMEDIATE makes every transaction take
            # the write lock up front so concurrent writers queue instead of failing.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lpse",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lpse",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Absolute session lifetime: 12 hours from login. Idle timeouts are enforced per role by
# lpse.accounts.middleware.SessionPolicyMiddleware.
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_IDLE_TIMEOUT_OFFICIAL = timedelta(minutes=env.int("SESSION_IDLE_MINUTES_OFFICIAL", 15))
SESSION_IDLE_TIMEOUT_VENDOR = timedelta(minutes=env.int("SESSION_IDLE_MINUTES_VENDOR", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lpse.accounts.backends.UserIdOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
# Single-use links (first password, password reset) stay valid this long.
PASSWORD_RESET_TIMEOUT = int(timedelta(days=env.int("PASSWORD_LINK_DAYS", 3)).total_seconds())

# Lockout: 5 failures per (user ID, IP) lock that pair for 15 minutes, so an attacker on
# another address cannot lock the real user out. A separate cap per IP address stops one
# address from guessing across many user IDs (lpse.accounts.lockout).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "lpse.accounts.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
LOGIN_IP_FAILURE_CAP = env.int("LOGIN_IP_FAILURE_CAP", 30)

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="LPSE")
OTP_BACKUP_CODES = 10

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# django-filter: an unset filter means "any value".
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lpse_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and stored files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default="") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="") or VAR_DIR / "files")
# Stored files are never served from a public URL: downloads go through
# permission-checked views (lpse.core.files). MEDIA_URL is deliberately unset.

STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "s3":
    _default_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None
FILE_UPLOAD_PERMISSIONS = 0o640
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_URL: smtp://user:pass@host:25, submission://user:pass@host:587 (STARTTLS) or
# smtps://user:pass@host:465 (TLS). Without it, development keeps a file outbox under
# var/outbox that system administrators read at /outbox/.
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    _mail = env.email_url_config(_email_url)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _mail["EMAIL_HOST"],
                "port": _mail["EMAIL_PORT"],
                "username": _mail["EMAIL_HOST_USER"],
                "password": _mail["EMAIL_HOST_PASSWORD"],
                "use_tls": bool(_mail.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_mail.get("EMAIL_USE_SSL")),
                "timeout": env.int("EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "lpse.core.mail.OutboxEmailBackend",
            "OPTIONS": {"directory": str(VAR_DIR / "outbox")},
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LPSE <noreply@lpse.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[LPSE] "

# --- Background tasks and the scheduler -----------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "mail"],
    }
}
SCHEDULER_LEASE_SECONDS = env.int("SCHEDULER_LEASE_SECONDS", 30)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lpse.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lpse.core.api.exceptions.audited_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="120/minute"),
        "user": env.str("API_RATE_USER", default="600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LPSE API",
    "DESCRIPTION": (
        "Public and authenticated API of the LPSE e-procurement portal. "
        "Authenticate with a session or with `Authorization: Token <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD:
    # Preloading is a one-way decision for the domain owner; leave it off by default.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# --- The unit (letterhead, service hours) ---------------------------------------------------
LPSE_UNIT_NAME = env.str("LPSE_UNIT_NAME", default="UPTD LPSE Kabupaten Sumedang")
LPSE_UNIT_PARENT = env.str(
    "LPSE_UNIT_PARENT", default="Dinas Komunikasi dan Informatika Kabupaten Sumedang"
)
LPSE_UNIT_ADDRESS = env.str(
    "LPSE_UNIT_ADDRESS", default="Jl. Prabu Geusan Ulun No. 36, Sumedang, Jawa Barat 45311"
)
LPSE_UNIT_PHONE = env.str("LPSE_UNIT_PHONE", default="(0261) 201021")
LPSE_UNIT_EMAIL = env.str("LPSE_UNIT_EMAIL", default="lpse@sumedangkab.go.id")
LPSE_UNIT_CODE = env.str("LPSE_UNIT_CODE", default="LPSE")
LPSE_LOGO_PATH = env.str("LPSE_LOGO_PATH", default="") or str(BASE_DIR / "static/img/logo.png")
LPSE_REGION_NAME = env.str("LPSE_REGION_NAME", default="Kabupaten Sumedang")
# The first line of an agency's letterhead (an SPPBJ, its committee's minutes).
LPSE_GOVERNMENT_NAME = env.str("LPSE_GOVERNMENT_NAME",
                               default=f"Pemerintah {LPSE_REGION_NAME}")
# Verification desk and service hours (regulation Lampiran I 1.2 step 8).
SERVICE_HOURS_START = env.str("SERVICE_HOURS_START", default="09:00")
SERVICE_HOURS_END = env.str("SERVICE_HOURS_END", default="15:00")
# Official letter number format; fields: code, seq, unit, month_roman, month, year.
LETTER_NUMBER_FORMAT = env.str(
    "LETTER_NUMBER_FORMAT", default="{code}/{seq:04d}/{unit}/{month_roman}/{year}"
)

# --- Vendors (registration and verification: Lampiran I; e-mail change: Lampiran III 3.4) --
# A registration must be verified in person within this many working days (Pasal 4 (3)).
VENDOR_VERIFICATION_WORKING_DAYS = env.int("VENDOR_VERIFICATION_WORKING_DAYS", 7)
# Opening hours of the verification desk (WIB, working days) and where it is.
VENDOR_VERIFICATION_HOURS_START = (env.str("VENDOR_VERIFICATION_HOURS_START", default="")
                                   or SERVICE_HOURS_START)
VENDOR_VERIFICATION_HOURS_END = (env.str("VENDOR_VERIFICATION_HOURS_END", default="")
                                 or SERVICE_HOURS_END)
VENDOR_VERIFICATION_PLACE = (env.str("VENDOR_VERIFICATION_PLACE", default="")
                             or f"Ruang Verifikasi, {LPSE_UNIT_NAME}, {LPSE_UNIT_ADDRESS}")
# The e-mailed registration link: hours of validity; requests per IP / per address / window.
VENDOR_REGISTRATION_LINK_HOURS = env.int("VENDOR_REGISTRATION_LINK_HOURS", 48)
VENDOR_REGISTRATION_LIMIT_PER_IP = env.int("VENDOR_REGISTRATION_LIMIT_PER_IP", 10)
VENDOR_REGISTRATION_LIMIT_PER_ADDRESS = env.int("VENDOR_REGISTRATION_LIMIT_PER_ADDRESS", 3)
VENDOR_REGISTRATION_LIMIT_WINDOW_MINUTES = env.int("VENDOR_REGISTRATION_LIMIT_WINDOW_MINUTES", 60)

# --- Tenders (lpse.tenders; see docs/apps/tenders.md) ---------------------------------------
# Schedule changes requested by a committee apply at once instead of waiting for an
# application administrator (regulation Lampiran III 3.6 steps 2–3 skipped).
TENDER_SCHEDULE_CHANGE_DIRECT = env.bool("TENDER_SCHEDULE_CHANGE_DIRECT", default=False)
# Working days bidders must still have after an addendum published during the upload stage.
TENDER_ADDENDUM_MIN_UPLOAD_DAYS = env.int("TENDER_ADDENDUM_MIN_UPLOAD_DAYS", default=3)
# Calendar days the committee has to answer objections after the objection period ends.
TENDER_OBJECTION_ANSWER_DAYS = env.int("TENDER_OBJECTION_ANSWER_DAYS", default=3)
# Prequalification: with fewer qualified vendors the prequalification has failed.
TENDER_PREQUALIFICATION_MIN_QUALIFIED = env.int("TENDER_PREQUALIFICATION_MIN_QUALIFIED",
                                                default=3)
# Minimum stage durations per selection method, overriding the legal defaults, as JSON:
# {"tender": {"upload": [5, "working_days"], "objection": [5, "calendar_days"], ...}}
# (key "prakualifikasi": the stages a prequalification adds).
TENDER_STAGE_RULES = env.json("TENDER_STAGE_RULES", default={})
# Seconds a page of the public tender list (HTML and API) is served from the cache; the
# current stage shown may lag the clock by that much. Publications and changes flush it.
TENDER_PUBLIC_LIST_CACHE_SECONDS = env.int("TENDER_PUBLIC_LIST_CACHE_SECONDS", default=30)

# --- Backups (lpse.backups; docs/backups.md) ------------------------------------------------
# Archives are encrypted to these age public keys (age1…); the private key stays offline.
BACKUP_RECIPIENTS = env.list("BACKUP_RECIPIENTS", default=[])
# The local destination: the mounted portable drive, kept away from the server room.
BACKUP_LOCAL_DIR = Path(env.str("BACKUP_LOCAL_DIR", default="") or VAR_DIR / "backups")
# Refuse to write unless BACKUP_LOCAL_DIR is a mount point (the drive is really plugged in).
BACKUP_REQUIRE_MOUNT = env.bool("BACKUP_REQUIRE_MOUNT", default=False)
# Scratch space for the database snapshot while it is packed (never on the portable drive).
BACKUP_WORK_DIR = Path(env.str("BACKUP_WORK_DIR", default="") or VAR_DIR / "backup-work")
# Optional second destination: S3-compatible object storage.
BACKUP_S3_BUCKET = env.str("BACKUP_S3_BUCKET", default="")
BACKUP_S3_PREFIX = env.str("BACKUP_S3_PREFIX", default="lpse-backups/")
BACKUP_S3_ENDPOINT_URL = env.str("BACKUP_S3_ENDPOINT_URL", default="") or None
BACKUP_S3_REGION = env.str("BACKUP_S3_REGION", default="") or None
BACKUP_S3_ACCESS_KEY_ID = env.str("BACKUP_S3_ACCESS_KEY_ID", default="") or None
BACKUP_S3_SECRET_ACCESS_KEY = env.str("BACKUP_S3_SECRET_ACCESS_KEY", default="") or None
# Daily backup time (WIB, HH:MM) and retention of archives per destination.
BACKUP_TIME = env.str("BACKUP_TIME", default="01:30")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", 4)
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", 12)
# Alert the system administrators when the newest verified backup is older than this.
BACKUP_MAX_AGE_HOURS = env.int("BACKUP_MAX_AGE_HOURS", 26)
# Monthly restore drill: day of month and time (WIB). It needs the private key: without
# BACKUP_DRILL_IDENTITY_FILE the drill waits for an administrator to run it by hand.
BACKUP_DRILL_DAY = env.int("BACKUP_DRILL_DAY", 1)
BACKUP_DRILL_TIME = env.str("BACKUP_DRILL_TIME", default="03:00")
BACKUP_DRILL_IDENTITY_FILE = env.str("BACKUP_DRILL_IDENTITY_FILE", default="")

# --- Open data: OCDS publication and public API (lpse.opendata; docs/apps/opendata.md) -----
# ocid = OCDS_PREFIX + tender code. A real prefix ("ocds-" + 6 characters) is registered with
# the Open Contracting Partnership; set it before the first publication and never change it.
OCDS_PREFIX = env.str("OCDS_PREFIX", default="ocds-xxxxxx-sumedang-")
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="") or LPSE_UNIT_NAME
OCDS_LICENSE = env.str("OCDS_LICENSE",
                       default="https://creativecommons.org/licenses/by/4.0/")
OCDS_PUBLICATION_POLICY = env.str("OCDS_PUBLICATION_POLICY", default="")
# Public API responses of lpse.opendata: Cache-Control max-age and server-side cache.
OPENDATA_CACHE_SECONDS = env.int("OPENDATA_CACHE_SECONDS", default=60)
# Bulk OCDS endpoints have their own, stricter rate (DRF scoped throttle "opendata").
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["opendata"] = env.str(  # type: ignore[index]
    "API_RATE_OPENDATA", default="60/minute")
# One coherent OpenAPI document: standard error answers on every operation, "public" tag.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "lpse.opendata.openapi.add_standard_errors",
]
# Excel export of the public tender list: at most this many rows (CSV streams all).
OPENDATA_XLSX_MAX_ROWS = env.int("OPENDATA_XLSX_MAX_ROWS", default=20000)

# --- Sealed bids (lpse.bids; see docs/apps/bids.md) -----------------------------------------
# Limits per bid (all envelopes together).
BIDS_MAX_FILES = env.int("BIDS_MAX_FILES", default=250)
BIDS_MAX_BYTES = env.int("BIDS_MAX_MB", default=500) * 1024 * 1024
# Browsers send files in segments of this size; each is sealed on arrival (resumable upload).
BIDS_SEGMENT_BYTES = env.int("BIDS_SEGMENT_MB", default=8) * 1024 * 1024
# The server's receipt signing key (Ed25519, PEM) and vault key; created on first use.
BIDS_SIGNING_KEY_FILE = Path(env.str("BIDS_SIGNING_KEY_FILE", default="")
                             or VAR_DIR / "keys" / "bids-receipt-signing.pem")
BIDS_VAULT_KEY_FILE = Path(env.str("BIDS_VAULT_KEY_FILE", default="")
                           or VAR_DIR / "keys" / "bids-vault.key")
# Ciphertext being written before it moves into storage (same filesystem as MEDIA_ROOT
# for a rename instead of a copy). Never holds plaintext.
BIDS_SPOOL_DIR = Path(env.str("BIDS_SPOOL_DIR", default="") or VAR_DIR / "spool")
# Argon2id cost of the members' passphrase-derived keys (RFC 9106 second recommendation;
# the test suite uses a cheaper setting of the same function to stay fast).
BIDS_ARGON2_TIME_COST = env.int("BIDS_ARGON2_TIME_COST", default=1 if TESTING else 3)
BIDS_ARGON2_MEMORY_KIB = env.int("BIDS_ARGON2_MEMORY_KIB", default=8192 if TESTING else 65536)
BIDS_ARGON2_PARALLELISM = env.int("BIDS_ARGON2_PARALLELISM", default=1 if TESTING else 4)
# Opened documents up to this size are read whole in memory at the opening to check their
# format and metadata (PDF author) for the integrity warnings.
BIDS_METADATA_MAX_BYTES = env.int("BIDS_METADATA_MAX_MB", default=32) * 1024 * 1024
# Where a case of an unopenable bid file is forwarded (LKPP's technical support address).
BIDS_LKPP_EMAIL = env.str("BIDS_LKPP_EMAIL", default="")
# Bids submitted within this many seconds of each other from one network (/24 or /64) are
# flagged for the committee.
BIDS_FLAG_SECONDS_APART = env.int("BIDS_FLAG_SECONDS_APART", default=60)
# Benchmark only: expose /bids/bench/raw-upload/, which streams a request body to disk.
BIDS_BENCH_ENDPOINTS = env.bool("BIDS_BENCH_ENDPOINTS", default=False)

# --- Operations: monitoring, alerts, maintenance (lpse.operations) ------------------------
# Thresholds are percentages of capacity unless named otherwise; crossing one opens an alert
# that is e-mailed to the system administrators and shown on the monitoring dashboard.
OPERATIONS = {
    "DISK_WARNING_PERCENT": env.float("OPS_DISK_WARNING_PERCENT", 80.0),
    "DISK_CRITICAL_PERCENT": env.float("OPS_DISK_CRITICAL_PERCENT", 90.0),
    "MEMORY_WARNING_PERCENT": env.float("OPS_MEMORY_WARNING_PERCENT", 85.0),
    "MEMORY_CRITICAL_PERCENT": env.float("OPS_MEMORY_CRITICAL_PERCENT", 95.0),
    "DATABASE_WARNING_BYTES": env.int("OPS_DATABASE_WARNING_BYTES", 50 * 1024**3),
    "DATABASE_CRITICAL_BYTES": env.int("OPS_DATABASE_CRITICAL_BYTES", 100 * 1024**3),
    "QUEUE_WARNING_DEPTH": env.int("OPS_QUEUE_WARNING_DEPTH", 200),
    "QUEUE_CRITICAL_DEPTH": env.int("OPS_QUEUE_CRITICAL_DEPTH", 1000),
    "QUEUE_WARNING_AGE_MINUTES": env.int("OPS_QUEUE_WARNING_AGE_MINUTES", 10),
    "QUEUE_CRITICAL_AGE_MINUTES": env.int("OPS_QUEUE_CRITICAL_AGE_MINUTES", 60),
    "BACKUP_WARNING_HOURS": env.int("OPS_BACKUP_WARNING_HOURS", 26),
    "BACKUP_CRITICAL_HOURS": env.int("OPS_BACKUP_CRITICAL_HOURS", 48),
    # A transaction idle or running longer than this is "hanging" (Lampiran 5, database 2).
    "HANGING_TRANSACTION_SECONDS": env.int("OPS_HANGING_TRANSACTION_SECONDS", 300),
    "LOCK_WAIT_WARNING": env.int("OPS_LOCK_WAIT_WARNING", 5),
    "CONNECTIONS_WARNING_PERCENT": env.float("OPS_CONNECTIONS_WARNING_PERCENT", 80.0),
    # Security events per hour before an alert (lockouts alert from the first one).
    "FAILED_LOGINS_PER_HOUR": env.int("OPS_FAILED_LOGINS_PER_HOUR", 30),
    "LOCKOUTS_PER_HOUR": env.int("OPS_LOCKOUTS_PER_HOUR", 1),
    "DENIED_PER_HOUR": env.int("OPS_DENIED_PER_HOUR", 50),
    "UPLOAD_REJECTIONS_PER_HOUR": env.int("OPS_UPLOAD_REJECTIONS_PER_HOUR", 20),
    "NOT_FOUND_BURSTS_PER_HOUR": env.int("OPS_NOT_FOUND_BURSTS_PER_HOUR", 1),
    # A burst: this many 404 answers to one address within NOT_FOUND_WINDOW_SECONDS.
    "NOT_FOUND_BURST": env.int("OPS_NOT_FOUND_BURST", 30),
    "NOT_FOUND_WINDOW_SECONDS": env.int("OPS_NOT_FOUND_WINDOW_SECONDS", 60),
    # Health: a worker is alive when the heartbeat job finished within this many minutes.
    "WORKER_HEARTBEAT_MINUTES": env.int("OPS_WORKER_HEARTBEAT_MINUTES", 3),
    "MAIL_CHECK_TIMEOUT_SECONDS": env.int("OPS_MAIL_CHECK_TIMEOUT_SECONDS", 5),
    # This server's clock against the database server's (deadlines are decided by it): a
    # warning, and from the critical offset /health/ reports the server down.
    "CLOCK_WARNING_SECONDS": env.float("OPS_CLOCK_WARNING_SECONDS", 0.5),
    "CLOCK_CRITICAL_SECONDS": env.float("OPS_CLOCK_CRITICAL_SECONDS", 2.0),
    # A maintenance window still on past its announced end: warning at once, critical after.
    "MAINTENANCE_OVERRUN_CRITICAL_MINUTES": env.int("OPS_MAINTENANCE_OVERRUN_CRITICAL_MINUTES",
                                                    30),
    # The self-probe fetches this URL (default: SITE_URL + "/").
    "PROBE_URL": env.str("OPS_PROBE_URL", default=""),
    "PROBE_TIMEOUT_SECONDS": env.int("OPS_PROBE_TIMEOUT_SECONDS", 10),
}
# Bearer token for /operations/metrics (Prometheus). Empty: the endpoint answers 404.
OPERATIONS_METRICS_TOKEN = env.str("OPS_METRICS_TOKEN", default="")

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

if TESTING:
    TASKS["default"]["BACKEND"] = env.str(
        "TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend"
    )
