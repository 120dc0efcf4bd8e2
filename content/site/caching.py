"""Emptying only the cache keys that are ours.

Django's `cache.clear()` on Redis runs FLUSHDB: it empties the whole database, whoever else keeps
keys there (another deployment, another test run, the benchmark of a colleague). Tests and
`make bench` therefore delete by their own key prefix instead.
"""

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache


def delete_own_keys(alias="default"):
    """Delete every key under the KEY_PREFIX of cache `alias`; return how many were deleted (None:
    all of a process-local cache, which nobody else can share)."""
    cache = caches[alias]
    if isinstance(cache, LocMemCache):
        cache.clear()
        return None
    if not isinstance(cache, RedisCache):
        raise TypeError(f"cannot delete only our own keys from a {type(cache).__name__}")
    if not cache.key_prefix:
        raise ValueError("a Redis cache without a KEY_PREFIX: its keys cannot be told from others'")
    client = cache._cache.get_client(write=True)
    deleted = 0
    # make_key() writes "<prefix>:<version>:<key>"; escape the prefix's own glob characters.
    pattern = "".join("\\" + char if char in "*?[]\\" else char for char in cache.key_prefix) + ":*"
    batch = []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted
