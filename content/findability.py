"""What publishing adds so a version can be found and understood: its search entries and the
glossary terms it uses.

Both are computed once, when a version is published, from the version's own document, so
search and glossary marks only ever reflect live, reviewed text, and a public request never
re-indexes or re-reads the glossary table:

- `glossary_snapshot` stores, in the document, the glossary terms the page uses in each language
  as they were at publish (a clinician reviewed the page with these explanations). Pages mark
  them after sanitising, on a cache miss (content.pages), from the document alone: no query, and
  the page cache key (the live version) already covers them. A glossary edit reaches a page
  when the page is next published (or `render_content` is run), as the admin's help text says.
- `search_entries` makes one SearchEntry per language: content.search's keys per field, the
  plain texts a snippet is drawn from; `store_search_entries` adds a SearchKey row per distinct
  key, with the fields it occurs in.
"""

import dataclasses

from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from content import search
from content.glossary import mark_terms
from content.localized import local_text
from content.models import (
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGE,
    GlossaryTerm,
    SearchEntry,
    SearchKey,
    Section,
)

LANGUAGES = (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE)


def glossary_url(language):
    with translation.override(language):
        return reverse("content:glossary")


def glossary_entries(terms, language):
    """The glossary terms written in `language`, as content.glossary wants them (dicts, for JSON)."""
    entries = []
    for term in terms:
        word = getattr(term, f"term_{language}", "") or ""
        definition = getattr(term, f"definition_{language}", "") or ""
        if not word.strip() or not definition.strip():
            continue  # an untranslated term is not explained in that language
        forms = [line.strip() for line in (getattr(term, f"other_forms_{language}", "") or "").splitlines()]
        entries.append({"term": word.strip(), "definition": definition.strip(), "anchor": term.slug,
                        "forms": [form for form in forms if form]})
    return entries


def _rendered_texts(document, language):
    for section in document["sections"]:
        yield section["body"].get(language) or ""
    for question in document["questions"]:
        yield question["answer"].get(language) or ""


def glossary_snapshot(document, terms=None):
    """Per language, the glossary entries whose terms the page's text uses."""
    terms = list(GlossaryTerm.objects.all()) if terms is None else terms
    snapshot = {}
    for language in LANGUAGES:
        entries = glossary_entries(terms, language)
        used = set()
        for html in _rendered_texts(document, language):
            mark_terms(html, entries, language, "#", already_marked=used)
            if len(used) == len(entries):
                break
        snapshot[language] = [entry for entry in entries if entry["anchor"] in used]
    return snapshot


def mark_page_terms(views, document, language):
    """Mark the first use on the page of each glossary term the document carries, in place.

    `views` are (id prefix, LocalText) pairs in reading order, their HTML already sanitised:
    the marks are added after sanitising (content.glossary's trust note) and never cleaned
    again. A text shown in English on the Arabic page is marked with the English terms."""
    glossary = document.get("glossary") or {}
    marked = {code: set() for code in glossary}
    results = []
    for prefix, text in views:
        entries = glossary.get(text.language) or []
        if entries and text.value:
            value = mark_terms(str(text.value), entries, text.language, glossary_url(text.language),
                               id_prefix=f"term-{language}-{prefix}", already_marked=marked[text.language])
            text = dataclasses.replace(text, value=value)
        results.append(text)
    return results


def _entry_texts(document, language):
    texts = {name: local_text(entry, language) for name, entry in document["texts"].items()}
    headings, bodies = [], []
    with translation.override(language):
        for section in document["sections"]:
            heading = local_text(section["heading"], language).value
            headings.append(heading or str(Section.Kind(section["kind"]).label))
            bodies.append(search.text_from_html(local_text(section["body"], language, is_html=True).value))
    for question in document["questions"]:
        headings.append(local_text(question["question"], language).value)
        bodies.append(search.text_from_html(local_text(question["answer"], language, is_html=True).value))
    return texts, headings, bodies


def search_entries(publication):
    """One unsaved SearchEntry per language for a publication whose document is complete."""
    document = publication.document
    glossary = document.get("glossary") or {}
    rows = []
    for language in LANGUAGES:
        local, headings, bodies = _entry_texts(document, language)
        texts = {name: text.value for name, text in local.items()}
        names = [texts.get("title", ""), texts.get("short_name", ""), texts.get("also_known_as", "")]
        terms = [form for entry in glossary.get(language, [])
                 for form in (entry["term"], *entry["forms"])]
        index = search.build_index({
            "title": "\n".join(name for name in names if name),
            "headings": headings,
            "glossary_terms": terms,
            "text": "\n".join([texts.get("summary", ""), *bodies]),
        }, language)
        rows.append(SearchEntry(
            publication=publication, language=language,
            title_index=index["title"], headings_index=index["headings"],
            glossary_terms_index=index["glossary_terms"], text_index=index["text"],
            title=texts.get("title", "")[:200], title_language=local["title"].language,
            sort_title=search.fold(texts.get("title", "")[:200]),
            summary=texts.get("summary", ""),
            headings="\n".join(headings), text="\n".join(bodies),
        ))
    return rows


def store_search_entries(publication):
    """Index `publication`, the procedure's live version. Earlier versions' entries are dropped:
    search only reads the live version's, and a version is never made live again."""
    SearchEntry.objects.filter(publication__procedure_id=publication.procedure_id).delete()
    entries = SearchEntry.objects.bulk_create(search_entries(publication))
    if entries and entries[0].pk is None:  # backends that do not return ids from bulk inserts
        entries = list(SearchEntry.objects.filter(publication=publication))
    keys = []
    for entry in entries:
        fields = key_fields({name: getattr(entry, f"{name}_index") for name in search.SEARCH_FIELDS})
        keys += [SearchKey(entry=entry, head=key[:SearchKey.HEAD], key=key,
                           **{f"in_{name}": True for name in names}) for key, names in fields.items()]
    SearchKey.objects.bulk_create(keys, batch_size=2000)


def key_fields(index):
    """{key as stored: the fields using it} from an entry's per-field index strings."""
    fields = {}
    for name in search.SEARCH_FIELDS:
        for key in index[name].split():
            fields.setdefault(key[:200], set()).add(name)
    return fields


def candidate_entries(query):
    """SearchKey rows that answer any of the query's terms (for a subquery: `.values("entry")`)."""
    matches = Q()
    for term in query.terms:
        exact = Q(key__startswith=term) if len(term) >= search.MIN_PREFIX_MATCH else Q(key=term)
        matches |= Q(head=term[:SearchKey.HEAD]) & exact
    return SearchKey.objects.filter(matches)
