"""FHIR R4 (R4B models), read-only: the live leaflets as DocumentReferences, parsed back with
fhir.resources as a client would."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome

from content.editing import codes
from content.publishing.workflow import unpublish
from tests.builders import DEMO_SLUG

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"


def fhir(client, path, **params):
    response = client.get(path, params)
    assert response["Content-Type"].startswith(FHIR_JSON)
    return response


def test_the_capability_statement_offers_document_reference_read_and_search(client):
    response = fhir(client, "/fhir/metadata")
    assert response.status_code == 200
    statement = CapabilityStatement.model_validate_json(response.content)
    [resource] = statement.rest[0].resource
    assert resource.type == "DocumentReference"
    assert {i.code for i in resource.interaction} == {"read", "search-type"}
    assert {p.name for p in resource.searchParam} >= {"_id", "language", "status", "type", "_count"}


def test_a_leaflet_is_read_in_each_language_with_its_page_and_pdf(client, demo_procedure):
    response = fhir(client, f"/fhir/DocumentReference/{DEMO_SLUG}-ar")
    assert response.status_code == 200
    document = DocumentReference.model_validate_json(response.content)
    assert document.id == f"{DEMO_SLUG}-ar"
    assert document.language == "ar"
    assert document.meta.versionId == str(demo_procedure.live_version.number)
    assert document.status == "current"
    html, pdf = (content.attachment for content in document.content)
    assert (html.contentType, pdf.contentType) == ("text/html", "application/pdf")
    assert html.url == f"http://testserver/ar/procedures/{DEMO_SLUG}/"
    assert pdf.url == f"http://testserver/ar/procedures/{DEMO_SLUG}/handout.pdf"
    assert html.title == demo_procedure.title_ar and html.language == "ar" and html.creation
    assert {(c.system, c.code) for c in document.type.coding} == {
        (codes.CPT.uri(), "36260"), (codes.ICD10CM.uri(), "C78.7"), (codes.ICD10CM.uri(), "C22.1")}


def test_an_unknown_or_withdrawn_leaflet_is_not_found(client, demo_procedure):
    for resource_id in ("nothing-en", f"{DEMO_SLUG}-fr", DEMO_SLUG):
        response = fhir(client, f"/fhir/DocumentReference/{resource_id}")
        assert response.status_code == 404
        OperationOutcome.model_validate_json(response.content)
    unpublish(demo_procedure, None, "Withdrawn for the test")
    assert fhir(client, f"/fhir/DocumentReference/{DEMO_SLUG}-en").status_code == 404
    bundle = Bundle.model_validate_json(fhir(client, "/fhir/DocumentReference").content)
    assert bundle.total == 0 and not bundle.entry


@pytest.mark.parametrize("params, ids", [
    ({}, {f"{DEMO_SLUG}-ar", f"{DEMO_SLUG}-en"}),
    ({"_id": f"{DEMO_SLUG}-en"}, {f"{DEMO_SLUG}-en"}),
    ({"language": "ar"}, {f"{DEMO_SLUG}-ar"}),
    ({"status": "current", "language": "en"}, {f"{DEMO_SLUG}-en"}),
    ({"status": "superseded"}, set()),
    ({"type": f"urn:oid:{codes.ICD10CM.oid}|C78.7", "language": "ar"}, {f"{DEMO_SLUG}-ar"}),
    ({"type": f"{codes.CPT.oid}|36260"}, {f"{DEMO_SLUG}-ar", f"{DEMO_SLUG}-en"}),
    ({"type": f"urn:oid:{codes.CPT.oid}|99999"}, set()),
    ({"type": "urn:oid:1.2.3|36260"}, set()),
    # The canonical URIs FHIR clients use for the same systems.
    ({"type": "http://hl7.org/fhir/sid/icd-10-cm|C78.7", "language": "ar"}, {f"{DEMO_SLUG}-ar"}),
    ({"type": "http://www.ama-assn.org/go/cpt|36260", "language": "en"}, {f"{DEMO_SLUG}-en"}),
])
def test_search_filters_by_id_language_status_and_type(client, demo_procedure, params, ids):
    response = fhir(client, "/fhir/DocumentReference", **params)
    assert response.status_code == 200
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "searchset"
    assert {entry.resource.id for entry in bundle.entry or []} == ids
    assert bundle.total == len(ids)


def test_count_limits_the_entries_not_the_total(client, demo_procedure):
    bundle = Bundle.model_validate_json(fhir(client, "/fhir/DocumentReference", _count="1").content)
    assert bundle.total == 2 and len(bundle.entry) == 1


@pytest.mark.parametrize("params", [{"_count": "many"}, {"_count": "-1"}, {"language": "not a code"},
                                    {"status": "draft"}, {"type": "urn:oid:1.2.3|"}, {"colour": "red"}])
def test_an_invalid_search_value_answers_400_with_an_operation_outcome(client, demo_procedure, params):
    response = fhir(client, "/fhir/DocumentReference", **params)
    assert response.status_code == 400
    issue = OperationOutcome.model_validate_json(response.content).issue[0]
    assert issue.severity == "error" and issue.code == "invalid"
