"""Thin views: find the live version, hand it to a template.

Public pages are kept whole by content.site.page_cache until the public content changes: a served page
costs one small query (the content's stamp); drawing one costs that and two more (the live
version with its document, the clinic).
"""

import dataclasses
import functools
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F, Subquery
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from content import languages
from content.editing import roles
from content.editing.models import Clinic, Procedure
from content.editing.revisions import snapshot
from content.handouts.layout import BILINGUAL, PAPER_SIZES, handout_for, pdf_filename, render_handout_html
from content.handouts.pdf import stored_pdf
from content.publishing.addresses import address_owner, current_address
from content.publishing.document import build_document
from content.publishing.glossary import published_terms
from content.publishing.localized import LocalText, current_clinic, local_text, row_entry
from content.publishing.models import Publication
from content.publishing.pages import PageInfo, page_context, preview_info
from content.rendering.glossary_marks import sort_key as glossary_sort_key
from content.search import text as search
from content.search.indexing import QUESTIONS_ANCHOR, corrected, ranked_entries
from content.site import errors
from content.site.page_cache import NotKept, cached_public_page
from content.site.structured_data import medical_web_page


@require_safe
@cached_public_page
def procedure_list(request):
    live = Procedure.objects.filter(live_version__isnull=False).values(
        "live_version__slug", "live_version__listing"
    )
    procedures = []
    for row in live:
        # The published address: a slug edited in the working copy is public only once published.
        info = PageInfo(row["live_version__slug"], None, None, None, None)
        english_url = info.url(languages.SOURCE)
        listing = row["live_version__listing"]
        procedures.append({
            "url": info.url(),
            "title": local_text(listing["title"], english_url=english_url),
            "summary": local_text(listing["summary"], english_url=english_url),
        })
    procedures.sort(key=lambda item: item["title"].value.casefold())
    return render(request, "content/procedure_list.html", {"procedures": procedures})


def _live_version(slug, **annotations):
    """The live version published at `slug` in one query; else a permanent redirect (an address
    the page had before), 410 (withdrawn) or 404 (never published at this address)."""
    publication = (
        Publication.objects.filter(slug=slug, procedure__live_version=F("pk"))
        .annotate(**annotations).first()
    )
    if publication is not None:
        return publication
    owner = address_owner(slug)
    if owner is None:
        raise Http404(_("There is no page at this address."))
    current = current_address(owner)
    if current != slug:
        raise Moved(current)
    raise Gone(slug)


class Gone(Exception):
    """A page that was published and has been withdrawn: answered with 410, not 404."""


class Moved(Exception):
    """An address the page was published at before: answered with a permanent redirect."""

    def __init__(self, slug):
        super().__init__(slug)
        self.slug = slug


def _moved_to(request, slug):
    """The same page (or handout, or PDF) at the page's current address, in the same language,
    with the query string kept (a printed QR code carries ?version=N)."""
    match = request.resolver_match
    url = reverse(match.view_name, kwargs=match.kwargs | {"slug": slug})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def answers_gone(view):
    """Answer a withdrawn page with 410 in the site's design, in the page's language, and an
    address the page had before with a permanent redirect to its current one."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Moved as moved:
            return _moved_to(request, moved.slug)
        except Gone:
            return errors.gone(request, _(
                "If you have a printed copy of this guide, please do not rely on it: ask your "
                "care team for the latest information."))

    return wrapper


def _asked_version(text):
    """The version number a printout's QR code carries (`?version=3`); None for anything else."""
    try:
        number = int(text)
    except ValueError:
        return None
    return number if number >= 1 else None


def _version_key(text):
    number = _asked_version(text)
    return None if number is None else str(number)


def absolute(path):
    """The address patients use for `path`: SITE_URL, never the Host a request came with."""
    return f"{settings.SITE_URL}{path}"


def _sharing_context(request):
    language = languages.active()
    return {
        "page_url": absolute(request.path),
        "og_locale": languages.open_graph_locale(language),
        "og_locale_alternates": [
            languages.open_graph_locale(code) for code in languages.CODES if code != language
        ],
    }


