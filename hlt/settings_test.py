"""Settings for the test suite: production settings on PostgreSQL and Redis, minus HTTPS."""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("EMAIL_HOST", "localhost")  # the test runner swaps in the locmem backend
os.environ.setdefault("HLT_HTTPS", "false")  # the live server speaks plain HTTP on localhost

from hlt.settings import *  # noqa: E402,F403
from hlt.settings import DATABASE_URL, REDIS_URL  # noqa: E402

if not DATABASE_URL.startswith(("postgres://", "postgresql://")) or not REDIS_URL:
    raise ImproperlyConfigured(
        "The tests run on PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (`make test` does)."
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app folders (no collectstatic before tests), as runserver would.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
