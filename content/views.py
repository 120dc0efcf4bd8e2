"""Thin views: find the live version, hand it to a template, reuse the result while it holds.

A public page costs one small query when its rendering is cached (which live version, which
clinic revision) and two more on a miss (the version's document, the clinic). Cache keys name
the live version, so publishing a new one changes exactly that page's keys.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from content import errors, search
from content.findability import candidate_entries
from content.glossary import sort_key as glossary_sort_key
from content.handouts import (
    BILINGUAL,
    PAPER_SIZES,
    handout_for,
    pdf_filename,
    render_handout_html,
    store_pdf,
    stored_pdf,
)
from content.localized import LocalText, current_clinic, local_text, page_language, row_entry
from content.models import SOURCE_LANGUAGE, Clinic, GlossaryTerm, Procedure, Publication, SearchEntry
from content.pages import PageInfo, page_context, preview_info
from content.publishing import build_document
from content.revisions import snapshot
from content.structured_data import medical_web_page

OPEN_GRAPH_LOCALES = {"en": "en_US", "ar": "ar_AR"}


@require_safe
def procedure_list(request):
    live = Procedure.objects.filter(live_version__isnull=False).values(
        "slug", "live_version__listing"
    )
    procedures = []
    for row in live:
        info = PageInfo(row["slug"], None, None, None, None)
        english_url = info.url(SOURCE_LANGUAGE)
        listing = row["live_version__listing"]
        procedures.append({
            "url": info.url(),
            "title": local_text(listing["title"], english_url=english_url),
            "summary": local_text(listing["summary"], english_url=english_url),
        })
    procedures.sort(key=lambda item: item["title"].value.casefold())
    return render(request, "content/procedure_list.html", {"procedures": procedures})


def _live_or_gone(slug):
    """The live version's id and facts in one query, or 404 (never published) / 410 (withdrawn)."""
    row = (
        Procedure.objects.filter(slug=slug)
        .values("live_version_id", "live_version__number", "live_version__next_review_due",
                "live_version__published_at")
        .annotate(
            clinic_revision=Subquery(Clinic.objects.order_by("pk").values("revision")[:1]),
            was_published=Exists(Publication.objects.filter(procedure=OuterRef("pk"))),
        )
        .first()
    )
    if row is None or (row["live_version_id"] is None and not row["was_published"]):
        raise Http404(_("There is no page at this address."))
    if row["live_version_id"] is None:
        raise Gone(slug)
    return row


class Gone(Exception):
    """A page that was published and has been withdrawn: answered with 410, not 404."""


def answers_gone(view):
    """Answer a withdrawn page with 410 in the site's design, in the page's language."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Gone:
            return errors.gone(request, _(
                "If you have a printed copy of this guide, please do not rely on it: ask your "
                "care team for the latest information."))

    return wrapper


def _printed_version(request, live_number):
    """The version a printout's QR code carries, when it is older than the live one."""
    try:
        printed = int(request.GET.get("version", ""))
    except ValueError:
        return None
    return printed if 1 <= printed < live_number else None


def _fingerprint(*parts):
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()


def _sharing_context(request):
    language = page_language()
    return {
        "page_url": request.build_absolute_uri(request.path),
        "og_locale": OPEN_GRAPH_LOCALES.get(language, language),
        "og_locale_alternates": [
            locale for code, locale in OPEN_GRAPH_LOCALES.items() if code != language
        ],
    }


def _public(response, fingerprint, live):
    response["ETag"] = quote_etag(fingerprint[:32])
    response["Last-Modified"] = http_date(live["live_version__published_at"].timestamp())
    # Short, so a new version reaches readers quickly; revalidation is a cheap 304 by ETag.
    response["Cache-Control"] = "public, max-age=60"
    return response


def _overdue(live):
    return live["live_version__next_review_due"] < timezone.localdate()


@require_safe
@answers_gone
def procedure_page(request, slug):
    live = _live_or_gone(slug)
    printed = _printed_version(request, live["live_version__number"])
    fingerprint = _fingerprint(
        "page", live["live_version_id"], live["clinic_revision"], page_language(),
        request.build_absolute_uri("/"), _overdue(live), printed,
    )
    # The page is the same for every visitor, so one rendering serves them all until a new
    # version is published, the clinic changes or the review falls due.
    cache_key = f"procedure-page:{fingerprint}"
    html = cache.get(cache_key)
    if html is None:
        publication = Publication.objects.get(pk=live["live_version_id"])
        info = PageInfo.of(publication)
        context = page_context(publication.document, info)
        context |= _sharing_context(request) | {"printed_version": printed}
        context["structured_data"] = medical_web_page(publication.document, info, page_language(),
                                                      context["page_url"])
        # x-default: the address without a language prefix, which picks by Accept-Language (as
        # /sitemap.xml's x-default does).
        context["x_default_url"] = request.build_absolute_uri("/" + info.url().split("/", 2)[2])
        html = render_to_string("content/procedure_detail.html", context, request)
        cache.set(cache_key, html, settings.PAGE_CACHE_SECONDS)
    return _public(HttpResponse(html), fingerprint, live)


@never_cache
@staff_member_required
@require_safe
def procedure_preview(request, slug):
    """The working copy as it would be published: rendered now, for staff only."""
    procedure = get_object_or_404(Procedure, slug=slug)
    document = build_document(snapshot(procedure))
    context = page_context(document, preview_info(procedure)) | _sharing_context(request)
    return render(request, "content/procedure_detail.html", context)