def _public(response, publication):
    response["Last-Modified"] = http_date(publication.published_at.timestamp())
    # Short, so a new version reaches readers quickly; revalidation is a cheap 304 by ETag
    # (content.site.page_cache gives every kept page one).
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
@cached_public_page(query={"version": _version_key})
@answers_gone
def procedure_page(request, slug):
    publication = _live_version(slug)
    printed = _asked_version(request.GET.get("version", ""))
    if printed is not None and printed > publication.number:
        # No printout carries a version never published: the page at its own address, which is
        # not kept under every number a stranger can invent.
        return HttpResponseRedirect(request.path)
    info = PageInfo.of(publication)
    context = page_context(publication.document, info)
    context |= _sharing_context(request) | {
        # Told that their printout was updated only if it is older than the live version.
        "printed_version": printed if printed is not None and printed < publication.number else None,
    }
    context["structured_data"] = medical_web_page(publication.document, info, languages.active(),
                                                  context["page_url"])
    # x-default: the address without a language prefix, which picks by Accept-Language (as
    # /sitemap.xml's x-default does).
    context["x_default_url"] = absolute("/" + info.url().split("/", 2)[2])
    html = render_to_string("content/procedure_detail.html", context, request)
    return _public(HttpResponse(html), publication)


@never_cache
@require_safe
def procedure_preview(request, slug):
    """The working copy as it would be published: rendered now, for staff only.

    Anyone else gets the 404 of an address that does not exist, never a redirect to the admin's
    sign-in, which would tell a stranger where a moved admin (DJANGO_ADMIN_PATH) lives. Staff
    open previews from the admin, signed in already."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404(_("There is no page at this address."))
    if not roles.has_role(request.user):
        raise PermissionDenied  # staff in no role: drafts are for the people who write and review
    procedure = get_object_or_404(Procedure, slug=slug)
    document = build_document(snapshot(procedure))
    context = page_context(document, preview_info(procedure)) | _sharing_context(request)
    return render(request, "content/procedure_detail.html", context)


DEFAULT_PAPER = "a4"


def _paper_key(text):
    if text not in PAPER_SIZES:
        raise NotKept  # the view answers 404
    return None if text == DEFAULT_PAPER else text


def _handout_request(request, slug, bilingual, **annotations):
    paper = request.GET.get("paper", DEFAULT_PAPER)
    if paper not in PAPER_SIZES:
        raise Http404(_("There is no handout on paper size %(paper)s.") % {"paper": paper[:20]})
    return _live_version(slug, **annotations), paper, BILINGUAL if bilingual else languages.active()


@require_safe
@cached_public_page(query={"paper": _paper_key})
@answers_gone
def handout_page(request, slug, bilingual=False):
    """The handout as a web page: what the PDF shows, for the browser's own printing."""
    publication, paper, variant = _handout_request(request, slug, bilingual)
    handout = handout_for(publication, variant, paper, settings.SITE_URL,
                          current_clinic(request), printed_on=timezone.localdate())
    return _public(HttpResponse(render_handout_html(handout, request)), publication)


@require_safe
@cached_public_page(query={"paper": _paper_key})
@answers_gone
def handout_pdf(request, slug, bilingual=False):
    publication, paper, variant = _handout_request(
        request, slug, bilingual,
        clinic_revision=Subquery(Clinic.objects.order_by("pk").values("revision")[:1]),
    )
    pdf = stored_pdf(publication.pk, variant, paper, publication.clinic_revision)
    if pdf is None:
        # Not drawn yet (a worker draws it after a publish or a clinic change): a request never
        # draws one, and never serves another version's.
        return _handout_being_prepared(request, slug, bilingual, paper)
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    filename = pdf_filename(slug, publication.number, variant, paper)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _public(response, publication)


# How long a patient is asked to wait for a PDF being drawn: about what a worker takes for six.
PDF_RETRY_AFTER_SECONDS = 60


