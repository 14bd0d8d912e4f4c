"""A Redis cache that degrades instead of failing when Redis is unreachable.

The cache holds nothing that cannot be rebuilt (allauth's rate-limit counters, cached
pages). When Redis is down, reads miss and writes are dropped, with a warning, so
signing in and posting keep working; rate limits are not enforced until Redis is back.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(name, fallback):
    original = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        except _DOWN as exc:
            logger.warning("Cache unavailable (%s on %s); carrying on without it.", exc, name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class TolerantRedisCache(RedisCache):
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", {})
    has_key = _tolerant("has_key", False)
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", [])
    add = _tolerant("add", True)  # e.g. allauth's rate-limit lock: go ahead
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    clear = _tolerant("clear", None)
    incr = _tolerant("incr", lambda key, delta=1, version=None: delta)
