"""Emptying and counting only the cache keys that are ours.

Django's `cache.clear()` on Redis runs FLUSHDB: it empties the whole database, whoever else keeps
keys there (another deployment, another test run, the benchmark of a colleague). Tests and
`make bench` therefore delete by their own key prefix instead.
"""

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache


def _redis_cache(alias):
    """Cache `alias` if it is a Redis cache whose keys can be told from others'; None for a
    process-local memory cache."""
    cache = caches[alias]
    if isinstance(cache, LocMemCache):
        return None
    if not isinstance(cache, RedisCache):
        raise TypeError(f"cannot tell our own keys in a {type(cache).__name__}")
    if not cache.key_prefix:
        raise ValueError("a Redis cache without a KEY_PREFIX: its keys cannot be told from others'")
    return cache


def _own_redis_keys(cache):
    client = cache._cache.get_client(write=True)
    # make_key() writes "<prefix>:<version>:<key>"; escape the prefix's own glob characters.
    pattern = "".join("\\" + char if char in "*?[]\\" else char for char in cache.key_prefix) + ":*"
    return client, client.scan_iter(match=pattern, count=1000)


def delete_own_keys(alias="default"):
    """Delete every key under the KEY_PREFIX of cache `alias`; return how many were deleted (None:
    all of a process-local cache, which nobody else can share)."""
    cache = _redis_cache(alias)
    if cache is None:
        caches[alias].clear()
        return None
    client, keys = _own_redis_keys(cache)
    deleted = 0
    batch = []
    for key in keys:
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


def count_own_keys(alias="default"):
    """How many keys cache `alias` holds under its KEY_PREFIX (all of a process-local cache)."""
    cache = _redis_cache(alias)
    if cache is None:
        return len(caches[alias]._cache)
    return sum(1 for _key in _own_redis_keys(cache)[1])
