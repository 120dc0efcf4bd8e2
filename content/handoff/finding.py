"""The live leaflets a health record asks for: by code (system and code) or, failing that, by the
display name it sends, and each leaflet as an EHR reads it (title, summary, addresses, version).

Only live versions are read (a procedure's live_version), so a withdrawn page never answers.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from content import languages
from content.editing import codes
from content.publishing.models import Publication


def live_publications():
    return Publication.objects.filter(procedure__live_version=F("pk")).select_related("procedure")


def _code_key(code):
    return (code or "").strip().upper().replace(".", "")


def matches_code(document, system, code):
    """Whether a published document carries `code` in `system` (None: any system)."""
    wanted = _code_key(code)
    return any(_code_key(row["code"]) == wanted and (system is None or row["system"] == system.key)
               for row in document.get("codes", []))


def matches_name(document, display_name):
    """Whether every word of a display name is in one of the document's names, in any language."""
    words = [word for word in display_name.casefold().split() if len(word) > 2]
    if not words:
        return False
    names = " ".join(str(value) for key in ("title", "short_name", "also_known_as")
                     for language, value in document["texts"].get(key, {}).items()
                     if language in languages.CODES).casefold()
    return all(word in names for word in words)


def find(criteria, display_names=()):
    """The live publications matching any (system, code) of `criteria`; when none does (or no code
    was sent), those whose names hold a display name. Ordered by title."""
    publications = list(live_publications())
    found = [p for p in publications
             if any(matches_code(p.document, system, code) for system, code in criteria)]
    if not found:
        found = [p for p in publications
                 if any(matches_name(p.document, name) for name in display_names if name)]
    return sorted(found, key=lambda p: p.document["texts"]["title"].get(languages.SOURCE, "").casefold())


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


def _text(document, name, language):
    entry = document["texts"].get(name, {})
    if entry.get(language):
        return entry[language], language
    return entry.get(languages.SOURCE, ""), languages.SOURCE


def leaflet(publication, language):
    document = publication.document
    title, title_language = _text(document, "title", language)
    summary, _summary_language = _text(document, "summary", language)
    return Leaflet(
        slug=publication.slug, language=language, title=title, title_language=title_language,
        summary=summary, version=publication.number, published_at=publication.published_at,
        last_reviewed=publication.last_reviewed, next_review_due=publication.next_review_due,
        codes=[(codes.SYSTEMS[row["system"]], row["code"]) for row in document.get("codes", [])
               if row["system"] in codes.SYSTEMS],
    )
