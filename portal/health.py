"""Health endpoints for the load balancer, outside the language prefix and never cached.

`live` answers as long as the process can serve a request at all: it touches neither the database
nor the cache, so a database outage does not make the balancer restart every web process (it
also serves `make bench` as the trivial view pages are compared with). `ready` says whether this
process can serve pages now: the database answers and the cache stores and returns a value.
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


@never_cache
@require_safe
def ready(request):
    failures = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("readiness: the database does not answer")
        failures.append("database")
    try:
        # A key of its own per check: processes checking at once must not read each other's value.
        value = uuid.uuid4().hex
        key = f"health:ready:{value}"
        cache.set(key, value, 10)
        if cache.get(key) != value:
            failures.append("cache")
        cache.delete(key)
    except Exception:
        logger.exception("readiness: the cache does not answer")
        failures.append("cache")
    if failures:
        return HttpResponse(f"not ready: {', '.join(failures)}\n", content_type="text/plain", status=503)
    return HttpResponse("ok\n", content_type="text/plain")
