"""System checks: the wellbeing feature refuses to run without its key."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .crypto import MISSING_KEY
from .privacy import MIN_GROUP_FLOOR


# A deployment check, like SECRET_KEY: commands such as migrate or import_workers
# may run without the key; `check --deploy` and every encryption refuse loudly.
@register(Tags.security, deploy=True)
def wellbeing_key_check(app_configs=None, **kwargs):
    """E001: no key with DEBUG off; E002: a key that is not a Fernet key."""
    raw = settings.LIANXIN_WELLBEING_KEY or ""
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    if not keys:
        if settings.LIANXIN_WELLBEING_KEY_FROM_SECRET:
            return []
        return [
            Error(
                MISSING_KEY,
                hint='Generate one with: python -c "from cryptography.fernet '
                'import Fernet; print(Fernet.generate_key().decode())"',
                id="wellbeing.E001",
            )
        ]
    errors = []
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                Error(
                    f"Key {number} in LIANXIN_WELLBEING_KEY is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    id="wellbeing.E002",
                )
            )
    return errors


@register()
def wellbeing_min_group_check(app_configs=None, **kwargs):
    """W001: a minimum group below 5 is ignored; say so."""
    if int(settings.LIANXIN_WELLBEING_MIN_GROUP) < MIN_GROUP_FLOOR:
        return [
            Warning(
                f"LIANXIN_WELLBEING_MIN_GROUP is below {MIN_GROUP_FLOOR}; "
                f"{MIN_GROUP_FLOOR} is used.",
                id="wellbeing.W001",
            )
        ]
    return []
