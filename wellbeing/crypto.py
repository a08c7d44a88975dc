"""Encryption at rest for self-assessment results (Fernet, key from the environment).

LIANXIN_WELLBEING_KEY holds one or more Fernet keys, comma-separated: the first
encrypts, every one decrypts, so a key is rotated by putting a new one first.
Development and the test settings derive a key from SECRET_KEY instead; with
DEBUG off and no key, encrypting or decrypting raises ImproperlyConfigured and
the system check wellbeing.E001 fails (``manage.py check --deploy`` too).
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY = (
    "LIANXIN_WELLBEING_KEY must be set when DEBUG is off: stress self-assessment "
    "results are encrypted with it."
)


@lru_cache(maxsize=4)
def derived_key(secret: str) -> bytes:
    """A Fernet key derived from SECRET_KEY: development and tests only."""
    raw = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"lianxin-wellbeing",
        info=b"results at rest",
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


def configured_keys() -> list[bytes]:
    """The keys in settings, newest first; ImproperlyConfigured when there are none."""
    raw = settings.LIANXIN_WELLBEING_KEY or ""
    keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    if keys:
        return keys
    if settings.LIANXIN_WELLBEING_KEY_FROM_SECRET and settings.SECRET_KEY:
        return [derived_key(settings.SECRET_KEY)]
    raise ImproperlyConfigured(MISSING_KEY)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(data) -> str:
    """A Fernet token (text) of a JSON-serialisable value."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str):
    """The value inside a token; InvalidToken if it was made with another key."""
    return json.loads(fernet().decrypt(token.encode()))


__all__ = ["MISSING_KEY", "InvalidToken", "configured_keys", "decrypt", "encrypt"]
