"""Jingmin settings: one file, every knob from the environment (``JINGMIN_*``), safe defaults."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("JINGMIN_VAR_DIR", BASE_DIR.parent / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key():
    given = os.environ.get("JINGMIN_SECRET_KEY")
    if given:
        return given
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("JINGMIN_DEBUG", False)
ALLOWED_HOSTS = env_list("JINGMIN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("JINGMIN_CSRF_TRUSTED_ORIGINS")

# Demo mode: on by default on the embedded database, off when a real database is configured.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DEMO = env_bool("JINGMIN_DEMO", not DATABASE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "jingmin.org",
    "jingmin.audit",
    "jingmin.geo",
    "jingmin.analytics",
    "jingmin.places",
    "jingmin.people",
    "jingmin.visits",
    "jingmin.intel",
    "jingmin.messaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jingmin.audit.middleware.RequestIdMiddleware",
    "jingmin.middleware.RejectNulMiddleware",
    "jingmin.middleware.RejectBadMultipartMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jingmin.org.otp.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jingmin.urls"
WSGI_APPLICATION = "jingmin.wsgi.application"

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
                "jingmin.org.context.jingmin",
            ],
            "builtins": ["jingmin.org.templatetags.roc"],
        },
    }
]

# e-map layers: how long a server process may reuse its check of a bearer token and of the layer
# versions (0 = check on every request). Revocation and writes reach other processes within this time.
JINGMIN_LAYER_RECHECK_SECONDS = float(os.environ.get("JINGMIN_LAYER_RECHECK_SECONDS", "0.5"))

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("JINGMIN_DB_CONN_MAX_AGE", "60"))
    )
    if DATABASE_URL
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "CONN_MAX_AGE": int(os.environ.get("JINGMIN_DB_CONN_MAX_AGE", "60")),
        "NAME": os.environ.get("JINGMIN_SQLITE_PATH", str(VAR_DIR / "jingmin.sqlite3")),
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
# A PostgreSQL read replica (streaming replication) for the heavy reads: the apps named in
# JINGMIN_REPLICA_APPS (default: analytics — incidents, hotspots, forecasts) read from it; every write,
# and every read of the other apps, stays on the primary (jingmin/dbrouter.py).
REPLICA_URL = os.environ.get("JINGMIN_REPLICA_URL", "")
REPLICA_APPS = env_list("JINGMIN_REPLICA_APPS", "analytics")
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL, conn_max_age=int(os.environ.get("JINGMIN_DB_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["jingmin.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Inactive users are let through to the login form so it can say "this account is disabled".
    "django.contrib.auth.backends.AllowAllUsersModelBackend",
]

# django-axes: 5 failures for one username from one address lock that pair for 15 minutes, doubling
# with each further lockout of the pair within 24 h (jingmin/org/lockout.py).
AXES_FAILURE_LIMIT = int(os.environ.get("JINGMIN_LOCKOUT_FAILURES", "5"))
LOCKOUT_MINUTES = int(os.environ.get("JINGMIN_LOCKOUT_MINUTES", "15"))
AXES_COOLOFF_TIME = "jingmin.org.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jingmin.org.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("JINGMIN_AXES_ENABLED", True)

# Two-factor sign-in (TOTP) for sensitive roles; on by default outside demo mode.
OTP_REQUIRED = env_bool("JINGMIN_OTP_REQUIRED", not DEMO)
OTP_ROLES = env_list("JINGMIN_OTP_ROLES", "administrator,investigator,social_liaison")
OTP_TOTP_ISSUER = os.environ.get("JINGMIN_OTP_ISSUER", "Jingmin")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("JINGMIN_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("JINGMIN_STATIC_FINDERS", False)
MEDIA_ROOT = VAR_DIR / "media"

# Security headers. TLS-only cookies when served behind TLS (JINGMIN_HTTPS=1).
HTTPS = env_bool("JINGMIN_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("JINGMIN_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("JINGMIN_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("JINGMIN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("JINGMIN_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("JINGMIN_SESSION_SECONDS", str(8 * 3600)))

# Map tiles: the NLSC EMAP WMTS by default; vector layers stay useful when tiles cannot load.
TILE_URL = os.environ.get(
    "JINGMIN_TILE_URL", "https://wmts.nlsc.gov.tw/wmts/EMAP/default/GoogleMapsCompatible/{z}/{y}/{x}"
)
# the bureau the installation serves, shown in the header and on the sign-in page
ORG_NAME = os.environ.get("JINGMIN_ORG_NAME", "臺南市政府警察局")
TILE_ATTRIBUTION = os.environ.get("JINGMIN_TILE_ATTRIBUTION", "© 內政部國土測繪中心 NLSC")
# how long a map waits for its first tile before drawing the bundled outlines instead (isolated networks)
TILE_WAIT_MS = int(os.environ.get("JINGMIN_TILE_WAIT_MS", "4000"))


def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.hostname}" if parts.scheme and parts.hostname else None


_tile_origin = _origin(TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_tile_origin] if _tile_origin else [])],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# API tokens
API_TOKEN_TTL = timedelta(hours=int(os.environ.get("JINGMIN_API_TOKEN_HOURS", "720")))

# Background tasks (Django tasks API backport, ORM backend: runs on SQLite and PostgreSQL).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("JINGMIN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Periodic jobs (jingmin.org.schedule): name -> (task, local time after which the day's run is due).
SCHEDULE = {
    "visit_plans": (
        "jingmin.visits.tasks.generate_visit_plans",
        os.environ.get("JINGMIN_SCHEDULE_VISIT_PLANS", "01:00"),
    ),
    "analytics_refresh": (
        "jingmin.analytics.tasks.nightly_refresh",
        os.environ.get("JINGMIN_SCHEDULE_ANALYTICS", "02:00"),
    ),
    "retention_purge": (
        "jingmin.people.tasks.purge_expired_persons",
        os.environ.get("JINGMIN_SCHEDULE_PURGE", "03:00"),
    ),
    "messaging_purge": (
        "jingmin.messaging.tasks.purge_expired_messaging",
        os.environ.get("JINGMIN_SCHEDULE_MESSAGING_PURGE", "03:30"),
    ),
    "audit_checkpoint": (
        "jingmin.audit.tasks.write_checkpoint",
        os.environ.get("JINGMIN_SCHEDULE_AUDIT_CHECKPOINT", "04:00"),
    ),
    "line_quota_refresh": (
        "jingmin.messaging.tasks.refresh_all_quotas",
        os.environ.get("JINGMIN_SCHEDULE_LINE_QUOTA", "05:00"),
    ),
}
SCHEDULE_TICK_SECONDS = float(os.environ.get("JINGMIN_SCHEDULE_TICK_SECONDS", "60"))
# Task workers (jingmin.org.workers): each writes a heartbeat this often; pages say the work waits for a
# worker when none was seen within WORKER_ALIVE_SECONDS; tasks left running by a worker not seen for
# WORKER_LOST_SECONDS are marked failed (and their work re-queued by the app that owns it).
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("JINGMIN_WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_ALIVE_SECONDS = float(os.environ.get("JINGMIN_WORKER_ALIVE_SECONDS", "30"))
WORKER_LOST_SECONDS = float(os.environ.get("JINGMIN_WORKER_LOST_SECONDS", "60"))

# Audit chain (jingmin.audit): keys of the keyed hash chain, newest first, as "id:secret" pairs (or a
# file of such lines); unset, one key derived from SECRET_KEY (which is never stored in the database).
# Signed checkpoints of the chain's head go to a directory outside the database (and optionally by e-mail).
AUDIT_KEYS = env_list("JINGMIN_AUDIT_KEYS")
AUDIT_KEY_FILE = os.environ.get("JINGMIN_AUDIT_KEY_FILE", "")
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("JINGMIN_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
)
AUDIT_CHECKPOINT_EMAIL = env_list("JINGMIN_AUDIT_CHECKPOINT_EMAIL")

# Encryption at rest (jingmin.org.crypto): comma-separated Fernet keys, the first encrypts, all decrypt.
# Unset: one key derived from SECRET_KEY.
FERNET_KEYS = env_list("JINGMIN_FERNET_KEYS")
BLIND_INDEX_KEY = os.environ.get("JINGMIN_BLIND_INDEX_KEY", "")

# Messaging (jingmin.messaging): public base URL for images sent over LINE (must be https for LINE),
# delivery worker tuning.
PUBLIC_URL = os.environ.get("JINGMIN_PUBLIC_URL", "https://localhost:8000").rstrip("/")
MESSAGING = {
    "LINE_TIMEOUT": float(os.environ.get("JINGMIN_LINE_TIMEOUT", "10")),
    "LEASE_SECONDS": float(os.environ.get("JINGMIN_MESSAGING_LEASE_SECONDS", "20")),
    "BACKOFF_BASE": float(os.environ.get("JINGMIN_MESSAGING_BACKOFF_BASE", "2")),
    "BACKOFF_MAX": float(os.environ.get("JINGMIN_MESSAGING_BACKOFF_MAX", "900")),
    "MAX_ATTEMPTS": int(os.environ.get("JINGMIN_MESSAGING_MAX_ATTEMPTS", "12")),
    "CLAIM_BATCH": int(os.environ.get("JINGMIN_MESSAGING_CLAIM_BATCH", "16")),
    "SEND_THREADS": int(os.environ.get("JINGMIN_MESSAGING_SEND_THREADS", "8")),
    "PARALLEL_DRAINS": int(os.environ.get("JINGMIN_MESSAGING_PARALLEL_DRAINS", "2")),
    "DRAIN_SECONDS": float(os.environ.get("JINGMIN_MESSAGING_DRAIN_SECONDS", "240")),
    "MAX_IMAGE_BYTES": int(os.environ.get("JINGMIN_MESSAGING_MAX_IMAGE_BYTES", str(10 * 1024 * 1024))),
    # a LINE webhook body larger than this is refused (413) before it is read or its signature checked
    "WEBHOOK_MAX_BYTES": int(os.environ.get("JINGMIN_LINE_WEBHOOK_MAX_BYTES", str(1024 * 1024))),
}

EMAIL_BACKEND = os.environ.get("JINGMIN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("JINGMIN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JINGMIN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("JINGMIN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JINGMIN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("JINGMIN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("JINGMIN_EMAIL_FROM", "jingmin@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JINGMIN_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# axes.W006 asks for ip_address in AXES_LOCKOUT_PARAMETERS; it is there, combined with the username
# (one lockout per username and address, jingmin/org/lockout.py), which the check does not recognise
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # HSTS preloading is a public-internet commitment for a whole domain; an intranet host does not
    # need it, so `check --deploy` does not ask for it (JINGMIN_HSTS_PRELOAD=1 turns it on)
    "security.W021",
]
