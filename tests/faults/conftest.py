"""Fixtures shared by the fault tests (services that a test may stop)."""

import pytest

from .services import RedisServer


@pytest.fixture
def private_redis():
    """A redis-server of this test's own, on a free port: stop it at will."""
    server = RedisServer()
    server.start()
    yield server
    server.close()
