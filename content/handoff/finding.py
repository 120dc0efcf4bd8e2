"""The live leaflets a health record asks for: by code (system and code) or, failing that, by the
display name it sends, and each leaflet as an EHR reads it (title, summary, addresses, version).

Only live versions are read (a procedure's live_version), so a withdrawn page never answers.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation

from content import languages
from content.editing import codes
from content.publishing.models import Publication
from content.publishing.public_content import current_stamp
from content.search.indexing import code_key
from content.search.models import SearchCode
from content.site.lru import LRU


def live_publications():
    """Live versions with what an EHR is told of them: the listing's title and summary and the
    indexed codes, never the whole published document."""
    return (Publication.objects.filter(procedure__live_version=F("pk")).defer("document")
            .select_related("procedure").prefetch_related("search_codes"))


def matches_code(publication, system, code):
    """Whether a live version is for `code` in `system` (None: any system)."""
    wanted = code_key(code)
    return any(row.key == wanted and (system is None or row.system == system.key)
               for row in publication.search_codes.all())


def matches_name(publication, display_name):
    """Whether every word of a display name is in the version's title, in any language."""
    words = [word for word in display_name.casefold().split() if len(word) > 2]
    if not words:
        return False
    title = publication.listing.get("title", {})
    names = " ".join(str(title.get(language) or "") for language in languages.CODES).casefold()
    return all(word in names for word in words)


def _title_order(publication):
    return (publication.listing.get("title", {}).get(languages.SOURCE) or "").casefold()


# What this process found lately, by the public content's stamp and the question: publishing or
# withdrawing replaces the stamp, so an answer is never staler than a kept public page. Bounded,
# so a stranger's endless made-up codes only push out older answers.
_recent = LRU(capacity=512)


def find(criteria, display_names=()):
    """The live publications matching any (system, code) of `criteria`, found through the codes'
    index; when none does (or no code was sent), those whose titles hold a display name. Ordered
    by title. Answered from this process's memory while the public content is unchanged."""
    question = (current_stamp(),
                tuple(sorted((system.key if system else "", code_key(code)) for system, code in criteria)),
                tuple(name for name in display_names if name))
    found = _recent.get(question)
    if found is None:
        found = _find(criteria, display_names)
        _recent.put(question, found)
    return found


def forget_found():
    _recent.clear()


def every_live_publication():
    """Every live version (FHIR's searches), from this process's memory while nothing changed."""
    question = (current_stamp(), "every")
    found = _recent.get(question)
    if found is None:
        found = sorted(live_publications(), key=_title_order)
        _recent.put(question, found)
    return found


def _find(criteria, display_names):
    wanted = Q()
    for system, code in criteria:
        wanted |= Q(key=code_key(code), **({"system": system.key} if system else {}))
    found = []
    if criteria:
        ids = SearchCode.objects.filter(wanted).values("publication_id")
        found = list(live_publications().filter(pk__in=ids))
    if not found and any(display_names):
        found = [p for p in live_publications()
                 if any(matches_name(p, name) for name in display_names if name)]
    return sorted(found, key=_title_order)


def page_path(slug, language):
    with translation.override(language):
        return reverse("content:procedure", kwargs={"slug": slug})


def pdf_path(slug, language):
    with translation.override(language):
        return reverse("content:handout_pdf", kwargs={"slug": slug})


def absolute(path):
    return f"{settings.SITE_URL}{path}"


@dataclass
class Leaflet:
    """One live leaflet in one language, as a health record is told about it."""

    slug: str
    language: str  # the language of the page linked (the asked one, or the source as a fallback)
    title: str
    title_language: str  # the language the title is in (the source's when not yet translated)
    summary: str
    version: int
    published_at: object
    last_reviewed: object
    next_review_due: object
    codes: list

    @property
    def url(self):
        return absolute(page_path(self.slug, self.language))

    @property
    def pdf_url(self):
        return absolute(pdf_path(self.slug, self.language))


def _text(texts, name, language):
    entry = texts.get(name, {})
    if entry.get(language):
        return entry[language], language
    return entry.get(languages.SOURCE, ""), languages.SOURCE


def leaflet(publication, language):
    title, title_language = _text(publication.listing, "title", language)
    summary, _summary_language = _text(publication.listing, "summary", language)
    return Leaflet(
        slug=publication.slug, language=language, title=title, title_language=title_language,
        summary=summary, version=publication.number, published_at=publication.published_at,
        last_reviewed=publication.last_reviewed, next_review_due=publication.next_review_due,
        codes=[(codes.SYSTEMS[row.system], row.code) for row in publication.search_codes.all()
               if row.system in codes.SYSTEMS],
    )
