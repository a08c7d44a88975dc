"""Test settings: only what makes tests fast; everything else is the real thing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-for-the-lianxin-suite-9a8b7c6d5e4f"
)

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["*"]

# Uploads made by tests go to a throw-away folder, never the developer's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lianxin-test-media-"))

# The stress self-assessment key comes from SECRET_KEY in tests, as in DEBUG.
LIANXIN_WELLBEING_KEY_FROM_SECRET = True
