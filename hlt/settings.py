"""Settings for HLT Samverkan, all read from the environment (see README "Configuration").

With nothing set the portal runs as a self-contained demo: SQLite, a filesystem Celery broker,
a file cache and an embedded secret key. Giving SECRET_KEY switches demo mode off, and then
every setting production needs must be given or start-up fails.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hlt.content_policy import content_security_policy, origin_of
from hlt.env import env_bool, env_date, env_int, env_list, env_secret, env_str
from hlt.error_reporting import error_reporting_init
from hlt.logging_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HLT_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_secret("SECRET_KEY")
# Demo mode: embedded defaults, a visible banner, and demo-only commands (demo_accounts).
HLT_DEMO = env_bool("HLT_DEMO", default=not SECRET_KEY)
if not SECRET_KEY:
    if not HLT_DEMO:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when HLT_DEMO is off.")
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production-0123456789abcdefghij"

DEBUG = env_bool("DEBUG", False)
# Absolute links in e-mails and calendar feeds (invitations are sent by the worker, outside any
# request). `make run` sets it from its HOST and PORT.
HLT_BASE_URL = env_str("HLT_BASE_URL", "http://127.0.0.1:8000")
# The demo also answers on the host its links name, so `make run HOST=…` can be opened there.
demo_hosts = list(dict.fromkeys(["127.0.0.1", "localhost", urlsplit(HLT_BASE_URL).hostname or "localhost"]))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", demo_hosts if HLT_DEMO else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The role web, worker and beat connect as; it owns no table (README "Database roles").
DATABASE_URL = env_str("DATABASE_URL")
# The tables' owner, given to the migrate step alone: a process that has it connects as the owner,
# to migrate and then to grant DATABASE_URL's role its privileges (manage.py grant_runtime_role).
MIGRATION_DATABASE_URL = env_str("MIGRATION_DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")

if not HLT_DEMO:
    missing = [
        name
        for name, value in (("ALLOWED_HOSTS", ALLOWED_HOSTS), ("DATABASE_URL", DATABASE_URL), ("REDIS_URL", REDIS_URL))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(f"Production configuration lacks: {', '.join(missing)}.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off outside demo mode.")

INSTALLED_APPS = [
    # Django admin on our own site (hlt.admin_site): no child or family data on any admin page.
    "hlt.apps.HltAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # allauth's list of the user's own sessions (/konto/sessions/) formats their times with it.
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "hlt",
    "accounts",
    "access",
    "teams",
    "cases",
    "consent",
    "meetings",
    "support",
    "sip",
    "notifications",
    "dashboards",
    "audit",
    # On top of every app, imported by none: the demo (`make run`) and the national-scale bench.
    "demo",
    "scale",
]

MIDDLEWARE = [
    "hlt.middleware.RequestIdMiddleware",
    "hlt.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "hlt.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "hlt.urls"
WSGI_APPLICATION = "hlt.wsgi.application"

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
                "django.template.context_processors.i18n",
                "hlt.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Persistent connections: a new PostgreSQL connection per request cuts throughput about five-fold.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 600)
if MIGRATION_DATABASE_URL and not DATABASE_URL:
    raise ImproperlyConfigured("MIGRATION_DATABASE_URL needs DATABASE_URL: the runtime role it grants privileges to.")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            MIGRATION_DATABASE_URL or DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True
        )
    }
    # The runtime role that grant_runtime_role serves: it must be in the database the owner migrates.
    _runtime = dj_database_url.parse(DATABASE_URL)
    HLT_DB_RUNTIME_ROLE = _runtime["USER"]
    if any(_runtime[key] != DATABASES["default"][key] for key in ("HOST", "PORT", "NAME")):
        raise ImproperlyConfigured("MIGRATION_DATABASE_URL and DATABASE_URL must name the same database.")
    # A request's queries are short: starting parallel workers costs them more (several ms) than it
    # saves, and takes the cores other requests need. Batch jobs turn them on for their transaction
    # (dashboards.services). Blank it for a connection pooler that refuses startup options.
    if options := env_str("DB_OPTIONS", "-c max_parallel_workers_per_gather=0"):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = options
else:
    HLT_DB_RUNTIME_ROLE = ""
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # The demo runs web, worker and beat side by side on one file.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
# allauth's rate limits and its one-use TOTP check need a cache shared by all processes.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

HLT_SESSION_IDLE_MINUTES = env_int("HLT_SESSION_IDLE_MINUTES", 15)
HLT_SESSION_MAX_HOURS = env_int("HLT_SESSION_MAX_HOURS", 12)
HLT_SESSION_WARNING_SECONDS = env_int("HLT_SESSION_WARNING_SECONDS", 120)
SESSION_COOKIE_AGE = HLT_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"

# The accessibility statement (/tillganglighet/): who runs this deployment, where users report barriers,
# and when the operator last assessed it against the law (DIGG's required parts; the text is in the template).
HLT_ACCESSIBILITY_ORGANISATION = env_str("HLT_ACCESSIBILITY_ORGANISATION", "")
HLT_ACCESSIBILITY_CONTACT = env_str("HLT_ACCESSIBILITY_CONTACT", "")
HLT_ACCESSIBILITY_ASSESSED_ON = env_date("HLT_ACCESSIBILITY_ASSESSED_ON", datetime.date(2026, 11, 22))

# --- HTTPS and headers ----------------------------------------------------------------------
HLT_HTTPS = env_bool("HLT_HTTPS", not HLT_DEMO)
SECURE_SSL_REDIRECT = HLT_HTTPS
SESSION_COOKIE_SECURE = HLT_HTTPS
CSRF_COOKIE_SECURE = HLT_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HLT_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("HLT_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself; otherwise clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# How many proxies in front append to X-Forwarded-For; 0 means use REMOTE_ADDR (access log IP).
HLT_PROXY_COUNT = env_int("HLT_PROXY_COUNT", 0)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitation and password-reset links expire after this many seconds.
PASSWORD_RESET_TIMEOUT = env_int("HLT_INVITATION_HOURS", 72) * 3600
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Do not e-mail addresses that have no account: the form answers the same either way.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "HLT Samverkan: "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env_str("HLT_LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_FORMS = {"authenticate": "accounts.forms.AuthenticateForm", "reauthenticate": "accounts.forms.ReauthenticateForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "HLT Samverkan"

# Login through an OpenID Connect identity provider (SITHS eID via Inera or a regional IdP).
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL")
# A SITHS card login is itself two-factor; set false if the IdP only checks a password.
HLT_OIDC_COUNTS_AS_MFA = env_bool("HLT_OIDC_COUNTS_AS_MFA", True)
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "siths"),
                "name": env_str("OIDC_NAME", "SITHS eID"),
                "client_id": env_str("OIDC_CLIENT_ID"),
                "secret": env_secret("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
    }

# Content-Security-Policy (hlt/content_policy.py): forms may post to the portal and, for the
# OpenID Connect login's redirect, to the identity provider. Set HLT_CSP_FORM_ACTION when the
# provider's login page lives on another origin than OIDC_SERVER_URL.
HLT_CSP_FORM_ACTION = env_list("HLT_CSP_FORM_ACTION", [origin_of(OIDC_SERVER_URL)] if OIDC_SERVER_URL else [])
CONTENT_SECURITY_POLICY = content_security_policy(form_action_origins=HLT_CSP_FORM_ACTION)

# Session rows are created at login (so deactivation can end them); tracking every request's
# activity would cost several queries per page.
USERSESSIONS_TRACK_ACTIVITY = False

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Cases and consent ----------------------------------------------------------------------
# Uploaded consent forms: outside the web root, served only through the access policy.
HLT_PRIVATE_DIR = Path(env_str("HLT_PRIVATE_DIR", str(VAR_DIR / "private")))
# Largest accepted upload of a signed consent form.
HLT_UPLOAD_MAX_MB = env_int("HLT_UPLOAD_MAX_MB", 10)
# The portal's own rules (consent, meetings and feedback, dashboards, the access log): hlt/settings_hlt.py.
from hlt.settings_hlt import *  # noqa: E402, F403

# Covering indexes (INCLUDE) speed up PostgreSQL's dashboards; the SQLite demo does without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # Seconds before a silent relay counts as down: without it a hung connection holds a worker for ever.
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
elif HLT_DEMO:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
else:
    raise ImproperlyConfigured("Production configuration lacks: EMAIL_HOST.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "HLT Samverkan <noreply@hlt.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A notice's e-mail that the relay refused is tried again after this many minutes, then twice as long
# each time up to the cap, and given up (and listed in Django admin) once the notice is this many hours old.
HLT_EMAIL_RETRY_FIRST_MINUTES = env_int("HLT_EMAIL_RETRY_FIRST_MINUTES", 1)
HLT_EMAIL_RETRY_MAX_MINUTES = env_int("HLT_EMAIL_RETRY_MAX_MINUTES", 60)
HLT_EMAIL_MAX_AGE_HOURS = env_int("HLT_EMAIL_MAX_AGE_HOURS", 72)
if not 0 < HLT_EMAIL_RETRY_FIRST_MINUTES <= HLT_EMAIL_RETRY_MAX_MINUTES < HLT_EMAIL_MAX_AGE_HOURS * 60:
    raise ImproperlyConfigured(
        "E-mail retries need 0 < HLT_EMAIL_RETRY_FIRST_MINUTES <= HLT_EMAIL_RETRY_MAX_MINUTES, "
        "and the cap shorter than HLT_EMAIL_MAX_AGE_HOURS."
    )

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "control_folder": str(VAR_DIR / "broker-control"),
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only when done, so a killed worker's task runs again: tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Operations: health, logs, error reports (README "Operations") ------------------------------
# A caller sending this in the X-Health-Token header sees each readiness check; others only the status.
HLT_HEALTH_TOKEN = env_secret("HLT_HEALTH_TOKEN")
# Readiness fails when beat has not sent, or no worker has run, the minute heartbeat for this long.
HLT_HEARTBEAT_MAX_AGE_SECONDS = env_int("HLT_HEARTBEAT_MAX_AGE_SECONDS", 300)
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # load balancers probe over plain HTTP inside the network
# One JSON object a line (json, the default outside demo mode) or plain text (hlt/logging_config.py).
HLT_LOG_FORMAT = env_str("HLT_LOG_FORMAT", "text" if HLT_DEMO else "json")
LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"), log_format=HLT_LOG_FORMAT)
# A self-hosted Sentry-compatible server; unset, nothing is sent. Events are scrubbed of personal data.
SENTRY_DSN = env_secret("SENTRY_DSN")
if SENTRY_DSN:
    error_reporting_init(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))
ADMINS = []
