"""Whole public pages, drawn once and served from the cache until what they show changes.

A public page is the same for every reader: nothing in it depends on a cookie, a session or who
is signed in. So its bytes are kept and served to everyone after, under a key made of:

- the public content's stamp (content.publishing.public_content), one small query per request, which every
  change a reader could see replaces in its own transaction;
- the release: a digest of the code, templates, translations and static files, so a deployment
  never serves a page drawn by the previous one (the Redis cache outlives the processes);
- the day, because pages say when a review fell due and handouts when they were printed;
- the site's address, and the path with its query string (which begins with the language);
- whether the reader's browser takes gzip: the page is kept as sent.

Nothing is ever deleted on a change: the key just stops being asked for, and the cache's own
eviction (LRU in Redis, culling in the memory cache) reclaims it. A kept page is answered by
PublicPageCacheMiddleware before the policy, compression, session, language, CSRF and
authentication middleware and the URL resolver run: it costs that one query and a dictionary
lookup, less than the liveness endpoint, which runs them all; `make bench` prints both.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from content import languages
from content.publishing.public_content import current_stamp
from content.site.caching import delete_own_keys
from content.site.lru import LRU
from content.site.requests import accepts_gzip, is_admin_path

# Query strings longer than this are answered but not kept: nobody shares a link that long, and
# an endless supply of distinct ones must not push real pages out of the cache.
MAX_CACHED_QUERY_STRING = 300
RELEASE_FOLDERS = ("content", "portal", "templates", "locale", "static")
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".css", ".js", ".svg", ".woff2", ".ico",
                    ".png", ".json"}


@functools.cache
def release():
    """A digest of every file that shapes a page; computed once per process (a few milliseconds).

    Contents, not modification times: two app servers deployed from the same commit share keys."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for folder in RELEASE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def might_be_public_page(request):
    """Only GET and HEAD under a language prefix (/en/, /ar/) can be a public page; checking costs
    nothing, so the admin, health checks and posted forms never pay for a cache lookup."""
    if request.method not in ("GET", "HEAD"):
        return False
    language, _slash, _rest = request.path_info[1:].partition("/")
    return language in languages.CODES and not is_admin_path(request)


def page_key(request):
    """The page's key, or None for one not worth keeping. The language is in the path."""
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_CACHED_QUERY_STRING:
        return None
    # Kept as sent: compressed for a reader whose browser takes gzip, plain for one whose does not.
    encoding = "gzip" if accepts_gzip(request) else ""
    parts = (release(), current_stamp(), timezone.localdate().isoformat(),
             request.build_absolute_uri("/"), request.path, query, encoding)
    return "public-page:" + hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _cacheable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
    )


# The pages this process served last, in front of the shared cache: a page read from Redis costs a
# round trip and a copy of every byte (100 KB for a PDF), a page held here nothing. Never stale: a
# key names the content's stamp, so a change makes every key here unasked-for.
recent_pages = LRU(settings.RECENT_PAGES_MEGABYTES * 1024 * 1024, size_of=lambda entry: len(entry[0]))


def forget_cached_pages():
    """Tests and benchmarks that must see pages drawn: this process's pages and the cache's own
    keys (never the rest of a shared Redis) are dropped."""
    delete_own_keys()
    recent_pages.clear()


def cached_public_page(view):
    """Mark the view's answers as public pages: the same for every reader, so
    PublicPageCacheMiddleware keeps them. Only complete 200 answers are kept; a 404, a 410 or a
    redirect is worked out every time."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.is_public_page = True
        return response

    return wrapper


class PublicPageCacheMiddleware:
    """Serve a kept public page before the rest of the middleware and the URL resolver run.

    A kept page is the answer as it left every middleware below this one: compressed, with its
    Content-Security-Policy, language, ETag, frame and cache headers. Those depend only on the
    settings and the code, which the release digest covers, so replaying them is exactly what
    running the middleware again would give, at a fraction of the cost: a served page costs the
    stamp query and a lookup in this process's recent pages. SecurityMiddleware (the HTTPS
    redirect, HSTS from the environment) and the Permissions-Policy run above it, for every answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request) if might_be_public_page(request) else None
        if key is None:
            return self.get_response(request)
        entry = recent_pages.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None:
                recent_pages.put(key, entry)
        if entry is not None:
            response = self.replay(request, entry)
        else:
            response = self.get_response(request)
            if not (getattr(response, "is_public_page", False) and _cacheable(response)):
                return response
            entry = (response.content, tuple(response.headers.items()))
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            recent_pages.put(key, entry)
        return response

    @staticmethod
    def replay(request, entry):
        content, headers = entry
        response = HttpResponse(content, headers=dict(headers))
        # A reader's browser revalidating its copy gets a 304, as ConditionalGetMiddleware gives.
        if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
            last_modified = response.get("Last-Modified")
            response = get_conditional_response(
                request, etag=response.get("ETag"),
                last_modified=last_modified and parse_http_date_safe(last_modified), response=response,
            )
        return response
