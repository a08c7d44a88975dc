"""What a serving process checks before it starts."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY = "SECRET_KEY must be set when DEBUG is off."


def require_secret_key() -> None:
    """Refuse to serve (web or Celery) without a secret key in production.

    Commands that need no key (makemigrations --check, makemessages) still
    run; Django itself refuses anything that signs data with an empty key.
    """
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        key = ""
    if not settings.DEBUG and not key:
        raise ImproperlyConfigured(MISSING_KEY)
