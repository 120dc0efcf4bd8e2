"""Hand-off from the health record: codes on procedures, and the infobutton that finds leaflets by
them, as MedlinePlus Connect answers."""

import pytest
from django.core.exceptions import ValidationError

from content.editing import codes
from content.editing.revisions import latest_revision, record_revision
from content.models import ProcedureCode
from tests.builders import make_procedure

CPT, PCS, SNOMED, CM = (codes.CPT.oid, codes.ICD10PCS.oid, codes.SNOMED.oid, codes.ICD10CM.oid)


@pytest.mark.parametrize("system, code, valid", [
    ("cpt", "36260", True), ("cpt", "0001F", True), ("cpt", "3626", False), ("cpt", "362600", False),
    ("cpt", "ABCDE", False),
    ("icd10cm", "C78.7", True), ("icd10cm", "C22.1", True), ("icd10cm", "C787", True),
    ("icd10cm", "S72.001A", True), ("icd10cm", "c78.7", True), ("icd10cm", "C7", False),
    ("icd10cm", "178.7", False), ("icd10cm", "C78.12345", False), ("icd10cm", "C78.", False),
    ("icd10pcs", "3E05305", True), ("icd10pcs", "0FH003Z", True), ("icd10pcs", "3E0530", False),
    ("icd10pcs", "3E0I305", False), ("icd10pcs", "3E0O305", False),
    ("snomed", "22298006", True), ("snomed", "387713003", True), ("snomed", "22298007", False),
    ("snomed", "12345", False), ("snomed", "1234567890123456789", False), ("snomed", "2229800A", False),
])
def test_codes_are_checked_for_their_systems_format(system, code, valid):
    assert codes.SYSTEMS[system].is_valid(code) is valid


@pytest.mark.django_db
def test_a_code_in_the_wrong_format_is_refused_when_saved():
    procedure = make_procedure()
    with pytest.raises(ValidationError) as refused:
        ProcedureCode(procedure=procedure, system="snomed", code="22298007").full_clean()
    assert "code" in refused.value.message_dict
    good = ProcedureCode(procedure=procedure, system="icd10cm", code=" c78.7 ")
    good.full_clean()
    assert good.code == "C78.7"


@pytest.mark.django_db
def test_codes_are_in_every_revision_and_reviewed_like_text():
    procedure = make_procedure()
    record_revision(procedure)
    ProcedureCode.objects.create(procedure=procedure, system="cpt", code="36260")
    revision = record_revision(procedure)
    assert revision is not None, "adding a code is a change to review"
    assert latest_revision(procedure).content["codes"] == [{"system": "cpt", "code": "36260"}]


def test_systems_are_found_by_oid_as_ehrs_send_them():
    assert codes.system_for(CM) is codes.ICD10CM
    assert codes.system_for(f"urn:oid:{CPT}") is codes.CPT
    assert codes.system_for("1.2.3") is None


# The infobutton, as MedlinePlus Connect is asked.

import json  # noqa: E402
from xml.etree import ElementTree  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from content.handoff.infobutton import FALLBACK_HEADER  # noqa: E402
from content.publishing.workflow import unpublish  # noqa: E402
from tests.builders import DEMO_SLUG, make_published_procedure, publish  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"
MEDLINEPLUS_STYLE = ("/infobutton/?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
                     "&mainSearchCriteria.v.c=C78.7&informationRecipient.languageCode.c=ar"
                     "&knowledgeResponseType=application/json")


def ask(client, **params):
    return client.get("/infobutton/", params)


