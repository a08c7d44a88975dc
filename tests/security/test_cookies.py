"""Production cookies are Secure, HttpOnly and SameSite.

The settings are read in a fresh interpreter with a production environment
(DEBUG off, no SECURE_COOKIES), since lms.settings.base decides them when it
is imported; then a real sign-in and a language switch, under exactly those
settings, must send Set-Cookie headers that carry the three attributes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
COOKIE_SETTINGS = [
    f"{kind}_COOKIE_{attribute}"
    for kind in ("SESSION", "CSRF", "LANGUAGE")
    for attribute in ("SECURE", "HTTPONLY", "SAMESITE")
]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "production-like-secret-key-for-the-cookie-test-0123456789abcdef",
    "ALLOWED_HOSTS": "lianxin.example.cn",
    "LIANXIN_WELLBEING_KEY": "0" * 43 + "=",
}
# The effective settings: lms.settings.base over Django's defaults.
READ_SETTINGS = (
    "import json; from django.conf import settings as s; "
    f"print(json.dumps({{name: getattr(s, name) for name in {COOKIE_SETTINGS}}}))"
)


@pytest.fixture(scope="module")
def production_cookies() -> dict:
    """The cookie settings as a production server computes them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECURE_COOKIES"}
    }
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="lms.settings.base")
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", READ_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_settings_make_every_cookie_secure_httponly_and_samesite(
    production_cookies,
):
    for kind in ("SESSION", "CSRF", "LANGUAGE"):
        assert production_cookies[f"{kind}_COOKIE_SECURE"] is True, kind
        assert production_cookies[f"{kind}_COOKIE_HTTPONLY"] is True, kind
        assert production_cookies[f"{kind}_COOKIE_SAMESITE"] in ("Lax", "Strict"), kind


def assert_hardened(response, name: str, samesite: str):
    assert name in response.cookies, f"{name} was not set: {list(response.cookies)}"
    header = response.cookies[name].OutputString()
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert "secure" in attributes, header
    assert "httponly" in attributes, header
    assert f"SameSite={samesite}" in header, header


def test_signing_in_sends_secure_httponly_samesite_cookies(
    production_cookies, worker, password
):
    client = Client()

    with override_settings(**production_cookies):
        form = client.get("/accounts/login/", secure=True)
        signed_in = client.post(
            "/accounts/login/",
            {"username": "worker", "password": password},
            secure=True,
        )
        switched = client.post(
            "/i18n/setlang/", {"language": "en", "next": "/learning/"}, secure=True
        )

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/accounts/home/"
    assert_hardened(
        form, settings.CSRF_COOKIE_NAME, production_cookies["CSRF_COOKIE_SAMESITE"]
    )
    assert_hardened(
        signed_in,
        settings.SESSION_COOKIE_NAME,
        production_cookies["SESSION_COOKIE_SAMESITE"],
    )
    # Signing in rotates the CSRF token: the new cookie is as hardened.
    assert_hardened(
        signed_in,
        settings.CSRF_COOKIE_NAME,
        production_cookies["CSRF_COOKIE_SAMESITE"],
    )
    assert_hardened(
        switched,
        settings.LANGUAGE_COOKIE_NAME,
        production_cookies["LANGUAGE_COOKIE_SAMESITE"],
    )
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
