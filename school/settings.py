"""Settings for the Social Business School, read from the environment.

With nothing set the school runs on an embedded default: SQLite, Celery on kombu's
filesystem transport and email written to files, all under ``var/``. Set ``DATABASE_URL``
and ``REDIS_URL`` to run on PostgreSQL and Redis. ``.env.example`` lists every variable.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Set SECRET_KEY (see .env.example), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
SITE_NAME = "Social Business School"
# The school's first week: no digest can be previewed, started or sent for an earlier one.
SCHOOL_FIRST_WEEK = datetime.date.fromisoformat(env.str("SCHOOL_FIRST_WEEK", default="2026-01-05"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "taggit",
    "django_celery_beat",
    "members",
    "circles",
    "commons",
    "notifications",
    "facilitation",
    "meetings",
    "record",
    "privacy",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "school.middleware.ContentSecurityPolicyMiddleware",
    "school.middleware.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.OnboardingMiddleware",
    "members.middleware.TimeZoneMiddleware",
]

ROOT_URLCONF = "school.urls"
WSGI_APPLICATION = "school.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "school.context_processors.site",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'school.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL, IMMEDIATE transactions and a busy
    # timeout keep them from meeting "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer must not hang pages until gunicorn kills its
    # workers (30 s): give up connecting after DATABASE_CONNECT_TIMEOUT seconds and cancel
    # any statement running longer than DATABASE_STATEMENT_TIMEOUT seconds (0: no limit,
    # as the release step's migrations use). Either answers 503 (school.views).
    # JIT off: the pages' queries are short, and a plan whose estimate passes
    # jit_above_cost spent ~90 ms compiling to run in 3 ms (the dashboard's waiting logs).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=5),
        "options": "-c statement_timeout="
        f"{int(env.float('DATABASE_STATEMENT_TIMEOUT', default=15) * 1000)} -c jit=off",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


def redis_cache(url: str) -> dict:
    """A Redis cache (school/cache.py) that degrades to "no cache" while Redis is down: reads
    miss, writes are dropped and logged (``school.cache``), so signing in and posting keep
    working; allauth's rate limits are not enforced until Redis is back. The timeouts keep
    an unreachable Redis from holding a page."""
    return {
        "BACKEND": "school.cache.SchoolRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
        },
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sbs"),
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "school.cache"
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _dir in (_queue_dir, _processed_dir, _control_dir):
        _dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_control_dir),
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken by a worker that vanished without acking is handed out again
        # after this long (prefork workers also requeue at once: task_reject_on_worker_lost).
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # Publishing tries the broker once: kombu's retry sleeps two seconds before it
        # looks at any deadline, and a page must not wait for a broker that is down (the
        # sweep sends the work later). The worker's own reconnecting is not affected: it
        # follows broker_connection_max_retries below.
        "max_retries": 0,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses the broker keeps reconnecting (every few seconds, then every 30 s)
# until it is back, however long the outage.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Europe/London")
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Publishing must never hang a page when the broker is down: fail fast, the
# database keeps the work and a periodic sweep sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY = False
# Two queues: ``email`` (digests, nudges, response emails) so a big digest never delays
# other work, and the default ``celery``. The worker consumes both (-Q celery,email).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "notifications.digest_send_batch": {"queue": "email"},
    "notifications.nudges_sweep": {"queue": "email"},
    "notifications.response_emails_send": {"queue": "email"},
    "notifications.moderation_email_send": {"queue": "email"},
}
# Sending tasks are idempotent (a claimed row per email), so they ack late and are handed
# out again if their worker dies mid-batch; their decorators set this per task.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# --- Email ------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Social Business School <school@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How long an email's one-click unsubscribe link is honoured (an old digest still works).
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = env.int("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", default=180)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Privacy: exports and retention (the /privacy/ page quotes these) ----------------------
# Where export zips are written (never served as static files: a signed view checks who asks).
PRIVACY_EXPORT_DIR = Path(env.str("PRIVACY_EXPORT_DIR", default=str(VAR_DIR / "exports")))
# Days an export's link works; its file is deleted after that.
PRIVACY_EXPORT_DAYS = env.int("PRIVACY_EXPORT_DAYS", default=7)
# Erasure, exports and the retention purge work in short transactions of at most this many
# rows; a batch slower than this many seconds halves the next (privacy/batches.py).
PRIVACY_BATCH_SIZE = env.int("PRIVACY_BATCH_SIZE", default=500)
PRIVACY_BATCH_SECONDS = env.float("PRIVACY_BATCH_SECONDS", default=0.5)
# Days kept, then purged every night: records of emails sent (digests, nudges, response
# emails; meeting reminders counted from the meeting's end), notifications once read, and
# invite links after they expired.
RETENTION_DELIVERY_DAYS = env.int("RETENTION_DELIVERY_DAYS", default=180)
RETENTION_READ_NOTIFICATION_DAYS = env.int("RETENTION_READ_NOTIFICATION_DAYS", default=90)
RETENTION_EXPIRED_INVITE_DAYS = env.int("RETENTION_EXPIRED_INVITE_DAYS", default=30)
RETENTION_FORM_TOKEN_DAYS = env.int("RETENTION_FORM_TOKEN_DAYS", default=30)

# --- Accounts (django-allauth 65) -----------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, each reading her profile with her user (members/auth.py).
    "members.auth.ModelBackend",
    "members.auth.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_FORMS = {
    "signup": "members.forms.SignupForm",
    "login": "members.forms.LoginForm",
    "change_password": "members.forms.ChangePasswordForm",
    "reset_password_from_key": "members.forms.ResetPasswordKeyForm",
    "add_email": "members.forms.AddEmailForm",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security (production values in .env.example) ---------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database: no query per
# request for them, and nobody is signed out when the cache is flushed or down.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Content-Security-Policy on every page (school/middleware.py): scripts and styles only
# from the site's own static files (no inline script; htmx's indicator style is off via
# its <meta name="htmx-config">), no plugins, no framing, forms post only to the site.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
CSP_REPORT_URI = env.str("CSP_REPORT_URI", default="")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
# 24-hour times in the admin too, as on the site's pages (school/formats/en_GB).
FORMAT_MODULE_PATH = ["school.formats"]

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