def _handout_being_prepared(request, slug, bilingual, paper):
    """503 with Retry-After, in the page's language, with the way to the HTML handout and the page."""
    name = "content:handout_bilingual" if bilingual else "content:handout"
    handout_url = reverse(name, kwargs={"slug": slug})
    if paper != "a4":
        handout_url += "?" + urlencode({"paper": paper})
    response = render(request, "content/handout_preparing.html", {
        "handout_url": handout_url,
        "page_url": reverse("content:procedure", kwargs={"slug": slug}),
    }, status=503)
    response["Retry-After"] = str(PDF_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # an expected moment, not a server error for the log
    return response


SEARCH_RESULTS_PER_PAGE = 10
# Past any real number of results, and small enough that the offset stays a plain integer to
# every database.
MAX_SEARCH_PAGE = 10_000


@dataclasses.dataclass
class SearchPage:
    """One page of a search's results. `total` is None when the page is past the last one: the
    database returned no row, so none said how many there are."""

    results: list
    number: int
    total: int | None

    @property
    def first_position(self):
        return (self.number - 1) * SEARCH_RESULTS_PER_PAGE + 1

    @property
    def page_count(self):
        return -(-self.total // SEARCH_RESULTS_PER_PAGE) if self.total else 0

    @property
    def has_next(self):
        return self.number < self.page_count


def live_search(query, language, page=1):
    """Page `page` (from 1) of the live versions matching `query` in `language`: the database
    ranks them all, counts them and returns the page's entries in one query (content.search.
    indexing.ranked_entries); only those are drawn."""
    if query.is_empty:
        return SearchPage([], 1, 0)
    query = corrected(query)
    rows = ranked_entries(query, language, (page - 1) * SEARCH_RESULTS_PER_PAGE, SEARCH_RESULTS_PER_PAGE)
    if not rows:
        # Every row carries the count, so without one: no match at all, or a page past the last.
        return SearchPage([], page, 0 if page == 1 else None)
    results = [search.SearchResult(row, row["score"], row["matched_terms"]) for row in rows]
    return SearchPage(search.draw(results, query, language), page, rows[0]["total"])


def _page_number(text):
    """The page asked for; anything that is not a page number asks for the first."""
    try:
        number = int(text)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SEARCH_PAGE)


def _page_key(text):
    number = _page_number(text)
    return None if number == 1 else str(number)


@require_safe
@cached_public_page(query={"q": lambda text: text or None, "page": _page_key})
def search_page(request):
    """Search the live pages in the page's language: a plain GET form, no JavaScript needed, and
    plain links between pages of results."""
    language = languages.active()
    text = request.GET.get("q", "")
    query = search.parse_query(text, language)
    found = live_search(query, language, _page_number(request.GET.get("page", "1")))
    for result in found.results:
        info = PageInfo(result.document["slug"], None, None, None, None)
        result.url = info.url(anchor=result.anchor)
        # Where the link leads: the section's heading ("Common questions" for the questions).
        result.section_title = (_("Common questions") if result.anchor == QUESTIONS_ANCHOR
                                else search.section_heading(result.document, result.anchor))
        # The highlighted title as a translated text, so an untranslated one is shown marked.
        title_language = result.document["title_language"] or language
        result.title = LocalText(result.title_html, title_language,
                                 is_fallback=title_language != language)

    def page_url(number):
        # The first page has no number, so it is the address the search form itself leads to.
        return "?" + urlencode({"q": text} | ({"page": number} if number > 1 else {}))

    context = {
        "query_text": query.text.strip(),
        "asked": bool(text.strip()),
        "query": query,
        "found": found,
        "results": found.results,
        "first_page_url": page_url(1),
        "previous_page_url": page_url(found.number - 1) if 1 < found.number <= found.page_count else "",
        "next_page_url": page_url(found.number + 1) if found.has_next else "",
    }
    return render(request, "content/search.html", context)


@require_safe
@cached_public_page
def glossary_page(request):
    """Every term of the published glossary in the page's language, in that language's
    alphabetical order. Terms saved since a clinical reviewer last published it are not shown."""
    language = languages.active()
    english_url = f"{_path_in(languages.SOURCE, 'content:glossary')}"
    entries = []
    for term in published_terms():
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
    lines += [f"Disallow: /{code}/procedures/*/preview/" for code in languages.CODES]
    lines.append(f"Sitemap: {absolute(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
