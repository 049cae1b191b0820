"""Settings for rongrian, read from the environment with safe defaults.

Every knob is an environment variable; nothing else is read from outside.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A production deployment sets SECRET_KEY; `manage.py check --deploy` flags this default.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-rongrian-development-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rongrian.common",
    "rongrian.org",
    "rongrian.catalog",
    "rongrian.cases",
    "rongrian.sla",
    "rongrian.notify",
    "rongrian.intake",
    "rongrian.tracking",
    "rongrian.surveys",
    "rongrian.audit",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads request.POST: small file-less forms in one pass.
    "rongrian.common.smallforms.SmallFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rongrian.tracking.access.GrantsMiddleware",
]

ROOT_URLCONF = "rongrian.urls"
WSGI_APPLICATION = "rongrian.wsgi.application"

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
            ],
        },
    },
]

# The embedded default is an SQLite file in the working directory.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{Path.cwd() / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing on lock upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every query here is short; JIT compiling one costs more than it saves (55 ms on
    # the overdue count at 1,000,000 cases, for a query that then runs in 10 ms).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering columns (Index include=...) serve PostgreSQL's index-only scans; SQLite keeps
# the same indexes without them, which is all it needs at its size.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "org.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "th"
LANGUAGES = [
    ("th", _("Thai")),
    ("en", _("English")),
    ("my", _("Burmese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Static files are served by whitenoise straight from the apps (finders); a deployment
# may still collect them into STATIC_ROOT.
STATIC_ROOT = Path(os.environ["STATIC_ROOT"]) if os.environ.get("STATIC_ROOT") else None
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(Path.cwd() / "media")))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Case text limits: long enough for a detailed complaint, short enough to refuse junk.
RONGRIAN_DESCRIPTION_MAX_CHARS = env_int("RONGRIAN_DESCRIPTION_MAX_CHARS", 5000)
# Photos: how many per complaint, bytes per photo, longest edge kept.
RONGRIAN_MAX_PHOTOS = env_int("RONGRIAN_MAX_PHOTOS", 5)
RONGRIAN_MAX_UPLOAD_BYTES = env_int("RONGRIAN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
RONGRIAN_PHOTO_MAX_EDGE = env_int("RONGRIAN_PHOTO_MAX_EDGE", 2560)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The address citizens reach the site at, for links in receipts and messages.
RONGRIAN_PUBLIC_URL = env_str("RONGRIAN_PUBLIC_URL", "http://127.0.0.1:8000")
# Map tiles for the location pin; empty means no tiles (the pin still works on a blank map).
RONGRIAN_MAP_TILES = env_str("RONGRIAN_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
RONGRIAN_MAP_ATTRIBUTION = env_str("RONGRIAN_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
# Public endpoints: attempts per client address per window (seconds).
RONGRIAN_SUBMIT_LIMIT = env_int("RONGRIAN_SUBMIT_LIMIT", 20)
RONGRIAN_SUBMIT_WINDOW = env_int("RONGRIAN_SUBMIT_WINDOW", 600)
RONGRIAN_TRACK_FAIL_LIMIT = env_int("RONGRIAN_TRACK_FAIL_LIMIT", 10)
RONGRIAN_TRACK_FAIL_WINDOW = env_int("RONGRIAN_TRACK_FAIL_WINDOW", 900)
# Behind a reverse proxy, the header that carries the client's address.
RONGRIAN_CLIENT_IP_HEADER = env_str("RONGRIAN_CLIENT_IP_HEADER", "")

# Cache: rate limits and throttles. Local memory per process by default; Redis shares
# them across processes and machines.
if os.environ.get("CACHE_URL", "").startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks (Django 6's tasks API through the django-tasks backport).
# "db" needs no broker: `manage.py db_worker` runs them. "rq" uses Redis workers
# (`pip install .[rq]`, then `manage.py rqworker --job-class django_tasks_rq.Job default`).
# "immediate" runs them inline.
TASKS_BACKEND = env_str("TASKS_BACKEND", "db")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0")}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications: one transport per channel (dotted path). The logging transport
# only writes to the log, for development; production sets real ones.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "rongrian@localhost")
_transports = {
    "log": "rongrian.notify.transports.logging.LoggingTransport",
    "email": "rongrian.notify.transports.email.EmailTransport",
    "http": "rongrian.notify.transports.http.SmsGatewayTransport",
    "line": "rongrian.notify.transports.http.LinePushTransport",
}
NOTIFY_TRANSPORTS = {
    "email": _transports[env_str("NOTIFY_EMAIL", "email")],
    "sms": _transports[env_str("NOTIFY_SMS", "log")],
    "line": _transports[env_str("NOTIFY_LINE", "log")],
}
NOTIFY_SMS_URL = env_str("NOTIFY_SMS_URL", "")
NOTIFY_SMS_TOKEN = env_str("NOTIFY_SMS_TOKEN", "")
NOTIFY_SMS_SENDER = env_str("NOTIFY_SMS_SENDER", "rongrian")
LINE_CHANNEL_ACCESS_TOKEN = env_str("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_API_BASE = env_str("LINE_API_BASE", "https://api.line.me")
# LINE serves message content (photos) from a separate host.
LINE_DATA_API_BASE = env_str("LINE_DATA_API_BASE", "https://api-data.line.me")
NOTIFY_HTTP_TIMEOUT = 10.0
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8)
