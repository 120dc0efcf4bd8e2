"""A read-only FHIR R4 (R4B models) view of the live leaflets, at /fhir/.

One DocumentReference per live leaflet and language, id "<slug>-<language>", its meta.versionId
the published version; its content is the page (text/html) and the PDF handout (application/pdf)
at their absolute addresses. GET /fhir/metadata says what is offered. Resources are built with
fhir.resources, so each is validated as it is made. Only live versions answer: a withdrawn page is
not found, and never in a search.
"""

import re
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome

from content import languages
from content.editing import codes
from content.handoff.finding import (
    Leaflet,
    absolute,
    every_live_publication,
    leaflet,
    live_publications,
    matches_code,
)
from content.handoff.remembered import remembered

FHIR_JSON = "application/fhir+json; charset=utf-8"
FHIR_VERSION = "4.3.0"  # R4B, whose models fhir.resources validates against
SEARCH_PARAMETERS = {"_id": "token", "language": "token", "status": "token", "type": "token",
                     "_count": "number"}
# Accepted and ignored: how the answer is formatted is always JSON.
IGNORED_PARAMETERS = {"_format", "_pretty", "_summary"}
MAX_COUNT = 100
LANGUAGE_TOKEN = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
STATUSES = {"current", "superseded", "entered-in-error"}


def _answer(resource, status=200):
    return HttpResponse(resource.model_dump_json(), status=status, content_type=FHIR_JSON)


def outcome(status, code, message):
    return _answer(OperationOutcome(issue=[{"severity": "error", "code": code,
                                            "diagnostics": message}]), status)


class BadSearch(Exception):
    pass


def _resource_id(item: Leaflet):
    return f"{item.slug}-{item.language}"


def document_reference(item: Leaflet):
    created = item.published_at.isoformat()
    coding = [{"system": system.uri(), "code": code, "display": f"{system.label} {code}"}
              for system, code in item.codes]
    attachment = {"language": item.language, "title": item.title, "creation": created}
    return DocumentReference(
        id=_resource_id(item),
        meta={"versionId": str(item.version), "lastUpdated": created},
        language=item.language,
        status="current",
        docStatus="final",
        type={"coding": coding, "text": item.title} if coding else {"text": item.title},
        date=created,
        description=item.summary,
        content=[
            {"attachment": {**attachment, "contentType": "text/html", "url": item.url}},
            {"attachment": {**attachment, "contentType": "application/pdf", "url": item.pdf_url}},
        ],
    )


def every_leaflet():
    for publication in every_live_publication():
        for language in languages.CODES:
            yield publication, leaflet(publication, language)


@remembered
@never_cache
@require_safe
def metadata(request):
    statement = CapabilityStatement(
        status="active", date=timezone.now().isoformat(), kind="instance",
        fhirVersion=FHIR_VERSION, format=["json"],
        implementation={"description": "Patient education leaflets", "url": absolute("/fhir")},
        rest=[{"mode": "server", "resource": [{
            "type": "DocumentReference",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": name, "type": kind} for name, kind in SEARCH_PARAMETERS.items()],
        }]}],
    )
    return _answer(statement)


@remembered
@never_cache
@require_safe
def read(request, resource_id):
    slug, _dash, language = resource_id.rpartition("-")
    if language in languages.CODES:
        for publication in live_publications().filter(slug=slug):
            return _answer(document_reference(leaflet(publication, language)))
    return outcome(404, "not-found", f"DocumentReference/{resource_id} is not known")


def _type_filter(value):
    """(system or None, code) of a "system|code" token; a system we do not code in matches nothing."""
    system_name, bar, code = value.rpartition("|")
    if not bar:
        return None, value
    if not system_name:
        return None, code
    system = codes.system_for(system_name)
    if system is None:
        return False, code
    return system, code


def _search_filters(query):
    unknown = set(query) - set(SEARCH_PARAMETERS) - IGNORED_PARAMETERS
    if unknown:
        raise BadSearch(f"Unknown search parameter(s): {', '.join(sorted(unknown))}")
    count = query.get("_count")
    if count is not None:
        if not count.isdigit() or int(count) > 10**6:
            raise BadSearch(f"_count must be a whole number of 0 or more, not {count!r}")
        count = min(int(count), MAX_COUNT)
    for language in query.getlist("language"):
        for part in language.split(","):
            if not LANGUAGE_TOKEN.match(part):
                raise BadSearch(f"language must be a language code such as ar or en-US, not {part!r}")
    for status in query.getlist("status"):
        for part in status.split(","):
            if part not in STATUSES:
                raise BadSearch(f"status must be one of {', '.join(sorted(STATUSES))}, not {part!r}")
    for value in query.getlist("type"):
        if not value.strip() or value.endswith("|"):
            raise BadSearch(f"type must be system|code, not {value!r}")
    return count


def _matches(query, publication, item):
    for value in query.getlist("_id"):
        if _resource_id(item) not in value.split(","):
            return False
    for value in query.getlist("language"):
        if item.language not in {languages.from_record(part) for part in value.split(",")}:
            return False
    for value in query.getlist("status"):
        if "current" not in value.split(","):
            return False
    for value in query.getlist("type"):
        alternatives = [_type_filter(part) for part in value.split(",")]
        if not any(system is not False and matches_code(publication, system, code)
                   for system, code in alternatives):
            return False
    return True


@remembered
@never_cache
@require_safe
def search(request):
    query = request.GET
    try:
        count = _search_filters(query)
    except BadSearch as problem:
        return outcome(400, "invalid", str(problem))
    found = [item for publication, item in every_leaflet() if _matches(query, publication, item)]
    found.sort(key=_resource_id)
    shown = found if count is None else found[:count]
    self_url = absolute(request.path) + (f"?{urlencode(list(query.lists()), doseq=True)}" if query else "")
    bundle = Bundle(
        type="searchset", total=len(found), link=[{"relation": "self", "url": self_url}],
        entry=[{"fullUrl": absolute(f"/fhir/DocumentReference/{_resource_id(item)}"),
                "resource": document_reference(item), "search": {"mode": "match"}} for item in shown],
    )
    return _answer(bundle)
