"""The Redis cache: django-redis with ``IGNORE_EXCEPTIONS``, so that while Redis is down
reads miss and writes are dropped (logged as ``school.cache``).

One call answers differently from django-redis: ``add`` reports success while Redis is down.
allauth's rate limits take a lock with ``add`` and refuse the request (429) when it cannot,
so django-redis's ``None`` would lock everybody out of signing in.
"""

from django_redis.cache import RedisCache, omit_exception


class SchoolRedisCache(RedisCache):
    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)