def _handout_request(request, slug, bilingual):
    live = _live_or_gone(slug)
    paper = request.GET.get("paper", "a4")
    if paper not in PAPER_SIZES:
        raise Http404(_("There is no handout on paper size %(paper)s.") % {"paper": paper[:20]})
    return live, paper, BILINGUAL if bilingual else page_language()


@require_safe
@answers_gone
def handout_page(request, slug, bilingual=False):
    """The handout as a web page: what the PDF shows, for the browser's own printing."""
    live, paper, variant = _handout_request(request, slug, bilingual)
    today = timezone.localdate()
    fingerprint = _fingerprint(
        "handout", live["live_version_id"], live["clinic_revision"], page_language(), variant,
        paper, request.build_absolute_uri("/"), today,
    )
    cache_key = f"handout-page:{fingerprint}"
    html = cache.get(cache_key)
    if html is None:
        publication = Publication.objects.get(pk=live["live_version_id"])
        handout = handout_for(publication, variant, paper, request.build_absolute_uri("/"),
                              current_clinic(request), printed_on=today)
        html = render_handout_html(handout, request)
        cache.set(cache_key, html, settings.PAGE_CACHE_SECONDS)
    return _public(HttpResponse(html), fingerprint, live)


@require_safe
@answers_gone
def handout_pdf(request, slug, bilingual=False):
    live, paper, variant = _handout_request(request, slug, bilingual)
    site_root = request.build_absolute_uri("/").rstrip("/")
    pdf = stored_pdf(live["live_version_id"], variant, paper, site_root, live["clinic_revision"])
    if pdf is None:
        # Only when no PDF was drawn for this site and clinic yet (publishing and warm_handouts
        # draw them): draw it now, once, for everyone after.
        publication = Publication.objects.get(pk=live["live_version_id"])
        handout = handout_for(publication, variant, paper, site_root, current_clinic(request))
        pdf = store_pdf(publication, handout)
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    filename = pdf_filename(slug, live["live_version__number"], variant, paper)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    fingerprint = _fingerprint("pdf", live["live_version_id"], variant, paper, site_root,
                               live["clinic_revision"])
    return _public(response, fingerprint, live)


SEARCH_RESULTS_SHOWN = 20


def live_search(query, language, limit=SEARCH_RESULTS_SHOWN):
    """Live versions matching `query` in `language`, ranked (content.search.rank), in one query:
    the candidates are found by their stored keys through an index (content.findability), then
    ranked in Python from their stored index columns."""
    if query.is_empty:
        return []
    live = Procedure.objects.filter(live_version__isnull=False).values("live_version")
    rows = SearchEntry.objects.filter(
        language=language, publication__in=live,
        pk__in=candidate_entries(query).values("entry"),
    ).values(
        "title", "title_language", "summary", "headings", "text", "title_index", "headings_index",
        "glossary_terms_index", "text_index", slug=F("publication__procedure__slug"),
    )
    documents = [{
        "slug": row["slug"], "title": row["title"], "title_language": row["title_language"],
        "summary": row["summary"],
        "headings": row["headings"], "text": row["text"],
        "index": {name: row[f"{name}_index"] for name in search.SEARCH_FIELDS},
    } for row in rows]
    return search.rank(query, documents, language, limit=limit)


@require_safe
def search_page(request):
    """Search the live pages in the page's language: a plain GET form, no JavaScript needed."""
    language = page_language()
    text = request.GET.get("q", "")
    query = search.parse_query(text, language)
    results = live_search(query, language)
    for result in results:
        info = PageInfo(result.document["slug"], None, None, None, None)
        result.url = info.url()
        # The highlighted title as a translated text, so an untranslated one is shown marked.
        title_language = result.document["title_language"] or language
        result.title = LocalText(result.title_html, title_language,
                                 is_fallback=title_language != language)
    context = {
        "query_text": query.text.strip(),
        "asked": bool(text.strip()),
        "query": query,
        "results": results,
        "shown_limit": SEARCH_RESULTS_SHOWN,
    }
    return render(request, "content/search.html", context)


@require_safe
def glossary_page(request):
    """Every glossary term in the page's language, in that language's alphabetical order."""
    language = page_language()
    english_url = f"{_path_in(SOURCE_LANGUAGE, 'content:glossary')}"
    entries = []
    for term in GlossaryTerm.objects.all():
        entry = {
            "anchor": term.slug,
            "term": local_text(row_entry(term, "term"), language, f"{english_url}#{term.slug}"),
            "definition": local_text(row_entry(term, "definition"), language,
                                     f"{english_url}#{term.slug}"),
            "forms": [form for form in (local_text(row_entry(term, "other_forms"), language).value
                                        or "").splitlines() if form.strip()],
        }
        entries.append(entry)
    entries.sort(key=lambda entry: glossary_sort_key(entry["term"].value))
    return render(request, "content/glossary.html", {"entries": entries})


def _path_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@require_safe
def robots_txt(request):
    """Crawlers may read the public pages; the admin and staff previews are kept out.

    The admin is named at its default address only: a moved admin (DJANGO_ADMIN_PATH) is not
    advertised here, and needs a staff sign-in whatever a crawler does."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    lines += [f"Disallow: /{code}/procedures/*/preview/" for code, _name in settings.LANGUAGES]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
