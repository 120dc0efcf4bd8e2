"""The published glossary, and the glossary terms a published page uses.

Staff edit GlossaryTerm rows, the glossary's working copy; patients read only the latest
GlossaryPublication, which a clinical reviewer publishes (content.publishing.glossary_workflow):
the glossary page shows it, and a page published after it carries the terms it uses from it.

`glossary_snapshot` stores, in the document, the published glossary terms the page uses in each
language as they were at publish (the reviewer reviewed the page with these explanations, and
each explanation was itself reviewed when the glossary was published). Pages mark them after
sanitising, on a cache miss (content.publishing.pages), from the document alone: no query, and the
page cache key (the live version) already covers them. A published glossary change reaches a page
when the page is next published (or `render_content` is run).
"""

import dataclasses

from django.urls import reverse
from django.utils import translation

from content import languages
from content.editing.models import GlossaryTerm
from content.publishing.models import GlossaryPublication
from content.rendering.glossary_marks import mark_terms, marked_entries


class PublishedTerm:
    """A term of a glossary publication, read as a GlossaryTerm is: `slug`, `translation` and each
    text by its field name (`term_en`, `definition_ar`...)."""

    def __init__(self, values):
        self.__dict__.update(values)
        self.translation = values.get("translation") or {}

    def __getattr__(self, name):
        # Only for names the publication does not hold (a language added since): no text.
        if name.startswith("__"):
            raise AttributeError(name)
        return ""


def term_values(term):
    """Everything a term shows patients, as plain JSON: its slug, every text in every language and
    its per-field translation records."""
    values = {"slug": term.slug}
    for name in GlossaryTerm.translated_text_fields:
        for language in languages.CODES:
            key = languages.field_name(name, language)
            values[key] = getattr(term, key, None) or ""
    return values | {"translation": dict(term.translation or {})}


def working_glossary():
    """The working copy, as a publication would hold it."""
    return [term_values(term) for term in GlossaryTerm.objects.order_by("slug")]


def latest_glossary():
    return GlossaryPublication.objects.order_by("-number").first()


def published_terms(publication=None):
    """The terms patients read: those of the latest glossary publication (none before the first)."""
    publication = publication or latest_glossary()
    return [PublishedTerm(values) for values in (publication.terms if publication else [])]


def unpublished_changes(publication=None):
    """{"added", "changed", "removed"}: the slugs whose working copy differs from what patients read."""
    publication = publication or latest_glossary()
    published = {values["slug"]: values for values in (publication.terms if publication else [])}
    working = {values["slug"]: values for values in working_glossary()}
    return {
        "added": sorted(set(working) - set(published)),
        "changed": sorted(slug for slug in set(working) & set(published)
                          if working[slug] != published[slug]),
        "removed": sorted(set(published) - set(working)),
    }


def glossary_url(language):
    with translation.override(language):
        return reverse("content:glossary")


def glossary_entries(terms, language):
    """The glossary terms written in `language`, as content.rendering.glossary_marks wants them
    (dicts, for JSON)."""
    entries = []
    for term in terms:
        word = getattr(term, languages.field_name("term", language), "") or ""
        definition = getattr(term, languages.field_name("definition", language), "") or ""
        if not word.strip() or not definition.strip():
            continue  # an untranslated term is not explained in that language
        other_forms = getattr(term, languages.field_name("other_forms", language), "") or ""
        forms = [line.strip() for line in other_forms.splitlines()]
        entries.append({"term": word.strip(), "definition": definition.strip(), "anchor": term.slug,
                        "forms": [form for form in forms if form]})
    return entries


def _rendered_texts(document, language):
    for section in document["sections"]:
        yield section["body"].get(language) or ""
    for question in document["questions"]:
        yield question["answer"].get(language) or ""


def glossary_snapshot(document, terms=None):
    """Per language, the glossary entries whose terms the page's text uses: of the published
    glossary unless `terms` are given."""
    terms = published_terms() if terms is None else terms
    snapshot = {}
    for language in languages.CODES:
        entries = glossary_entries(terms, language)
        used = set()
        for html in _rendered_texts(document, language):
            mark_terms(html, entries, language, "#", already_marked=used)
            if len(used) == len(entries):
                break
        snapshot[language] = [entry for entry in entries if entry["anchor"] in used]
    return snapshot


@dataclasses.dataclass(frozen=True)
class GlossaryNote:
    """One term a printed page explains at its end, in the language of the text that used it."""

    term: str
    definition: str
    anchor: str
    language: str

    @property
    def dir(self):
        return languages.direction(self.language)


def mark_page_terms(views, document, language, *, on_paper=False):
    """Mark the first use on the page of each glossary term the document carries, in place.

    `views` are (id prefix, LocalText) pairs in reading order, their HTML already sanitised:
    the marks are added after sanitising (content.rendering.glossary_marks's trust note) and never cleaned
    again. A text shown in English on the Arabic page is marked with the English terms, and its
    popover's labels are in English too. Returns (the texts, the GlossaryNotes of the terms marked,
    in glossary order: the page's language first)."""
    glossary = document.get("glossary") or {}
    marked = {code: set() for code in glossary}
    results = []
    for prefix, text in views:
        entries = glossary.get(text.language) or []
        if entries and text.value:
            with translation.override(text.language):
                value = mark_terms(str(text.value), entries, text.language, glossary_url(text.language),
                                   id_prefix=f"term-{language}-{prefix}",
                                   already_marked=marked[text.language], on_paper=on_paper)
            text = dataclasses.replace(text, value=value)
        results.append(text)
    in_order = sorted(marked, key=lambda code: code != language)
    notes = [GlossaryNote(entry.term, entry.definition, entry.anchor, code)
             for code in in_order for entry in marked_entries(glossary[code], marked[code])]
    return results, notes
