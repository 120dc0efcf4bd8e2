"""Whole public pages, drawn once and served from the cache until what they show changes.

A public page is the same for every reader: nothing in it depends on a cookie, a session or who
is signed in. So its bytes are kept and served to everyone after, under a key made of:

- the public content's stamp (content.publishing.public_content), one small query per request, which every
  change a reader could see replaces in its own transaction;
- the release: a digest of the code, templates, translations and static files, so a deployment
  never serves a page drawn by the previous one (the Redis cache outlives the processes);
- the day, because pages say when a review fell due and handouts when they were printed;
- the site's address, and the path (which begins with the language);
- the query parameters the page's view reads, each as the view understands it, and nothing else
  (declared with the view: `@cached_public_page(query={"version": ...})`), so `?utm_source=...`,
  a misspelt parameter or a value the view reads as its default all find the one page, and a
  stranger inventing query strings adds nothing to the cache;
- whether the reader's browser takes gzip: the page is kept as sent.

Nothing is ever deleted on a change: the key just stops being asked for, and the cache's own
eviction (LRU in Redis, configured as the README's Deployment says; culling in the memory cache)
reclaims it. A cache that fails or is full is never an outage: the page is drawn and served, and
the failure logged once (shared_cache).

A kept page is answered by PublicPageCacheMiddleware before the policy, compression, session,
language, CSRF and authentication middleware and the site's URL resolver run: it costs that one
query, resolving the address among the public pages alone and a dictionary lookup, less than the
liveness endpoint, which runs them all; `make bench` prints both.
"""

import functools
import hashlib
import logging
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from content import languages
from content.publishing.public_content import current_stamp
from content.site.caching import delete_own_keys
from content.site.lru import LRU
from content.site.requests import accepts_gzip, is_admin_path

logger = logging.getLogger(__name__)

# A page's query, as its view reads it, longer than this is answered but not kept (a search for a
# whole paragraph): nobody shares a link that long.
MAX_CACHED_QUERY_STRING = 300
# The views marked with cached_public_page: what portal/urls.py serves under the language prefix.
PUBLIC_URLCONF = "content.site.urls"
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


class NotKept(Exception):
    """Raised by a query parameter's normaliser for a value its view answers with something never
    kept (a 404, a redirect): such a request is passed to the view without a cache lookup."""


def public_page_query(request):
    """The query parameters the view at this address reads ({name: normaliser}), or None if the
    address is not a public page (an unknown address is answered without a cache lookup).

    The language prefix is taken off and the rest resolved among the public pages alone: a
    fraction of resolving the whole site, with no need to activate the language first."""
    _language, _slash, rest = request.path_info[1:].partition("/")
    try:
        match = get_resolver(PUBLIC_URLCONF).resolve("/" + rest)
    except Resolver404:
        return None
    return getattr(match.func, "public_page_query", None)


def page_query(request, reads):
    """The query string of the page the view will draw: only the parameters it reads, each
    normalised as the view reads it, in a fixed order. None when the view answers this request
    with something never kept, or the result is too long to be worth keeping."""
    if not reads or not request.META.get("QUERY_STRING"):
        return ""
    try:
        given = request.GET
    except SuspiciousOperation:  # too many parameters: the view answers it (a 400)
        return None
    pairs = []
    for name, normalise in sorted(reads.items()):
        value = given.get(name)
        if value is None:
            continue
        try:
            value = normalise(value)
        except NotKept:
            return None
        if value is not None:
            pairs.append((name, value))
    query = urlencode(pairs)
    return query if len(query) <= MAX_CACHED_QUERY_STRING else None


def page_key(request):
    """The page's key, or None for an address whose answer is never kept. The language is in the
    path."""
    if not might_be_public_page(request):
        return None
    reads = public_page_query(request)
    if reads is None:
        return None
    query = page_query(request, reads)
    if query is None:
        return None
    # Kept as sent: compressed for a reader whose browser takes gzip, plain for one whose does not.
    encoding = "gzip" if accepts_gzip(request) else ""
    # The Host header is still checked (a host not allowed gets its 400), but a page names only
    # settings.SITE_URL, so another Host or port never makes a page of its own; SITE_URL itself is
    # in the key because it comes from the environment, which the release digest does not cover.
    request.get_host()
    parts = (release(), current_stamp(), timezone.localdate().isoformat(),
             settings.SITE_URL, request.path, query, encoding)
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


def cached_public_page(view=None, *, query=None):
    """Mark the view's answers as public pages: the same for every reader, so
    PublicPageCacheMiddleware keeps them. Only complete 200 answers are kept; a 404, a 410 or a
    redirect is worked out every time.

    `query` names every query parameter the view reads, with a function giving the value as the
    view understands it: a string (part of the page's key), None (the view reads it as if it were
    not given: not part of the key) or NotKept raised (the view answers it with something never
    kept). Any other parameter is no part of the key: the view must not read it.
    """
    if view is None:
        return functools.partial(cached_public_page, query=query)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.is_public_page = True
        return response

    # Copied onto the decorators above by their functools.wraps; read by public_page_query().
    wrapper.public_page_query = dict(query or {})
    return wrapper


# The shared cache's operations failing since they last succeeded: each failure is reported once.
failing = set()


def shared_cache(operation, *args):
    """cache.get or cache.set, never raising: a cache that is down or full (Redis without room
    answers every write with an error) costs speed, never a page. A failure is logged once, at
    WARNING, when the operation starts failing; it is logged again only after it has succeeded."""
    try:
        result = getattr(cache, operation)(*args)
    except Exception as error:
        if operation not in failing:
            failing.add(operation)
            logger.warning("The page cache failed to %s a page (%s: %s); pages are drawn without it "
                           "until it answers again.", operation, type(error).__name__, error)
        return None
    if operation in failing:
        failing.discard(operation)
        logger.info("The page cache answers again (%s).", operation)
    return result


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
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        entry = recent_pages.get(key)
        if entry is None:
            entry = shared_cache("get", key)
            if entry is not None:
                recent_pages.put(key, entry)
        if entry is not None:
            response = self.replay(request, entry)
        else:
            response = self.get_response(request)
            # Only a GET's answer is kept: a HEAD's lacks what ConditionalGetMiddleware adds to a
            # GET (its ETag), and must never become what every reader after it is sent.
            if not (request.method == "GET" and getattr(response, "is_public_page", False)
                    and _cacheable(response)):
                return response
            entry = (response.content, tuple(response.headers.items()))
            shared_cache("set", key, entry, settings.PAGE_CACHE_SECONDS)
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
