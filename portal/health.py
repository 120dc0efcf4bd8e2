"""Health endpoints for the load balancer, outside the language prefix and never cached.

`live` answers as long as the process can serve a request at all: it touches neither the database
nor the cache, so a database outage does not make the balancer restart every web process (it
also serves `make bench` as the trivial view pages are compared with). `ready` says whether this
process can serve pages now: 503 when the database does not answer, since no page can be drawn
without it. The cache (a small key stored and read back) is reported in the body but never makes
`ready` fail: every app server shares the one Redis, so a cache that is down or full would take
every server out of the balancer at once, an outage, while each of them still serves every page,
only drawn instead of kept (content.site.page_cache).
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def live(request):
    return HttpResponse("ok\n", content_type="text/plain")


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("readiness: the database does not answer")
        return False
    return True


def cache_answers():
    # Logged at INFO only: the balancer asks every few seconds, and the page cache itself logs a
    # failure once, at WARNING (content.site.page_cache.shared_cache).
    try:
        # A key of its own per check: processes checking at once must not read each other's value.
        value = uuid.uuid4().hex
        key = f"health:ready:{value}"
        cache.set(key, value, 10)
        answered = cache.get(key) == value
        cache.delete(key)
    except Exception as error:  # down, or full: Redis refuses writes once at its maxmemory
        logger.info("readiness: the cache fails (%s: %s)", type(error).__name__, error)
        return False
    if not answered:
        logger.info("readiness: the cache does not return what it was given")
    return answered


@never_cache
@require_safe
def ready(request):
    database, cache_ok = database_answers(), cache_answers()
    lines = ["ok" if database else "not ready: database"]
    if not cache_ok:
        lines.append("cache: failing; pages are drawn without it")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=200 if database else 503)
