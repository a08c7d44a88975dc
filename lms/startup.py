"""What a serving process checks before it starts."""

from django.conf import settings
from django.core.checks import Error, Tags, register
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


@register(Tags.security, deploy=True)
def secret_key_check(app_configs=None, **kwargs):
    """lms.E001: no key with DEBUG off (Django's own W009 only says it is short)."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        key = ""
    if settings.DEBUG or key:
        return []
    return [
        Error(
            MISSING_KEY,
            hint='Generate one with: python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"',
            id="lms.E001",
        )
    ]
