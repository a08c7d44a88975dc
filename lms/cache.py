"""A Redis cache that degrades to "no cache" while Redis is unreachable.

Everything we keep in the cache can be lost: sessions are in the database
(cached_db), rate-limit counters and progress figures are advisory. So when
Redis is down a cache call behaves as a miss (reads) or a no-op (writes)
instead of raising, and the page is served from the database.

A short circuit breaker keeps an outage cheap: after one failure the backend
skips Redis for ``BREAKER_SECONDS`` (per process and Redis location), so a page
that makes ten cache calls pays at most one connect timeout, not ten. One
warning is logged when Redis goes away and one when it answers again.

Keys written or deleted while Redis was unreachable are remembered (per
process, up to ``MAX_PENDING_KEYS``) and deleted as soon as Redis answers
again: otherwise a value from before the outage would come back, e.g. the
cached copy of a session that was signed out during the outage.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an unreachable, restarting or overloaded Redis raises (BusyLoadingError
# and the socket errors are subclasses of these).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class Breaker:
    """Open for a few seconds after a failure; shared by every thread of a process."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.open_until = 0.0
        self.down = False
        self.pending: set[str] = set()
        self.overflowed = False
        self.lock = threading.Lock()

    def allows(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self, location: str, exc: Exception) -> None:
        with self.lock:
            self.open_until = time.monotonic() + self.seconds
            first = not self.down
            self.down = True
        if first:
            logger.warning(
                "Redis cache at %s is unavailable (%s): serving without the cache; "
                "retrying every %s s.",
                location,
                exc,
                self.seconds,
            )

    def remember(self, keys) -> None:
        if not keys:
            return
        with self.lock:
            full = len(self.pending) >= ResilientRedisCache.MAX_PENDING_KEYS
            if not full:
                self.pending.update(keys)
            warn = full and not self.overflowed
            self.overflowed = self.overflowed or full
        if warn:
            logger.warning(
                "More than %s cache keys changed while Redis was down: some values "
                "from before the outage may be served until they expire.",
                ResilientRedisCache.MAX_PENDING_KEYS,
            )

    def pending_keys(self) -> list[str]:
        with self.lock:
            return list(self.pending)

    def recovered(self, deleted) -> None:
        """Redis answers again and the stale ``deleted`` keys are gone."""
        with self.lock:
            was_down, self.down = self.down, False
            self.pending.difference_update(deleted)
            self.overflowed = False
        if was_down:
            logger.warning("Redis cache answers again; cache back in use.")


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, seconds: float) -> Breaker:
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = Breaker(seconds)
        return _breakers[location]


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, but a Redis outage is a cache miss, never an error.

    ``OPTIONS`` go to redis-py as usual (set small ``socket_connect_timeout``
    and ``socket_timeout``); ``BREAKER_SECONDS`` may be given in the cache's
    settings next to them (default 5).
    """

    MAX_PENDING_KEYS = 10_000

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        seconds = float(options.pop("BREAKER_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = ",".join(self._servers)
        self.breaker = breaker_for(self.location, seconds)

    def _call(self, operation, fallback, *args, dirty=()):
        """Run one operation on Redis; ``fallback`` when Redis is unavailable.

        ``dirty`` are the (made) keys the operation would change: remembered
        when it cannot, so that stale copies are deleted once Redis is back.
        """
        if not self.breaker.allows():
            self.breaker.remember(dirty)
            return fallback
        stale = []
        try:
            if self.breaker.down:
                # First contact after an outage: drop what went stale first.
                stale = self.breaker.pending_keys()
                if stale:
                    self._cache.delete_many(stale)
            result = operation(*args)
        except UNAVAILABLE as exc:
            self.breaker.trip(self.location, exc)
            self.breaker.remember(dirty)
            return fallback
        if self.breaker.down:
            self.breaker.recovered(stale)
        return result

    # Reads: a miss.
    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.get, default, key, default)

    def get_many(self, keys, version=None):
        key_map = {self.make_and_validate_key(k, version=version): k for k in keys}
        found = self._call(self._cache.get_many, {}, list(key_map))
        return {key_map[k]: v for k, v in found.items()}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.has_key, False, key)

    # Writes: a no-op. ``add`` reports success, as it would on a miss: the one
    # caller that counts with it (the certificate-verify rate limit) then fails
    # open rather than locking everybody out while Redis is down.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        return self._call(self._cache.add, True, key, value, timeout, dirty=[key])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        self._call(self._cache.set, None, key, value, timeout, dirty=[key])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        safe = {
            self.make_and_validate_key(k, version=version): v for k, v in data.items()
        }
        timeout = self.get_backend_timeout(timeout)
        self._call(self._cache.set_many, None, safe, timeout, dirty=list(safe))
        return []

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        return self._call(self._cache.touch, False, key, timeout, dirty=[key])

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(self._cache.delete, False, key, dirty=[key])

    def delete_many(self, keys, version=None):
        if not keys:
            return
        safe = [self.make_and_validate_key(k, version=version) for k in keys]
        self._call(self._cache.delete_many, None, safe, dirty=safe)

    def incr(self, key, delta=1, version=None):
        """As on a miss, ValueError (Django's contract for a missing key)."""
        key = self.make_and_validate_key(key, version=version)
        missing = object()
        result = self._call(self._cache.incr, missing, key, delta, dirty=[key])
        if result is missing:
            raise ValueError(f"Key '{key}' not found (Redis unavailable).")
        return result

    def clear(self):
        return self._call(self._cache.clear, False)
