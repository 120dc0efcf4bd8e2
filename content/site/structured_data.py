"""JSON-LD for a procedure page: a schema.org MedicalWebPage about a MedicalProcedure.

Built from the live version's document on a cache miss (content.site.views.procedure_page), so it
names the review date, reviewer and references of exactly the version on show.
"""

import json

from django.utils.safestring import mark_safe

from content.publishing.localized import local_text
from content.rendering.urls import web_url

CITATION_TYPES = {"article": "ScholarlyArticle", "book": "Book", "expert_opinion": "CreativeWork"}
# Inside <script>, "</script>" or "<!--" in a text would end the block early: escape <, > and &
# as JSON escapes (as django.utils.html.json_script does).
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _citation(citation):
    data = {"@type": CITATION_TYPES.get(citation.get("kind"), "CreativeWork"),
            "name": citation.get("title") or citation.get("source") or citation.get("authors"),
            "author": citation.get("authors")}
    if citation.get("source"):
        data["publisher" if citation.get("kind") == "book" else "isPartOf"] = citation["source"]
    if citation.get("year"):
        data["datePublished"] = str(citation["year"])
    elif citation.get("date"):
        data["datePublished"] = str(citation["date"])
    # A document may come from a fixture too: every URL is checked where it is written out.
    doi_url = web_url(f"https://doi.org/{citation['doi']}") if citation.get("doi") else ""
    url = web_url(citation.get("url"))
    if doi_url:
        data["sameAs"] = doi_url
    if url:
        data["url"] = url
    return data


def medical_web_page(document, info, language, page_url):
    texts = {name: local_text(entry, language).value for name, entry in document["texts"].items()}
    alternate_names = [texts.get(name) for name in ("short_name", "also_known_as")]
    procedure = {"@type": "MedicalProcedure", "name": texts["title"]}
    alternate_names = [name for name in alternate_names if name]
    if alternate_names:
        procedure["alternateName"] = alternate_names
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": texts["title"],
        "description": texts.get("summary", ""),
        "url": page_url,
        "inLanguage": language,
        "about": procedure,
        "version": str(info.version),
    }
    if info.published_at:
        data["dateModified"] = info.published_at.isoformat()
    if info.last_reviewed:
        data["lastReviewed"] = info.last_reviewed.isoformat()
    reviewer = document.get("reviewer")
    if reviewer:
        person = {"@type": "Person", "name": reviewer["name"]}
        role = local_text(reviewer["role"], language).value if reviewer.get("role") else ""
        if role:
            person["jobTitle"] = role
        data["reviewedBy"] = person
    if document.get("citations"):
        data["citation"] = [_citation(citation) for citation in document["citations"]]
    text = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=False, default=str)
    return mark_safe(text.translate(SCRIPT_ESCAPES))  # escaped for a <script> element above
