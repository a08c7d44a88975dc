"""Lianxin settings, read from the environment (see .env.example).

With nothing set the app runs on its embedded default: SQLite, local-memory
cache, Celery tasks run eagerly, email printed to the console. DATABASE_URL,
REDIS_URL and CELERY_BROKER_URL switch on the real services.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = envbool("DEBUG", False)
# Required when DEBUG is off. It is not refused here, so that commands which
# need no key (makemigrations --check, makemessages) run without one; the app
# servers and Celery workers refuse to start without it (lms.startup).
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-lianxin-key-never-used-in-production-5c1f9e7a2b"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# When set (CI does), the real services are mandatory: no SQLite, no eager tasks.
REQUIRE_SERVICES = envbool("LIANXIN_REQUIRE_SERVICES", False)

INSTALLED_APPS = [
    "people",
    "courses",
    "assessments",
    "wellbeing",
    "records",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so that it sees every response: a lost database is a 503 page.
    "lms.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Workers' most visited pages, per user (people/page_cache.py, issue 8).
    "people.page_cache.PageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes goes last so that it sees the outcome of every authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = envstr("DATABASE_URL")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real Celery worker in the tests can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
if (
    REQUIRE_SERVICES
    and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
):
    raise ImproperlyConfigured(
        "LIANXIN_REQUIRE_SERVICES is set: DATABASE_URL must be PostgreSQL."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions --------------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
if REQUIRE_SERVICES and not REDIS_URL:
    raise ImproperlyConfigured(
        "LIANXIN_REQUIRE_SERVICES is set: REDIS_URL must be set."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage is a cache miss, never an error page (lms/cache.py).
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "lianxin"),
            "OPTIONS": {
                # Redis answers in well under a millisecond; a page must not
                # wait long for one that is gone.
                "socket_connect_timeout": float(envstr("REDIS_CONNECT_TIMEOUT", "0.5")),
                "socket_timeout": float(envstr("REDIS_TIMEOUT", "1")),
                # After a failure, skip Redis this long before trying again.
                "BREAKER_SECONDS": float(envstr("REDIS_BREAKER_SECONDS", "5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are written to the database and read through the cache: fast with
# Redis, and nobody is signed out when Redis restarts.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "lianxin"
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A request never waits long for a dead broker: publishing connects once, with
# short timeouts, and people.outbox keeps what could not be published.
CELERY_BROKER_CONNECTION_TIMEOUT = float(envstr("BROKER_CONNECT_TIMEOUT", "1"))
# Workers and beat keep trying to reach the broker when it is down as they start.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took but never acknowledged (the worker was killed) goes
# back to the queue this long after it was taken: longer than any task runs
# (acks_late) and than any retry countdown, or a running task gets a twin.
# Work lost this way is redone sooner by the reconciliation tasks below.
LIANXIN_VISIBILITY_TIMEOUT = envint("CELERY_VISIBILITY_TIMEOUT", 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": LIANXIN_VISIBILITY_TIMEOUT,
    # Workers look for such messages every 10 s (kombu's default: ~100 s).
    "unacked_restore_interval": max(1, min(10, LIANXIN_VISIBILITY_TIMEOUT // 2)),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # Above the worker's 1-second BRPOP, so that a half-open connection fails.
    "socket_timeout": float(envstr("BROKER_TIMEOUT", "3")),
    # Connecting for a publish: one more try at once, not kombu's 2, 4, 6 s... loop.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Publishers other than people.outbox (beat, retries on the workers): a short
# retry, then the error.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# After a failed publish, the next tasks go straight to the outbox this long.
LIANXIN_BROKER_BREAKER_SECONDS = envint("BROKER_BREAKER_SECONDS", 5)
CELERY_BEAT_SCHEDULE: dict = {
    # Wagtail's scheduled publishing (go_live_at / expire_at) of course pages.
    "publish-scheduled-pages": {
        "task": "courses.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    },
    # Attempts whose time ran out are closed as they stand (assessments).
    "close-expired-attempts": {
        "task": "assessments.tasks.attempts_close_expired",
        "schedule": 60.0,
    },
    # Certificate expiry reminders, 30 and 7 days before (assessments).
    "certificate-expiry-reminders": {
        "task": "assessments.tasks.certificate_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # Due-date reminders for assigned courses: 7 days, 1 day, overdue (courses).
    "assignment-reminders": {
        "task": "courses.tasks.assignment_reminders_send",
        "schedule": crontab(hour=7, minute=30),
    },
    # Tasks queued while the broker was down (people.outbox); workers also
    # publish them as they start.
    "outbox-flush": {
        "task": "people.tasks.outbox_flush",
        "schedule": 30.0,
    },
    # Work a killed worker or a lost message left undone, redone (issue 9):
    # certificates due but missing, fan-outs that stopped.
    "certificates-reconcile": {
        "task": "assessments.tasks.certificates_reconcile",
        "schedule": crontab(minute="*/5"),
    },
    "assignment-fan-outs-resume": {
        "task": "courses.tasks.assignment_fan_outs_resume",
        "schedule": crontab(minute="*/5"),
    },
    # Stress self-assessment results older than the retention period (wellbeing).
    "wellbeing-retention-purge": {
        "task": "wellbeing.tasks.results_purge",
        "schedule": crontab(hour=3, minute=0),
    },
}

# --- Authentication ---------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "people.auth.IdentifierBackend",
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:home"
LOGOUT_REDIRECT_URL = "people:login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A username+IP pair is locked after 5 failures for 30 minutes; a whole office
# behind one IP is never locked out by one person's typos.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "people.auth.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "people.audit.client_ip"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "连心学堂"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ------------------------------------------------------------------
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "连心学堂 <noreply@lianxin.local>")

# --- Security (production unless DEBUG) -------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if envbool("BEHIND_HTTPS_PROXY", False)
    else None
)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail marks its preview views SAMEORIGIN itself.
X_FRAME_OPTIONS = "DENY"

# --- Wagtail ----------------------------------------------------------------
WAGTAIL_SITE_NAME = "连心学堂"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "ppt",
    "pptx",
    "xls",
    "xlsx",
    "txt",
    "mp4",
    "mp3",
    "m4a",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- Lianxin ----------------------------------------------------------------
# 三岗十八级: the grades each post type may hold. Change here if a city uses
# other ranges.
LIANXIN_GRADE_RANGES = {
    "principal": (7, 18),
    "deputy": (4, 15),
    "other": (1, 12),
}
# Training hours a worker should reach in a year when no HoursTarget row says
# otherwise (admins set targets per position and year in the admin).
LIANXIN_DEFAULT_HOURS_TARGET = Decimal(envstr("DEFAULT_HOURS_TARGET", "40"))
# How many reverse proxies we run in front of the app; the client IP is read
# that many hops from the right of X-Forwarded-For. 0: REMOTE_ADDR as is.
LIANXIN_TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
# Roster uploads larger than this are refused before they are read.
LIANXIN_ROSTER_MAX_BYTES = envint("ROSTER_MAX_BYTES", 5 * 1024 * 1024)
# The public address, for links in emails, certificate QR codes and exports.
LIANXIN_SITE_URL = SITE_URL
# Serve the trivial "framework floor" view at /bench/floor/ (only the load run
# of `make bench` sets it; see tests/bench/load.py).
LIANXIN_BENCH_FLOOR = envbool("LIANXIN_BENCH_FLOOR", False)
# How long a worker's cached page (我的学习, catalog, course, lesson) may live;
# writes invalidate it at once (people/page_cache.py). 0 switches it off.
LIANXIN_PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 300)

# --- Assessments (question banks, quizzes, competencies, certificates) -------

# Question import (Excel, CSV, Moodle XML, GIFT, Aiken): larger files are refused.
LIANXIN_QUESTION_IMPORT_MAX_BYTES = envint(
    "QUESTION_IMPORT_MAX_BYTES", 10 * 1024 * 1024
)
# Certificates: requests per client IP and minute to the public verification
# page and badge assertions; a course's ZIP of more certificates than this is
# built by a Celery task with a progress page.
LIANXIN_CERTIFICATE_VERIFY_PER_MINUTE = envint("CERTIFICATE_VERIFY_PER_MINUTE", 30)
LIANXIN_CERTIFICATE_ZIP_SYNC_MAX = envint("CERTIFICATE_ZIP_SYNC_MAX", 20)
# Reconciliation (every 5 minutes): a certificate or fan-out still not done this
# long after it was due is taken for lost (a killed worker) and queued again.
LIANXIN_RECONCILE_GRACE_MINUTES = envint("RECONCILE_GRACE_MINUTES", 10)

# --- Wellbeing (stress self-assessment) -------------------------------------
# Results are deleted this many days after they were taken, by the daily beat
# task wellbeing.tasks.results_purge.
LIANXIN_WELLBEING_RETENTION_DAYS = envint("WELLBEING_RETENTION_DAYS", 365)
# HR sees aggregates only over at least this many participants. Never below 5:
# wellbeing.privacy.min_group() raises a lower value to 5 (and a check warns).
LIANXIN_WELLBEING_MIN_GROUP = envint("WELLBEING_MIN_GROUP", 5)
# Fernet key(s) that encrypt answers and scores at rest, comma-separated: the
# first encrypts, all decrypt (rotation). Generate one with
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
# Required with DEBUG off (system check wellbeing.E001); in DEBUG and under the
# test settings a key is derived from SECRET_KEY instead.
LIANXIN_WELLBEING_KEY = envstr("LIANXIN_WELLBEING_KEY")
LIANXIN_WELLBEING_KEY_FROM_SECRET = DEBUG

# --- HR review (assignments, dashboards, exports, API) -----------------------
# External hours claims: proofs (photo or PDF) larger than this are refused.
LIANXIN_CLAIM_MAX_BYTES = envint("CLAIM_MAX_BYTES", 5 * 1024 * 1024)
# Dashboards list child units in name order; a deployment may allow comparing
# communities (sorted by completion, with a rank). Never individuals.
LIANXIN_RECORDS_ALLOW_COMPARISON = envbool("RECORDS_ALLOW_COMPARISON", False)
# Exports larger than this run as a Celery task with a progress page. Writing
# XLSX costs about 0.25 ms of CPU a row: above 1,000 rows a web worker would
# be busy for seconds that the workers' pages need (issue 8).
LIANXIN_EXPORT_ASYNC_ROWS = envint("EXPORT_ASYNC_ROWS", 1000)
# How long the file of an asynchronous export may be downloaded.
LIANXIN_EXPORT_TTL_HOURS = envint("EXPORT_TTL_HOURS", 24)
CELERY_BEAT_SCHEDULE["records-export-cleanup"] = {
    "task": "records.tasks.exports_cleanup",
    "schedule": crontab(minute=15),
}
REST_FRAMEWORK = {
    # Authentication, permissions and pagination are set on the records API's
    # own views (records.api.views), so Wagtail's admin API keeps its defaults.
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lianxin records API",
    "DESCRIPTION": (
        "Read-only HR records: org units, workers, enrolments and completions, "
        "training hours and certificates, scoped to the token owner's org units."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["records.api.permissions.IsReviewer"],
    "SERVE_AUTHENTICATION": [
        "records.api.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["records.api.schema.only_records_api"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Wagtail queues its search and reference-index updates as django_tasks;
        # one INFO line per task buries everything else (seed_demo prints hundreds).
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": envstr("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}


# Every sign-in, including the Wagtail and Django admins', goes through our
# login page: it knows employee numbers and phones, lockouts and TOTP.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
