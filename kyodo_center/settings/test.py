"""Settings for pytest: same database rules (embedded PostgreSQL or DATABASE_URL), fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic in tests: serve from the finders, without the manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# client.login() passes no request, which django-axes needs; the throttling test turns it on.
AXES_ENABLED = False
WHITENOISE_AUTOREFRESH = True

# Lets two test runs share one PostgreSQL server without clashing (e.g. DJANGO_TEST_DB_NAME=test_b).
if os.environ.get("DJANGO_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DB_NAME"]}  # noqa: F405
