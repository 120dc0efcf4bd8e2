"""Offline reading: the service worker, the web app manifest and the page shown offline.

The worker (static/js/service-worker.js, hand-written) keeps every public page a reader opens and
shows the saved copy, marked as one, when there is no connection. It is served here rather than
under /static/ because a worker looks after the pages under its own address only: from the root
it covers every language. Its settings (language prefixes, offline pages, the static prefix) are
written above it, so the file itself names no language.
"""

import functools
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from content import languages
from content.site.page_cache import cached_public_page

WORKER_FILE = "js/service-worker.js"


def offline_page_paths():
    paths = {}
    for code in languages.CODES:
        with translation.override(code):
            paths[code] = reverse("content:offline")
    return paths


@functools.cache
def worker_source():
    """The worker with its settings; read once per process (the file changes only on deployment)."""
    path = finders.find(WORKER_FILE)
    if path is None:
        raise Http404("The service worker's file is missing from static/.")
    with open(path, encoding="utf-8") as worker:
        source = worker.read()
    config = {
        "offlinePages": offline_page_paths(),
        "defaultLanguage": languages.SOURCE,
        "staticUrl": settings.STATIC_URL,
    }
    return f"self.PORTAL_OFFLINE = {json.dumps(config)};\n{source}"


@require_safe
def service_worker(request):
    response = HttpResponse(worker_source(), content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on navigation; never let an HTTP cache hide a release.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def web_manifest(request):
    """What a phone needs to keep the portal on its home screen, in the page's language."""
    code = languages.active()
    name = _("Patient education")
    manifest = {
        "name": name,
        "short_name": name,
        "description": _(
            "Plain-language information about medical procedures, for patients and their families."
        ),
        "lang": code,
        "dir": languages.direction(code),
        "start_url": reverse("content:procedure_list"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#005eb8",
        "icons": [
            {"src": static("favicon/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("favicon/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("favicon/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("favicon/icon-maskable-192.png"), "sizes": "192x192", "type": "image/png",
             "purpose": "maskable"},
            {"src": static("favicon/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(manifest, ensure_ascii=False),
                        content_type="application/manifest+json; charset=utf-8")


@require_safe
@cached_public_page
def offline_page(request):
    """Shown by the worker for a page this device has not kept; lists the ones it has."""
    return render(request, "content/offline.html", {
        "offline_paths": " ".join(offline_page_paths().values()),
    })
