"""GET /infobutton/: a health record's "infobutton" answered as MedlinePlus Connect answers it.

The request names what the patient's record holds (mainSearchCriteria.v.cs, the code system's OID,
and mainSearchCriteria.v.c, the code; repeated as .v.c1/.v.cs1 ... or as plain repeats; .v.dn, a
display name, searched in titles when no code matches) and the reader's language
(informationRecipient.languageCode.c). Every other standard parameter is accepted and ignored.

knowledgeResponseType=text/xml answers an Atom feed, application/json its JSON in MedlinePlus
Connect's shape; without it a person is sent to the page (one match), offered a choice (several)
or shown the search form (none: 404). A language the portal does not have is answered in English,
and the answer says so (the Content-Language and Infobutton-Language-Fallback headers, a field of
the feed, a notice on the page).
"""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from content import languages
from content.editing import codes
from content.handoff.finding import find, leaflet
from content.handoff.remembered import remembered

CODE = re.compile(r"^mainSearchCriteria\.v\.c(\d*)$")
JSON_TYPE, XML_TYPE = "application/json", "text/xml"
ATOM = "http://www.w3.org/2005/Atom"
FALLBACK_HEADER = "Infobutton-Language-Fallback"


def criteria(query):
    """(system or None, code) pairs and display names, from numbered and plain repeats alike."""
    pairs, names = [], list(query.getlist("mainSearchCriteria.v.dn"))
    plain_codes = query.getlist("mainSearchCriteria.v.c")
    plain_systems = query.getlist("mainSearchCriteria.v.cs")
    for index, code in enumerate(plain_codes):
        system = plain_systems[index] if index < len(plain_systems) else (plain_systems[:1] or [""])[0]
        pairs.append((system, code))
    for key in query:
        match = CODE.match(key)
        if match and match[1]:
            system = query.get(f"mainSearchCriteria.v.cs{match[1]}", "")
            pairs += [(system, code) for code in query.getlist(key)]
            names += query.getlist(f"mainSearchCriteria.v.dn{match[1]}")
    found = []
    for system_name, code in pairs:
        if not code.strip():
            continue
        system = codes.system_for(system_name) if system_name.strip() else None
        if system_name.strip() and system is None:
            continue  # a system we do not code in matches nothing
        found.append((system, code))
    return found, [name.strip() for name in names if name.strip()]


def asked_language(query):
    """(the language answered in, the language asked for if the portal does not have it)."""
    asked = query.get("informationRecipient.languageCode.c", "").strip()
    if not asked:
        return languages.SOURCE, None
    language = languages.from_record(asked)
    return (language, None) if language else (languages.SOURCE, asked)


@remembered
@never_cache
@require_safe
def infobutton(request):
    query = request.GET
    pairs, names = criteria(query)
    language, unavailable = asked_language(query)
    leaflets = [leaflet(publication, language) for publication in find(pairs, names)]
    response_type = query.get("knowledgeResponseType", "").strip().lower()
    if response_type == JSON_TYPE:
        response = HttpResponse(json.dumps(feed_json(leaflets, language, unavailable), ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
    elif response_type in (XML_TYPE, "application/atom+xml", "application/xml"):
        response = HttpResponse(feed_xml(leaflets, language, unavailable),
                                content_type="text/xml; charset=utf-8")
    else:
        response = for_people(request, leaflets, language, unavailable)
    response["Content-Language"] = language
    if unavailable:
        response[FALLBACK_HEADER] = f"{unavailable} -> {language}"
    return response


def for_people(request, leaflets, language, unavailable):
    if len(leaflets) == 1 and not unavailable:
        return HttpResponseRedirect(leaflets[0].url)
    with translation.override(language):
        response = render(request, "content/infobutton.html", {
            "leaflets": leaflets, "unavailable": unavailable,
            "language_name": languages.local_name(language),
        }, status=200 if leaflets else 404)
    return response


def _feed_title():
    return _("Patient education: guides for this record")


def _stamp(value):
    return value.isoformat() if value else None


def feed_json(leaflets, language, unavailable):
    """The feed as MedlinePlus Connect writes its JSON: values under "_value"."""
    with translation.override(language):
        title = _feed_title()
    feed = {
        "xml:lang": language,
        "title": {"_value": title},
        "updated": {"_value": timezone.now().isoformat()},
        "language": {"_value": language},
        "entry": [_json_entry(item) for item in leaflets],
    }
    if unavailable:
        feed["languageFallback"] = {"_value": f"{unavailable} -> {language}", "requested": unavailable,
                                    "answered": language}
    return {"feed": feed}


def _json_entry(item):
    return {
        "xml:lang": item.language,
        "title": {"_value": item.title, "xml:lang": item.title_language},
        "link": [{"href": item.url, "rel": "alternate", "type": "text/html", "hreflang": item.language},
                 {"href": item.pdf_url, "rel": "alternate", "type": "application/pdf",
                  "hreflang": item.language}],
        "id": {"_value": item.url},
        "summary": {"_value": item.summary, "type": "text"},
        "language": {"_value": item.language},
        "version": {"_value": str(item.version)},
        "published": {"_value": _stamp(item.published_at)},
        "updated": {"_value": _stamp(item.published_at)},
        "lastReviewed": {"_value": _stamp(item.last_reviewed)},
        "nextReviewDue": {"_value": _stamp(item.next_review_due)},
        "category": [{"scheme": system.uri(), "term": code} for system, code in item.codes],
    }


def feed_xml(leaflets, language, unavailable):
    """The feed as Atom XML (MedlinePlus Connect's knowledgeResponseType=text/xml)."""
    ElementTree.register_namespace("", ATOM)
    data = feed_json(leaflets, language, unavailable)["feed"]
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {lang: language})
    for name in ("title", "updated", "language"):
        ElementTree.SubElement(feed, f"{{{ATOM}}}{name}").text = data[name]["_value"]
    if unavailable:
        ElementTree.SubElement(feed, f"{{{ATOM}}}languageFallback",
                               {"requested": unavailable, "answered": language}).text = \
            data["languageFallback"]["_value"]
    for entry in data["entry"]:
        element = ElementTree.SubElement(feed, f"{{{ATOM}}}entry", {lang: entry["xml:lang"]})
        ElementTree.SubElement(element, f"{{{ATOM}}}title",
                               {lang: entry["title"]["xml:lang"]}).text = entry["title"]["_value"]
        for link in entry["link"]:
            ElementTree.SubElement(element, f"{{{ATOM}}}link", link)
        for name in ("id", "language", "version", "published", "updated", "lastReviewed",
                     "nextReviewDue"):
            ElementTree.SubElement(element, f"{{{ATOM}}}{name}").text = entry[name]["_value"]
        ElementTree.SubElement(element, f"{{{ATOM}}}summary", {"type": "text"}).text = \
            entry["summary"]["_value"]
        for category in entry["category"]:
            ElementTree.SubElement(element, f"{{{ATOM}}}category", category)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="utf-8")
