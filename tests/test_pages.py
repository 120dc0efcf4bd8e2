"""What a patient sees: every public page, in both languages, in order, honest about gaps."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import Procedure, Section
from tests.builders import (
    DEMO_SLUG,
    add_citation,
    add_question,
    add_section,
    make_clinic,
    make_procedure,
    make_published_procedure,
    publish,
)

pytestmark = pytest.mark.django_db

CLINICAL_ORDER = [
    "overview", "why", "alternatives", "risks", "prepare", "during", "after", "living-with",
    "travel", "when-to-call", "results", "questions-to-ask",
]


def html_of(response):
    return response.content.decode()


def section_ids(html):
    return re.findall(r'<section class="procedure__section[^"]*" id="([a-z-]+)"', html)


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ar", "rtl")])
@pytest.mark.parametrize("path", ["/{lang}/", f"/{{lang}}/procedures/{DEMO_SLUG}/", "/{lang}/glossary/",
                                  "/{lang}/search/", "/{lang}/search/?q=pump", "/{lang}/search/?q=zebra"])
def test_public_pages_answer_in_their_language_and_direction_with_one_h1(
    client, demo_procedure, path, language, direction
):
    response = client.get(path.format(lang=language))
    assert response.status_code == 200
    html = html_of(response)
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    "accept_language, landing", [("ar,en;q=0.5", "/ar/"), ("en-GB,en;q=0.9", "/en/"),
                                 ("fr", "/en/")]
)
def test_the_root_lands_on_the_list_in_the_browsers_language(client, accept_language, landing):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == landing


def test_the_language_switch_leads_to_the_same_page_in_the_other_language(client, demo_procedure):
    html = html_of(client.get(f"/en/procedures/{DEMO_SLUG}/"))
    assert f'<a href="/ar/procedures/{DEMO_SLUG}/" hreflang="ar" lang="ar" dir="rtl">' in html
    html = html_of(client.get(f"/ar/procedures/{DEMO_SLUG}/"))
    assert f'<a href="/en/procedures/{DEMO_SLUG}/" hreflang="en" lang="en" dir="ltr">' in html


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_demo_page_has_every_section_in_clinical_order_then_questions_and_references(
    client, demo_procedure, language
):
    html = html_of(client.get(f"/{language}/procedures/{DEMO_SLUG}/"))
    assert section_ids(html) == [*CLINICAL_ORDER, "questions", "share", "references"]
    toc = html.split('class="toc"')[1].split("</nav>")[0]
    assert re.findall(r'href="#([a-z-]+)"', toc) == [*CLINICAL_ORDER, "questions", "share", "references"]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_demo_page_shows_title_summary_and_review_date(client, demo_procedure, language):
    html = html_of(client.get(f"/{language}/procedures/{DEMO_SLUG}/"))
    title = getattr(demo_procedure, f"title_{language}")
    # An Arabic title's Latin run, "(HAI)", is isolated as in the Markdown (content.rendering.bidi).
    shown = title if language == "en" else title.replace("(HAI)", '<bdi dir="ltr">(HAI)</bdi>')
    assert f"<h1>{shown}</h1>" in html
    assert getattr(demo_procedure, f"summary_{language}") in html
    assert '<time datetime="2026-11-23">' in html


def test_the_shipped_demo_is_complete_in_arabic(client, demo_procedure):
    html = html_of(client.get(f"/ar/procedures/{DEMO_SLUG}/"))
    assert "notice--untranslated" not in html
    assert "notice--outdated" not in html
    assert demo_procedure.questions.count() >= 5


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_appendix_lists_all_fifteen_references_with_their_links(client, demo_procedure, language):
    html = html_of(client.get(f"/{language}/procedures/{DEMO_SLUG}/"))
    appendix = html.split('id="references"')[1]
    assert re.findall(r'<li id="cite-(\d+)"', appendix) == [str(n) for n in range(1, 16)]
    assert '<a class="citation__link" href="https://doi.org/10.1159/000537887">' in appendix
    assert "Kuemmerli C, et al." in appendix
    # References stay in their original language, marked so, inside an Arabic page too.
    assert appendix.count('lang="en" dir="ltr"') >= 15


def test_citation_markers_link_to_the_appendix_and_the_appendix_links_back(client, demo_procedure):
    html = html_of(client.get(f"/en/procedures/{DEMO_SLUG}/"))
    markers = set(re.findall(r'<a class="citation-ref" href="#cite-(\d+)"', html))
    entries = set(re.findall(r'<li id="cite-(\d+)"', html))
    assert markers and markers <= entries
    back_links = re.findall(r'class="citation__back" href="#(cite-ref-[a-z_0-9-]+)"', html)
    assert back_links
    for anchor in back_links:
        assert f'id="{anchor}"' in html


def test_a_missing_arabic_section_shows_english_marked_under_an_arabic_notice(client):
    procedure = make_procedure()
    add_section(procedure, "overview", body_en="Only in English for now.", body_ar="")
    add_section(procedure, "risks", body_en="Risks in English.", body_ar="المخاطر بالعربية.")
    publish(procedure)
    html = html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
    overview = html.split('id="overview"')[1].split("</section>")[0]
    assert 'class="notice notice--untranslated"' in overview
    assert '<div class="prose" lang="en" dir="ltr"><p>Only in English for now.</p></div>' in overview
    risks = html.split('id="risks"')[1].split("</section>")[0]
    assert "notice--untranslated" not in risks
    assert 'lang="en"' not in risks


def test_the_fallback_notice_is_in_arabic(client):
    procedure = make_procedure()
    add_section(procedure, "overview", body_en="English only.", body_ar="")
    publish(procedure)
    html = html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
    notice = re.search(r'<p class="notice notice--untranslated">([^<]+)</p>', html).group(1)
    assert re.search(r"[\u0600-\u06FF]", notice), notice


def test_an_arabic_text_older_than_its_english_source_is_flagged(client):
    procedure = make_procedure()
    section = add_section(procedure, "overview", body_en="First version.", body_ar="النسخة الأولى.")
    section = Section.objects.get(pk=section.pk)
    section.body_en = "A corrected second version."
    section.save()
    publish(procedure)
    html = html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
    assert "notice--outdated" in html
    assert "النسخة الأولى." in html


def test_an_untranslated_title_is_shown_in_english_marked_as_such(client):
    procedure = make_published_procedure(title_ar="")
    html = html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
    assert '<h1 lang="en" dir="ltr">Test procedure</h1>' in html


@pytest.mark.parametrize("status", [Procedure.Status.DRAFT, Procedure.Status.IN_REVIEW])
def test_unpublished_procedures_are_404_to_the_public_and_absent_from_the_list(client, status):
    procedure = make_procedure(status=status, title_en="Secret draft")
    assert client.get(f"/en/procedures/{procedure.slug}/").status_code == 404
    assert client.get(f"/en/procedures/{procedure.slug}/preview/").status_code == 404
    assert "Secret draft" not in html_of(client.get("/en/"))


def test_staff_can_preview_a_draft_in_both_languages(admin_client):
    procedure = make_procedure(status=Procedure.Status.DRAFT)
    add_section(procedure, "overview", body_en="Draft text.", body_ar="نص المسودة.")
    for language, text in (("en", "Draft text."), ("ar", "نص المسودة.")):
        response = admin_client.get(f"/{language}/procedures/{procedure.slug}/preview/")
        assert response.status_code == 200
        assert text in html_of(response)
        assert 'name="robots" content="noindex, nofollow"' in html_of(response)
        assert "notice--preview" in html_of(response)


def test_an_unknown_procedure_is_a_404_not_an_error(client, admin_client):
    assert client.get("/en/procedures/no-such-thing/").status_code == 404
    assert admin_client.get("/en/procedures/no-such-thing/preview/").status_code == 404
    assert client.get("/xx/procedures/").status_code == 404


def test_the_page_is_served_in_a_constant_number_of_queries(client):
    small = make_published_procedure(slug="small")
    big = make_procedure(slug="big")
    for kind in Section.Kind.values:
        add_section(big, kind, body_en=f"Text [^1] for {kind}.")
    for position in range(10):
        add_question(big, position=position)
    for number in range(1, 12):
        add_citation(big, number=number)
    publish(big)
    counts = []
    for procedure in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/en/procedures/{procedure.slug}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3


def test_a_repeat_visit_is_answered_from_cache_and_revalidates_by_etag(client, demo_procedure):
    url = f"/en/procedures/{DEMO_SLUG}/"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.content == first.content
    assert len(queries) <= 1
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304


def test_a_saved_change_shows_only_once_it_is_published(client, demo_procedure):
    url = f"/en/procedures/{DEMO_SLUG}/"
    before = client.get(url)
    section = demo_procedure.sections.get(kind="overview")
    section.body_en = "A brand new overview sentence."
    section.save()
    assert html_of(client.get(url)) == html_of(before)
    publish(demo_procedure)
    after = client.get(url)
    assert "A brand new overview sentence." in html_of(after)
    assert after["ETag"] != before["ETag"]


def test_the_clinic_contact_block_is_on_every_page(client):
    make_clinic(phone="+1 555 0123")
    procedure = make_published_procedure()
    for url in ("/en/", f"/en/procedures/{procedure.slug}/", "/ar/"):
        html = html_of(client.get(url))
        assert 'href="tel:+15550123" dir="ltr"' in html


def test_pages_load_nothing_from_another_origin(client, demo_procedure):
    for url in ("/en/", "/ar/", f"/en/procedures/{DEMO_SLUG}/", f"/ar/procedures/{DEMO_SLUG}/"):
        html = html_of(client.get(url))
        # Links to the page's own other-language version are not requests; resources are.
        resources = re.sub(r'<link rel="(alternate|canonical)"[^>]*>', "", html)
        assert not re.search(r'<(link|script|img|iframe)[^>]+(href|src)="(https?:)?//', resources)


def test_public_pages_tell_browsers_to_load_nothing_from_elsewhere(client, demo_procedure):
    for url in ("/en/", f"/ar/procedures/{DEMO_SLUG}/", f"/ar/procedures/{DEMO_SLUG}/handout/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy


def test_untranslated_clinic_details_are_marked_and_announced_on_arabic_pages(client):
    make_clinic(emergency_instructions_ar="")
    procedure = make_published_procedure()
    html = html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
    footer = html.split('class="clinic-contact"')[1]
    assert "notice--untranslated" in footer
    assert '<p lang="en" dir="ltr">Call your local emergency number.</p>' in footer
    handout = html_of(client.get(f"/ar/procedures/{procedure.slug}/handout/"))
    assert "notice--untranslated" in handout.split("handout-clinic")[1]


def test_an_untranslated_also_known_as_counts_as_an_untranslated_part(client):
    procedure = make_published_procedure(also_known_as_en="Port", also_known_as_ar="")
    html = html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
    header = html.split('class="procedure__header"')[1].split("</header>")[0]
    assert "notice--untranslated" in header
    assert '<span lang="en" dir="ltr">Port</span>' in header


def test_marker_anchors_stay_unique_when_questions_share_an_order_number(client):
    procedure = make_procedure()
    add_citation(procedure, number=1)
    add_question(procedure, position=0, question_en="First?", answer_en="Yes [^1].")
    add_question(procedure, position=0, question_en="Second?", answer_en="No [^1].")
    add_section(procedure, "overview")
    publish(procedure)
    html = html_of(client.get(f"/en/procedures/{procedure.slug}/"))
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_an_untranslated_short_name_which_the_page_does_not_show_raises_no_notice(client):
    procedure = make_published_procedure(short_name_en="Port", short_name_ar="")
    html = html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
    assert "notice--untranslated" not in html


def test_html_put_into_the_database_by_a_fixture_is_cleaned_before_it_reaches_a_page(client, tmp_path):
    from django.core import serializers
    from django.core.management import call_command

    from content.models import Publication

    procedure = make_published_procedure()
    publication = Publication.objects.get()
    document = publication.document
    document["sections"][0]["body"]["ar"] = (
        '<p>نص <img src=x onerror="alert(1)"><script>alert(2)</script></p>')
    document["sections"][0]["body"]["en"] = '<p><a href="javascript:alert(3)">Click</a></p>'
    Publication.objects.filter(pk=publication.pk).update(document={})
    fixture = tmp_path / "tampered.json"
    publication.document = document
    fixture.write_text(serializers.serialize("json", [publication]), encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)
    for language in ("ar", "en"):
        html = html_of(client.get(f"/{language}/procedures/{procedure.slug}/"))
        overview = html.split('id="overview"')[1].split("</section>")[0]
        assert "onerror" not in overview and "<script" not in overview and "javascript:" not in overview
    assert "نص" in html_of(client.get(f"/ar/procedures/{procedure.slug}/"))
