"""What the settings cannot say by themselves: which responses are compressed, how long a staff
session lives, which address a failed sign-in is counted against, and the lockout page.

The policies themselves are data in portal/settings.py; django-csp, django-permissions-policy and
django-axes do the work. Only the choices that depend on the request are made here.
"""

import hashlib
import time

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.text import compress_string
from django.views.decorators.http import require_POST

from content.site.lru import LRU
from content.site.requests import accepts_gzip, is_admin_path


class PublicGZipMiddleware:
    """Compress public pages, never the admin nor anything that varies with the visitor's cookies.

    Compressing a page that carries a secret (the admin's CSRF token, a staff member's session
    data) next to text an attacker can influence lets them read it from the compressed size
    (BREACH); Django's GZipMiddleware only blurs that with random padding. Public pages carry no
    secret, and they are most of the bytes patients download, so they are compressed plainly,
    which also makes the result a pure function of the page: the same page is compressed once per
    process, not once per request (gzip costs more than serving a trivial view).
    """

    COMPRESSIBLE = ("text/", "application/json", "application/xml", "image/svg+xml")
    MINIMUM_LENGTH = 200  # shorter answers gain nothing
    MEMO_ENTRIES = 256

    def __init__(self, get_response):
        self.get_response = get_response
        self.memo = LRU(self.MEMO_ENTRIES)

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or not response.get("Content-Type", "").startswith(self.COMPRESSIBLE)
            or len(response.content) < self.MINIMUM_LENGTH
            or is_admin_path(request)
            or "cookie" in response.get("Vary", "").lower()
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not accepts_gzip(request):
            return response
        compressed = self.compress(response.content)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = "gzip"
        # A compressed body is a different representation: a strong ETag must not claim otherwise.
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        return response

    def compress(self, content):
        key = hashlib.blake2b(content, digest_size=16).digest()
        compressed = self.memo.get(key)
        if compressed is None:
            compressed = compress_string(content)
            self.memo.put(key, compressed)
        return compressed


# Session keys written by StaffSessionExpiryMiddleware.
SESSION_STARTED = "portal_session_started"
SESSION_LAST_SEEN = "portal_session_last_seen"
# Writing the session on every request would cost a database write per click; a minute of
# imprecision in the idle timeout costs nothing.
LAST_SEEN_RESOLUTION = 60


class StaffSessionExpiryMiddleware:
    """Sign staff out after settings.STAFF_SESSION_IDLE_SECONDS without a request and, however
    active, after settings.STAFF_SESSION_MAX_SECONDS.

    Django's session lifetime (SESSION_COOKIE_AGE) restarts at every save, so alone it is neither
    an idle timeout nor a maximum age. Only staff sign in here; patients have no session at all,
    and this middleware never opens one (opening one would add `Vary: Cookie` to public pages).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        now = int(time.time())
        session = request.session
        started = session.get(SESSION_STARTED)
        last_seen = session.get(SESSION_LAST_SEEN)
        if started is None or last_seen is None:
            # Signed in before this middleware existed, or just now: count from here.
            session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = now
            return
        if (
            now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS
            or now - started > settings.STAFF_SESSION_MAX_SECONDS
        ):
            logout(request)  # flushes the session; the admin then asks for a sign-in
            return
        if now - last_seen >= LAST_SEEN_RESOLUTION:
            session[SESSION_LAST_SEEN] = now


def client_ip(request):
    """The address a failed sign-in is counted against.

    Behind the load balancer (DJANGO_BEHIND_TLS_PROXY), REMOTE_ADDR is the balancer's own address
    for every visitor, so the visitor's is the last one the balancer appended to
    X-Forwarded-For; the entries before it are whatever the client chose to send.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page, in the admin's look and the visitor's language, saying how long
    to wait and what to do instead."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)),
        "site_header": admin.site.site_header,
    }
    return render(request, "admin/locked_out.html", context, status=429)


@require_POST
def stay_signed_in(request):
    """The admin's "Stay signed in" button: counts as activity, nothing more (static/js/admin-session.js).

    Answers 204 for a signed-in member of staff (their session's last-seen is now), 401 for
    anyone else, whose session has already ended."""
    if not (request.user.is_authenticated and request.user.is_staff):
        response = HttpResponse(status=401)
    else:
        request.session[SESSION_LAST_SEEN] = int(time.time())
        response = HttpResponse(status=204)
    add_never_cache_headers(response)
    return response