@pytest.mark.django_db
def test_a_medlineplus_connect_style_request_returns_the_arabic_leaflet(client, demo_procedure):
    response = client.get(MEDLINEPLUS_STYLE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    feed = json.loads(response.content)["feed"]
    [entry] = feed["entry"]
    assert entry["title"]["_value"] == demo_procedure.title_ar
    assert entry["summary"]["_value"] == demo_procedure.summary_ar
    assert entry["link"][0]["href"] == f"http://testserver/ar/procedures/{DEMO_SLUG}/"
    assert entry["language"]["_value"] == "ar"
    assert entry["version"]["_value"] == str(demo_procedure.live_version.number)
    assert entry["published"]["_value"] and entry["lastReviewed"]["_value"]
    assert FALLBACK_HEADER not in response and "languageFallback" not in feed


@pytest.mark.django_db
@pytest.mark.parametrize("asked, answered", [("ar", "ar"), ("ara", "ar"), ("AR-sa", "ar"),
                                             ("en-US", "en"), ("eng", "en"), ("", "en")])
def test_the_language_is_read_as_health_records_send_it(client, demo_procedure, asked, answered):
    response = ask(client, **{"mainSearchCriteria.v.cs": codes.CPT.oid, "mainSearchCriteria.v.c": "36260",
                              "informationRecipient.languageCode.c": asked,
                              "knowledgeResponseType": "application/json"})
    [entry] = json.loads(response.content)["feed"]["entry"]
    assert entry["language"]["_value"] == answered
    assert f"/{answered}/procedures/{DEMO_SLUG}/" in entry["link"][0]["href"]


@pytest.mark.django_db
def test_the_atom_feed_parses_and_names_the_leaflet(client, demo_procedure):
    response = ask(client, **{"mainSearchCriteria.v.cs1": CM, "mainSearchCriteria.v.c1": "C22.1",
                              "mainSearchCriteria.v.cs2": CPT, "mainSearchCriteria.v.c2": "99999",
                              "knowledgeResponseType": "text/xml", "taskContext.c.c": "PROBLISTREV",
                              "patientPerson.administrativeGenderCode.c": "F", "age.v.v": "60",
                              "age.v.u": "a", "informationRecipient": "PAT"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}title").text == demo_procedure.title_en
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver/en/procedures/{DEMO_SLUG}/"
    assert entries[0].find(f"{ATOM}version").text == str(demo_procedure.live_version.number)


@pytest.mark.django_db
def test_unknown_codes_give_an_empty_feed_never_an_error(client, demo_procedure):
    for response_type in ("application/json", "text/xml"):
        response = ask(client, **{"mainSearchCriteria.v.cs": CM, "mainSearchCriteria.v.c": "Z99.9",
                                  "knowledgeResponseType": response_type})
        assert response.status_code == 200
    other_system = ask(client, **{"mainSearchCriteria.v.cs": "1.2.3", "mainSearchCriteria.v.c": "x",
                                  "knowledgeResponseType": "application/json"})
    assert json.loads(other_system.content)["feed"]["entry"] == []
    assert ElementTree.fromstring(response.content).findall(f"{ATOM}entry") == []


@pytest.mark.django_db
def test_a_person_with_one_match_is_sent_to_the_page_in_their_language(client, demo_procedure):
    response = ask(client, **{"mainSearchCriteria.v.cs": CM, "mainSearchCriteria.v.c": "C787",
                              "informationRecipient.languageCode.c": "ara"})
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/ar/procedures/{DEMO_SLUG}/"


@pytest.mark.django_db
def test_the_display_name_is_searched_when_no_code_matches(client, demo_procedure):
    response = ask(client, **{"mainSearchCriteria.v.dn": "hepatic artery infusion"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_several_matches_offer_a_choice_in_the_asked_language(client, demo_procedure):
    other = make_published_procedure("second-procedure")
    other.codes.create(system="icd10cm", code="C78.7")
    publish(other)
    response = ask(client, **{"mainSearchCriteria.v.cs": CM, "mainSearchCriteria.v.c": ["C78.7", "C22.1"],
                              "informationRecipient.languageCode.c": "ar"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<html lang="ar" dir="rtl">' in html
    assert f"/ar/procedures/{DEMO_SLUG}/" in html and "/ar/procedures/second-procedure/" in html


@pytest.mark.django_db
def test_no_match_shows_the_search_form_with_404(client, demo_procedure):
    response = ask(client, **{"mainSearchCriteria.v.cs": CM, "mainSearchCriteria.v.c": "Z99.9"})
    assert response.status_code == 404
    html = response.content.decode()
    assert html.count("<h1") == 1 and 'name="q"' in html


@pytest.mark.django_db
def test_a_language_the_portal_lacks_falls_back_to_english_and_says_so(client, demo_procedure):
    params = {"mainSearchCriteria.v.cs": CPT, "mainSearchCriteria.v.c": "36260",
              "informationRecipient.languageCode.c": "fr-FR"}
    response = ask(client, **params, knowledgeResponseType="application/json")
    feed = json.loads(response.content)["feed"]
    assert feed["languageFallback"]["requested"] == "fr-FR"
    assert feed["entry"][0]["language"]["_value"] == "en"
    assert response[FALLBACK_HEADER] == "fr-FR -> en"
    xml = ElementTree.fromstring(ask(client, **params, knowledgeResponseType="text/xml").content)
    assert xml.find(f"{ATOM}languageFallback").get("requested") == "fr-FR"
    page = ask(client, **params)
    assert page.status_code == 200 and 'class="notice"' in page.content.decode()


@pytest.mark.django_db
def test_withdrawn_pages_never_appear(client, demo_procedure):
    unpublish(demo_procedure, None, "Withdrawn for the test")
    feed = json.loads(client.get(MEDLINEPLUS_STYLE).content)["feed"]
    assert feed["entry"] == []
    people = ask(client, **{"mainSearchCriteria.v.cs": CM, "mainSearchCriteria.v.c": "C78.7"})
    assert people.status_code == 404


@pytest.mark.django_db
def test_an_answer_reads_no_published_document_and_costs_the_same_however_many_are_live(
    client, demo_procedure
):
    """Leaflets are found through the codes' index and read from their listings: an answer never
    loads whole published documents (90 kB each), so hundreds of guides answer as fast as one."""
    def queries_for(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code in (200, 302)
        assert not [query["sql"] for query in captured.captured_queries
                    if '"content_publication"."document"' in query["sql"]], path
        return len(captured)

    paths = [MEDLINEPLUS_STYLE, MEDLINEPLUS_STYLE.replace("&knowledgeResponseType=application/json", ""),
             "/fhir/DocumentReference?type=urn:oid:2.16.840.1.113883.6.90|C78.7&language=ar"]
    with_one = [queries_for(path) for path in paths]
    for number in range(5):
        other = make_published_procedure(slug=f"other-{number}", title_en=f"Other {number}")
        ProcedureCode.objects.create(procedure=other, system=codes.CPT.key, code=f"1000{number}")
        record_revision(other)
        publish(other)
    assert [queries_for(path) for path in paths] == with_one


@pytest.mark.django_db
def test_a_kept_answer_costs_one_query_and_a_publication_or_withdrawal_changes_it_at_once(
    client, demo_procedure
):
    first = json.loads(client.get(MEDLINEPLUS_STYLE).content)["feed"]["entry"]
    with CaptureQueriesContext(connection) as captured:
        again = client.get(MEDLINEPLUS_STYLE)
    assert json.loads(again.content)["feed"]["entry"] == first
    assert len(captured) == 1  # the public content's stamp, nothing else
    demo_procedure.title_ar = "عنوان جديد للنشرة"
    demo_procedure.save()
    record_revision(demo_procedure)
    publish(demo_procedure)
    [entry] = json.loads(client.get(MEDLINEPLUS_STYLE).content)["feed"]["entry"]
    assert entry["title"]["_value"] == "عنوان جديد للنشرة"
    unpublish(demo_procedure, None, "Withdrawn for the test")
    assert json.loads(client.get(MEDLINEPLUS_STYLE).content)["feed"]["entry"] == []


@pytest.mark.django_db
def test_a_kept_answer_is_replayed_with_the_headers_every_middleware_gave_it(client, demo_procedure):
    first = client.get(MEDLINEPLUS_STYLE)
    assert first.has_header("Content-Security-Policy")
    again = client.get(MEDLINEPLUS_STYLE)
    assert again.content == first.content
    assert dict(again.items()) == dict(first.items())


@pytest.mark.django_db
def test_a_kept_redirect_for_people_is_replayed_as_a_redirect(client, demo_procedure):
    people = MEDLINEPLUS_STYLE.replace("&knowledgeResponseType=application/json", "")
    first = client.get(people)
    assert first.status_code == 302
    with CaptureQueriesContext(connection) as captured:
        again = client.get(people)
    assert (again.status_code, again["Location"]) == (302, first["Location"])
    assert len(captured) == 1



# The request shapes MedlinePlus Connect's web service documentation gives as examples (a problem
# code with its display name, the language asked, each response type, a procedure code, SNOMED CT
# with only a display name), sent as its examples are written (percent-encoded display
# names, parameters in its order), with our codes in place of theirs.
DOCUMENTATION_EXAMPLES = [
    # ICD-10-CM problem code and display name, English, for a person: straight to the page.
    ("mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C78.7"
     "&mainSearchCriteria.v.dn=Secondary%20malignant%20neoplasm%20of%20liver"
     "&informationRecipient.languageCode.c=en", "people", "en"),
    # The same in the other language the portal writes, as JSON.
    ("mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C22.1"
     "&mainSearchCriteria.v.dn=Intrahepatic%20bile%20duct%20carcinoma"
     "&informationRecipient.languageCode.c=ar&knowledgeResponseType=application/json", "json", "ar"),
    # Their Spanish example: a language the portal lacks is answered in English, and says so.
    ("mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C78.7"
     "&informationRecipient.languageCode.c=es&knowledgeResponseType=application/json", "json", "en"),
    # A procedure code (CPT), answered as Atom XML.
    ("mainSearchCriteria.v.cs=2.16.840.1.113883.6.12&mainSearchCriteria.v.c=36260"
     "&knowledgeResponseType=text/xml", "xml", "en"),
    # SNOMED CT with only a display name (the record holds no code): the name finds the leaflet.
    ("mainSearchCriteria.v.cs=2.16.840.1.113883.6.96&mainSearchCriteria.v.dn=Hepatic%20artery%20infusion%20pump"
     "&informationRecipient.languageCode.c=en&knowledgeResponseType=application/json", "json", "en"),
    # The full context an EHR sends (task, recipient, performer, patient's age and sex): ignored.
    ("taskContext.c.c=PROBLISTREV&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
     "&mainSearchCriteria.v.c=C78.7&patientPerson.administrativeGenderCode.c=F&age.v.v=57&age.v.u=a"
     "&informationRecipient=PAT&performer=PROV&informationRecipient.languageCode.c=ar", "people", "ar"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("query, answer, language", DOCUMENTATION_EXAMPLES)
def test_medlineplus_connect_documentation_examples_find_the_leaflet(client, demo_procedure, query,
                                                                     answer, language):
    response = client.get(f"/infobutton/?{query}")
    page = f"http://testserver/{language}/procedures/{DEMO_SLUG}/"
    if answer == "people":
        assert response.status_code == 302
        assert response["Location"] in (page, page.removeprefix("http://testserver"))
    elif answer == "json":
        assert response.status_code == 200
        [entry] = json.loads(response.content)["feed"]["entry"]
        assert entry["link"][0]["href"] == page
        assert entry["language"]["_value"] == language
    else:
        assert response.status_code == 200
        [entry] = ElementTree.fromstring(response.content).findall(f"{ATOM}entry")
        assert entry.find(f"{ATOM}link").get("href") == page
