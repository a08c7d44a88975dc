import pytest
from django.core.exceptions import ImproperlyConfigured

from lms.startup import require_secret_key


def test_it_refuses_to_serve_without_a_secret_key_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        require_secret_key()


def test_it_serves_with_a_secret_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 50

    require_secret_key()  # does not raise
