"""The published document: a revision's texts rendered once, with each field's translation state.

A document is what a Publication stores and all that public pages, handouts, PDFs and search read:
every text as an entry (content.publishing.localized) in every language, Markdown rendered to
sanitised HTML, the citations, who translated it, and the glossary terms it uses.
"""

import hashlib

from django.utils.translation import gettext as _

from content import languages
from content.editing import codes, freshness
from content.editing.models import Procedure, Question, Section
from content.editing.pictures import picture_pins, referenced_slugs
from content.publishing.glossary import glossary_snapshot
from content.publishing.localized import text_entry
from content.rendering.markdown import (
    authoring_problems,
    missing_citations,
    plain_text_problems,
    render_markdown,
)

DOCUMENT_FORMAT = 1


def question_anchor_prefix(question):
    # Known before the first save and unique among a page's questions, unlike the order.
    return "faq" + hashlib.sha256((question or "").encode()).hexdigest()[:8]


def _markdown_entry(row, name, anchor_prefix, pictures):
    html = {
        language: render_markdown(row.get(languages.field_name(name, language)) or "", language,
                                  anchor_prefix, pictures)
        for language in languages.CODES
    }
    return text_entry(row, name, row.get("translation", {}).get(name), html=html)


def _plain_entry(row, name):
    return text_entry(row, name, row.get("translation", {}).get(name))


def translators(content):
    """Who wrote the Arabic as it stands, latest first, and when they last did."""
    latest = {}
    rows = [content["procedure"], *content["sections"], *content["questions"]]
    for row in rows:
        for record in row.get("translation", {}).values():
            if record.get("by") and record.get("at"):
                latest[record["by"]] = max(latest.get(record["by"], ""), record["at"])
    return [{"name": name, "at": at} for name, at in sorted(latest.items(), key=lambda i: i[1],
                                                            reverse=True)]


def arabic_digest(content):
    """A digest of every translated text of a snapshot: what a recorded translation check saw."""
    parts = [(Procedure, [content["procedure"]]), (Section, content["sections"]),
             (Question, content["questions"])]
    texts = []
    for model, rows in parts:
        names = {languages.field_name(name, languages.TRANSLATION) for name in model.translated_text_fields}
        texts += [freshness.normalise(value) for row in rows for key, value in sorted(row.items())
                  if key in names]
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()


def _markdown_texts(content):
    rows = [(row, "body") for row in content["sections"]]
    rows += [(row, "answer") for row in content["questions"]]
    return [row.get(languages.field_name(name, language))
            for row, name in rows for language in languages.CODES]


def build_document(content, glossary_terms=None, pictures=None):
    """The page of a snapshot: every text as an entry (content.publishing.localized), Markdown rendered,
    and the glossary terms it uses as the glossary stands now (content.publishing.glossary).

    The pictures it shows are the files they have now unless `pictures` (a document's own
    "pictures", content.editing.pictures.picture_pins) says which: the document keeps the files it
    was rendered with, so a picture replaced later changes no published page until it is
    published again."""
    procedure = content["procedure"]
    if pictures is None:
        pictures = picture_pins(referenced_slugs(*_markdown_texts(content)))
    document = {
        "format": DOCUMENT_FORMAT,
        "slug": procedure["slug"],
        "texts": {name: _plain_entry(procedure, name) for name in Procedure.translated_text_fields},
        "sections": [
            {"kind": section["kind"], "heading": _plain_entry(section, "heading"),
             "body": _markdown_entry(section, "body", section["kind"], pictures)}
            for section in content["sections"]
        ],
        "questions": [
            {"question": _plain_entry(question, "question"),
             "answer": _markdown_entry(question, "answer",
                                       question_anchor_prefix(question.get(languages.source_field("question"))),
                                       pictures)}
            for question in content["questions"]
        ],
        "citations": content["citations"],
        # What a health record knows the procedure by: how content.handoff finds the page.
        "codes": [{"system": code["system"], "oid": codes.SYSTEMS[code["system"]].oid,
                   "code": code["code"]} for code in content.get("codes", [])],
        "translators": translators(content),
        "pictures": pictures,
    }
    document["glossary"] = glossary_snapshot(document, glossary_terms)
    return document


def publish_problems(content):
    """What stops a snapshot from being published, each naming the part and the problem."""
    problems = []
    procedure = content["procedure"]
    for name in ("title", "summary"):
        if not freshness.normalise(procedure.get(languages.field_name(name, languages.SOURCE))):
            label = Procedure._meta.get_field(name).verbose_name
            problems.append(_("The English %(field)s is empty.") % {"field": label})
    if not content["sections"]:
        problems.append(_("The page has no sections."))
    for code in content.get("codes", []):
        system = codes.SYSTEMS.get(code["system"])
        if system is None or not system.is_valid(code["code"]):
            problems.append(_("The code %(code)s is not a valid %(system)s code.")
                            % {"code": code["code"], "system": system.label if system else code["system"]})
    numbers = {citation["number"] for citation in content["citations"]}
    pictures = set(picture_pins(referenced_slugs(*_markdown_texts(content))))
    parts = [(Section.Kind(s["kind"]).label, s, "body") for s in content["sections"]]
    parts += [(_("Question %(number)d") % {"number": i}, q, "answer")
              for i, q in enumerate(content["questions"], 1)]
    for label, row, field in parts:
        if not freshness.normalise(row.get(languages.field_name(field, languages.SOURCE))):
            problems.append(_("%(part)s: the English text is empty.") % {"part": label})
        for language in languages.CODES:
            text = row.get(languages.field_name(field, language)) or ""
            for number in missing_citations(text, numbers):
                problems.append(
                    _("%(part)s (%(language)s) cites [^%(number)d], but there is no "
                      "reference %(number)d.") % {"part": label, "language": language,
                                                  "number": number})
            # What the admin and the file loader refuse cannot be published by another route.
            problems += [f"{label} ({language}): {problem}"
                         for problem in authoring_problems(text, language, pictures)]
    # The plain texts too: the same rule as their fields (content.rendering.plain_text_problems).
    plain = [(Procedure._meta.get_field(name).verbose_name, procedure, name)
             for name in Procedure.translated_text_fields]
    plain += [(f"{Section.Kind(s['kind']).label}, {Section._meta.get_field('heading').verbose_name}",
               s, "heading") for s in content["sections"]]
    plain += [(_("Question %(number)d") % {"number": i}, q, "question")
              for i, q in enumerate(content["questions"], 1)]
    for label, row, field in plain:
        for language in languages.CODES:
            text = row.get(languages.field_name(field, language)) or ""
            problems += [f"{label} ({language}): {problem}" for problem in plain_text_problems(text)]
    return problems
