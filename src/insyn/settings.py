"""One settings module, configured from the environment (twelve-factor).

Development (the default) runs on SQLite with secrets generated into var/; production
(INSYN_ENV=production) refuses to start without its secrets and turns on every transport guard.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from insyn.settings_oidc import *  # noqa: F403  single sign-on (docs/sso.md)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("INSYN_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# pytest (8.2+) announces itself in PYTEST_VERSION; tests then default to the test environment.
INSYN_ENV = os.environ.get(
    "INSYN_ENV", "test" if os.environ.get("PYTEST_VERSION") else "development"
)
if INSYN_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("INSYN_ENV must be development, production or test")
PRODUCTION = INSYN_ENV == "production"
TESTING = INSYN_ENV == "test"


def _dev_secret(name: str) -> str:
    """Development secrets live in var/dev-secrets.json so person keys survive restarts."""
    path = VAR_DIR / "dev-secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    if name not in stored:
        stored[name] = secrets.token_urlsafe(48)
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return stored[name]


def _secret(name: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production")
    if TESTING:
        return f"test-only-{name.lower()}-not-secret-0123456789-abcdefghijklmnop"
    return _dev_secret(name)


SECRET_KEY = _secret("INSYN_SECRET_KEY")
# The pepper keys person_key = HMAC-SHA256(pepper, personnummer); changing it orphans every key.
INSYN_PEPPER = _secret("INSYN_PEPPER")
# Optional: keep personnummer encrypted (Fernet) when the operator chooses to.
INSYN_FERNET_KEY = os.environ.get("INSYN_FERNET_KEY", "")
INSYN_STORE_PERSONNUMMER = env_bool("INSYN_STORE_PERSONNUMMER", False)
if INSYN_STORE_PERSONNUMMER and not INSYN_FERNET_KEY:
    raise ImproperlyConfigured("INSYN_STORE_PERSONNUMMER needs INSYN_FERNET_KEY")

DEBUG = env_bool("INSYN_DEBUG", default=INSYN_ENV == "development")

MIN_PEPPER_BYTES = 32


def production_problems(*, pepper: str, debug: bool) -> list[str]:
    """Why these settings must not serve production (empty when they may)."""
    problems = []
    if len(pepper.encode()) < MIN_PEPPER_BYTES:
        problems.append(
            f"INSYN_PEPPER must be at least {MIN_PEPPER_BYTES} bytes in production "
            "(it keys every person_key; generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    if debug:
        problems.append("INSYN_DEBUG must be off in production (debug pages show settings)")
    return problems


if PRODUCTION and (_problems := production_problems(pepper=INSYN_PEPPER, debug=DEBUG)):
    raise ImproperlyConfigured("; ".join(_problems))

_LOCAL = ["127.0.0.1", "localhost", "testserver"]
ALLOWED_HOSTS = env_list("INSYN_ALLOWED_HOSTS", [] if PRODUCTION else _LOCAL)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("INSYN_ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env_list("INSYN_CSRF_TRUSTED_ORIGINS", [])
INSYN_BASE_URL = os.environ.get("INSYN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "insyn.core",
    "insyn.accounts",
    "insyn.organisations",
    "insyn.clients",
    "insyn.followup",
    "insyn.surveys",
    "insyn.analytics",
    "insyn.imports",
    "insyn.quality",
    "insyn.indicators",
    "insyn.reports",
    "insyn.access_reports",
    "insyn.retention",
]

MIDDLEWARE = [
    "insyn.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "insyn.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "insyn.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "insyn.core.middleware.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "insyn.core.middleware.AuditGuardMiddleware",
]

ROOT_URLCONF = "insyn.urls"
WSGI_APPLICATION = "insyn.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "insyn.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'insyn.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE)}
_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if _SQLITE:
    # IMMEDIATE transactions and WAL let several gunicorn workers write without "locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
# Assigned, not setdefault (dj_database_url put 0 there). Behind pgbouncer (transaction mode):
# INSYN_DB_CONN_MAX_AGE=0, INSYN_DB_DISABLE_SERVER_SIDE_CURSORS=true (README, "Production").
DATABASES["default"]["CONN_MAX_AGE"] = env_int("INSYN_DB_CONN_MAX_AGE", 0 if _SQLITE else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if not _SQLITE:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "INSYN_DB_DISABLE_SERVER_SIDE_CURSORS", False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CSRF_FAILURE_VIEW = "insyn.core.views.csrf_failure"

# --- Cache -----------------------------------------------------------------------------------
# One cache shared by every worker and app node (throttle counters): Redis when INSYN_REDIS_URL
# is set, else a database table (core's migrations); never worker memory.
CACHE_TABLE = "insyn_cache"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        "KEY_PREFIX": os.environ.get("INSYN_CACHE_KEY_PREFIX", "insyn"),
        # Django's default (300 rows, then a third culled) would let a burst from many
        # addresses evict throttle counters.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
if os.environ.get("INSYN_REDIS_URL"):
    # Shared by every app node: the link throttle and anything else that must hold across nodes.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["INSYN_REDIS_URL"],
        # Installations that share one Redis (e.g. test and production) keep apart by prefix.
        "KEY_PREFIX": os.environ.get("INSYN_CACHE_KEY_PREFIX", "insyn"),
    }

# Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed; see
# insyn.core.network.client_address. Empty: the connecting address is the client.
INSYN_TRUSTED_PROXIES = env_list("INSYN_TRUSTED_PROXIES", [])
for _proxy in INSYN_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"INSYN_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network"
        ) from _exc

# --- Authentication --------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    *INSYN_OIDC_BACKENDS,  # noqa: F405
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 costs ~50 ms per hash; tests that are not about hashing should not pay it.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env_int("INSYN_PASSWORD_LINK_HOURS", 72) * 3600

AXES_FAILURE_LIMIT = env_int("INSYN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("INSYN_LOCKOUT_MINUTES", 15))
# Lock the account, not the address: a municipality's staff share a few NAT addresses and one
# managed browser build, so locking by IP (or IP + user agent) would lock out whole offices.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The address axes records comes through the same trusted proxies as everywhere else.
AXES_CLIENT_IP_CALLABLE = "insyn.core.network.client_address"

OTP_TOTP_ISSUER = "insyn"

# Idle timeout: every request renews the session, so it only lapses after this long without one.
SESSION_COOKIE_AGE = env_int("INSYN_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("INSYN_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("INSYN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
# Each app keeps its own catalogue in <app>/locale/sv/ (scripts/makemessages.sh).
LANGUAGE_COOKIE_NAME = "insyn_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "INSYN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("INSYN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("INSYN_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("INSYN_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("INSYN_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("INSYN_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("INSYN_DEFAULT_FROM_EMAIL", "insyn <noreply@insyn.local>")

# Text messages (survey invitations and reminders): a dotted path to an insyn.surveys.sms backend.
INSYN_SMS_BACKEND = os.environ.get(
    "INSYN_SMS_BACKEND",
    "insyn.surveys.sms.LocmemBackend" if TESTING else "insyn.surveys.sms.ConsoleBackend",
)

# --- Background tasks ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("INSYN_TASKS", "immediate" if not PRODUCTION else "database")
            == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call then gets 401 with a WWW-Authenticate header.
        "insyn.accounts.authentication.HashedTokenAuthentication",
        "insyn.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three parsers, refusing control characters (NUL …) in what they parse.
    "DEFAULT_PARSER_CLASSES": [
        "insyn.core.parsers.JSONParser",
        "insyn.core.parsers.FormParser",
        "insyn.core.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "insyn.core.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "insyn.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "insyn API",
    "DESCRIPTION": "Systematic follow-up and quality work for Swedish municipal social services.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # In production the schema and the docs are for signed-in users (session or token) only.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated"
        if PRODUCTION
        else "rest_framework.permissions.AllowAny"
    ],
    "SERVE_AUTHENTICATION": REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have an "outcome" or a "status": name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "OjLevelEnum": "insyn.indicators.models.oj.Level",
        "OjAnswerEnum": "insyn.indicators.models.oj.Answer",
        "OjPublicationStatusEnum": "insyn.indicators.models.oj.OjPublication.Status",
        "GoalOutcomeEnum": "insyn.followup.models.records.Goal.Outcome",
        "EndReasonOutcomeEnum": "insyn.clients.models.EndReason.Outcome",
        "ProgrammeStatusEnum": "insyn.followup.models.design.Programme.Status",
        "EnrollmentStatusEnum": "insyn.followup.models.records.Enrollment.Status",
        "OccasionStatusEnum": "insyn.followup.models.records.Occasion.Status",
        "ActionPlanOutcomeEnum": "insyn.quality.models.action_plans.ActionPlan.Outcome",
        "ActionPlanStatusEnum": "insyn.quality.models.action_plans.ActionPlan.Status",
        "ActionItemStatusEnum": "insyn.quality.models.action_plans.ActionItem.Status",
    },
}

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "insyn.core.logging.RequestIdFilter"},
        # No identity number reaches a log line (a personnummer typed into a GET search).
        "redact": {"()": "insyn.core.redaction.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("INSYN_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own handlers (runserver's request lines among them) go through ours.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- insyn -----------------------------------------------------------------------------------
# Group outputs never show a cell with fewer individuals than this (ARCHITECTURE rule 5).
INSYN_MIN_CELL = env_int("INSYN_MIN_CELL", 5)
if INSYN_MIN_CELL < 1:
    raise ImproperlyConfigured("INSYN_MIN_CELL must be at least 1")
# In tests a personal-data view that forgets its access entry is an error, not a fallback.
INSYN_AUDIT_STRICT = env_bool("INSYN_AUDIT_STRICT", TESTING)
# Steps of `insyn demo`, in order; each is a callable(stdout) -> list of printed logins.
INSYN_DEMO_STEPS = [
    "insyn.organisations.demo.load",
    "insyn.clients.demo.load",
    "insyn.followup.demo.load",
    "insyn.surveys.demo.load",
    "insyn.quality.demo.load",
    "insyn.indicators.demo.load",
    "insyn.reports.demo.load",
    "insyn.access_reports.demo.load",
    "insyn.retention.demo.load",
]
# Analysis frames: Parquet partitions per programme and municipality, rebuildable at any time.
INSYN_ANALYTICS_CACHE = Path(os.environ.get("INSYN_ANALYTICS_CACHE", VAR_DIR / "analytics"))
INSYN_ANALYTICS_MEMORY = os.environ.get("INSYN_ANALYTICS_MEMORY", "1GB")  # DuckDB's limit
INSYN_ANALYTICS_THREADS = env_int("INSYN_ANALYTICS_THREADS", 0)  # 0: DuckDB's default (cores)
# Recent analysis results kept per process (0: none); keyed by the data version.
INSYN_ANALYTICS_RESULT_CACHE = env_int("INSYN_ANALYTICS_RESULT_CACHE", 64)
