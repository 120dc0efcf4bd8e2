"""The glossary terms a published page uses, as they stood when it was published.

`glossary_snapshot` stores, in the document, the glossary terms the page uses in each language as
they were at publish (a clinician reviewed the page with these explanations). Pages mark them
after sanitising, on a cache miss (content.publishing.pages), from the document alone: no query,
and the page cache key (the live version) already covers them. A glossary edit reaches a page when
the page is next published (or `render_content` is run), as the admin's help text says.
"""

import dataclasses

from django.urls import reverse
from django.utils import translation

from content import languages
from content.editing.models import GlossaryTerm
from content.rendering.glossary_marks import mark_terms


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
    """Per language, the glossary entries whose terms the page's text uses."""
    terms = list(GlossaryTerm.objects.all()) if terms is None else terms
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


def mark_page_terms(views, document, language):
    """Mark the first use on the page of each glossary term the document carries, in place.

    `views` are (id prefix, LocalText) pairs in reading order, their HTML already sanitised:
    the marks are added after sanitising (content.rendering.glossary_marks's trust note) and never cleaned
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
