"""Thin views: find published content, hand it to a template, reuse the result while it holds."""

import hashlib

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from content.handouts import BILINGUAL, handout_for, render_handout_html, render_handout_pdf
from content.localized import page_language
from content.models import Clinic, Procedure
from content.pages import procedure_page_context


@require_safe
def procedure_list(request):
    procedures = Procedure.objects.published().order_by("title_" + page_language())
    return render(request, "content/procedure_list.html", {"procedures": procedures})


OPEN_GRAPH_LOCALES = {"en": "en_US", "ar": "ar_AR"}


def _page_fingerprint(request, procedure, clinic):
    """Changes with anything the page shows; the site's address is part of it because the links
    to share and the Open Graph tags are absolute."""
    parts = [
        str(procedure.pk), str(procedure.revision), Clinic.version_of(clinic), page_language(),
        request.build_absolute_uri("/"),
    ]
    return hashlib.sha256(":".join(parts).encode()).hexdigest()


def _sharing_context(request):
    language = page_language()
    return {
        "page_url": request.build_absolute_uri(request.path),
        "og_locale": OPEN_GRAPH_LOCALES.get(language, language),
        "og_locale_alternates": [
            locale for code, locale in OPEN_GRAPH_LOCALES.items() if code != language
        ],
    }


@require_safe
def procedure_page(request, slug):
    procedure = get_object_or_404(Procedure.objects.published(), slug=slug)
    fingerprint = _page_fingerprint(request, procedure, Clinic.current())
    # The page is the same for every visitor, so one rendering serves them all until the
    # procedure or the clinic changes.
    cache_key = f"procedure-page:{fingerprint}"
    html = cache.get(cache_key)
    if html is None:
        context = procedure_page_context(procedure) | _sharing_context(request)
        html = render_to_string("content/procedure_detail.html", context, request)
        cache.set(cache_key, html, settings.PAGE_CACHE_SECONDS)
    response = HttpResponse(html)
    response["ETag"] = quote_etag(fingerprint[:32])
    response["Last-Modified"] = http_date(procedure.updated_at.timestamp())
    # Short, so a correction reaches readers quickly; revalidation is a cheap 304 by ETag.
    response["Cache-Control"] = "public, max-age=60"
    return response


@never_cache
@staff_member_required
@require_safe
def procedure_preview(request, slug):
    procedure = get_object_or_404(Procedure, slug=slug)
    context = procedure_page_context(procedure) | _sharing_context(request) | {"is_preview": True}
    return render(request, "content/procedure_detail.html", context)


def _handout_or_404(request, slug, variant):
    procedure = get_object_or_404(Procedure.objects.published(), slug=slug)
    paper = request.GET.get("paper", "a4")
    handout = handout_for(
        procedure, variant, paper, request.build_absolute_uri("/"), Clinic.current()
    )
    if handout is None:
        raise Http404(_("There is no handout on paper size %(paper)s.") % {"paper": paper[:20]})
    return handout


@require_safe
def handout_page(request, slug, bilingual=False):
    """The handout as a web page: what the PDF shows, for the browser's own printing."""
    handout = _handout_or_404(request, slug, BILINGUAL if bilingual else page_language())
    response = HttpResponse(render_handout_html(handout, request))
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
def handout_pdf(request, slug, bilingual=False):
    handout = _handout_or_404(request, slug, BILINGUAL if bilingual else page_language())
    response = HttpResponse(render_handout_pdf(handout, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{handout.filename}"'
    response["ETag"] = quote_etag(handout.fingerprint[:32])
    response["Cache-Control"] = "public, max-age=60"
    return response
