"""Handouts on paper and as PDF: what a printed copy must carry, in every language variant."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
import segno
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content import languages
from content.handouts.layout import handout_for, pdf_filename, qr_code_svg
from content.handouts.pdf import StaticFiles, draw_pdf
from content.models import Procedure, Publication
from tests.builders import DEMO_SLUG, add_citation, add_section, make_clinic, make_procedure, publish
from tests.pdf_inspection import font_names, page_count, page_sizes, pdf_text_objects
from tests.worker import draw_one_pdf

pytestmark = pytest.mark.django_db

HANDOUTS = {
    "en": f"/en/procedures/{DEMO_SLUG}/handout/",
    "ar": f"/ar/procedures/{DEMO_SLUG}/handout/",
    "bilingual": f"/en/procedures/{DEMO_SLUG}/handout/bilingual/",
}
PDFS = {
    "en": (f"/en/procedures/{DEMO_SLUG}/handout.pdf", "hai-pump-chemotherapy-v1-en.pdf"),
    "ar": (f"/ar/procedures/{DEMO_SLUG}/handout.pdf", "hai-pump-chemotherapy-v1-ar.pdf"),
    "bilingual": (f"/ar/procedures/{DEMO_SLUG}/handout/bilingual.pdf",
                  "hai-pump-chemotherapy-v1-en-ar.pdf"),
}


@pytest.mark.parametrize("variant", HANDOUTS)
def test_a_handout_carries_clinic_dates_version_qr_code_and_citations(
    client, demo_procedure, variant
):
    response = client.get(HANDOUTS[variant])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Example Cancer Center (demo)" in html or "مركز السرطان النموذجي" in html
    assert '<span class="handout-clinic__phone" dir="ltr">\u2066+1 555 0100\u2069</span>' in html
    assert "handout-emergency" in html
    assert '<time datetime="2026-11-23">' in html and '<time datetime="2027-11-23">' in html
    assert f"\u2066{DEMO_SLUG} v1\u2069" in html
    assert "Version 1, published" in html or "الإصدار 1، نُشر" in html
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', html.split("handout-version-id")[1])
    assert html.count('class="qr-code"') == (2 if variant == "bilingual" else 1)
    assert re.findall(r'<li id="cite-(\d+)"', html) == [str(n) for n in range(1, 16)]
    assert "doi:10.1159/000537887" in html


def test_the_bilingual_handout_gives_each_section_in_both_languages_in_order(client, demo_procedure):
    html = client.get(HANDOUTS["bilingual"]).content.decode()
    overview = html.split('id="overview"')[1].split("</section>")[0]
    assert overview.index('lang="en" dir="ltr"') < overview.index('lang="ar" dir="rtl"')
    # Tags stripped: glossary terms in the text are marked up.
    assert demo_procedure.sections.get(kind="overview").body_ar[:20] in re.sub(r"<[^>]+>", "", overview)
    # Both languages cite the same numbers; their marker anchors stay unique.
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'id="ar-cite-ref-overview-1-1"' in html


def test_each_language_edition_gets_a_qr_code_to_its_own_live_page(client, demo_procedure):
    html = client.get(HANDOUTS["bilingual"]).content.decode()
    for language in ("en", "ar"):
        live_url = f"http://testserver/{language}/procedures/{DEMO_SLUG}/?version=1"
        # The code drawn is the one that encodes exactly this address (segno is deterministic).
        expected = segno.make(live_url, error="m", micro=False).svg_inline(scale=3, border=2)
        drawn = re.findall(r'<path[^>]* d="([^"]+)"', html)
        assert re.search(r' d="([^"]+)"', expected).group(1) in drawn
        assert live_url in html


def test_the_qr_code_encodes_the_live_page_address():
    svg = qr_code_svg("https://portal.example.org/ar/procedures/x/", "QR")
    assert svg.startswith('<svg role="img"') and "<title>QR</title>" in svg
    assert "<image" not in svg and "http" not in svg.split("</title>")[1]


def test_a_handout_for_a_procedure_with_missing_arabic_marks_the_fallback(client):
    procedure = make_procedure()
    add_section(procedure, "overview", body_en="English only for now.", body_ar="")
    publish(procedure)
    html = client.get(f"/ar/procedures/{procedure.slug}/handout/").content.decode()
    assert "notice--untranslated" in html
    assert '<div class="prose" lang="en" dir="ltr"><p>English only for now.</p></div>' in html
    draw_one_pdf(Procedure.objects.get(pk=procedure.pk).live_version, "ar")
    pdf = client.get(f"/ar/procedures/{procedure.slug}/handout.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


@pytest.mark.parametrize("paper, points", [("a4", (595, 842)), ("letter", (612, 792))])
def test_handouts_are_sized_for_a4_or_letter(client, demo_procedure, paper, points):
    html = client.get(HANDOUTS["en"], {"paper": paper}).content.decode()
    assert f'<body class="paper-{paper}">' in html
    draw_one_pdf(demo_procedure.live_version, "en", paper)
    pdf = client.get(PDFS["en"][0], {"paper": paper}).content
    assert page_sizes(pdf) == {points}


def test_an_unknown_paper_size_is_a_404_not_an_error(client, demo_procedure):
    assert client.get(HANDOUTS["en"], {"paper": "a5"}).status_code == 404
    assert client.get(PDFS["en"][0], {"paper": "<script>"}).status_code == 404


def test_drafts_have_no_public_handout(client):
    procedure = make_procedure(status=Procedure.Status.DRAFT)
    assert client.get(f"/en/procedures/{procedure.slug}/handout/").status_code == 404
    assert client.get(f"/en/procedures/{procedure.slug}/handout.pdf").status_code == 404


@pytest.mark.parametrize("variant", PDFS)
def test_the_pdf_is_valid_has_several_pages_embeds_the_fonts_and_is_named_well(
    client, demo_procedure, variant
):
    url, filename = PDFS[variant]
    draw_one_pdf(demo_procedure.live_version, variant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) > 1
    fonts = font_names(pdf)
    assert "Portal-Sans" in fonts
    if variant != "en":
        assert "Portal-Print-Arabic" in fonts and "Portal-Print-Arabic-Bold" in fonts


def test_a_letter_pdf_says_so_in_its_name(client, demo_procedure):
    draw_one_pdf(demo_procedure.live_version, "en", "letter")
    response = client.get(PDFS["en"][0], {"paper": "letter"})
    assert response["Content-Disposition"] == (
        'attachment; filename="hai-pump-chemotherapy-v1-en-letter.pdf"')


def test_the_pdf_is_kept_and_served_until_a_new_version_is_published(client, demo_procedure):
    url = PDFS["en"][0]
    draw_one_pdf(demo_procedure.live_version, "en")
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    assert len(queries) == 1  # served whole from the page cache: the content's stamp only
    section = demo_procedure.sections.get(kind="overview")
    section.body_en = "A corrected overview for the next printing."
    section.save()
    assert client.get(url).content == first.content  # a saved draft changes no handout
    second = publish(demo_procedure)
    # Until the worker has drawn version 2's PDF, never version 1's: the "being prepared" page.
    assert client.get(url).status_code == 503
    draw_one_pdf(second, "en")
    changed = client.get(url)
    assert changed.content != first.content
    assert changed["ETag"] != first["ETag"]
    assert "-v2-en.pdf" in changed["Content-Disposition"]


def test_a_clinic_edit_also_invalidates_the_cached_pdf(client, demo_procedure):
    from content.models import Clinic

    url = PDFS["en"][0]
    draw_one_pdf(demo_procedure.live_version, "en")
    first = client.get(url)
    from content.editing.revisions import save_clinic

    clinic = Clinic.current()
    clinic.phone = "+1 555 0199"
    save_clinic(clinic)
    assert client.get(url).status_code == 503  # the new contact block is not drawn yet
    draw_one_pdf(demo_procedure.live_version, "en")
    assert client.get(url)["ETag"] != first["ETag"]


def test_handouts_read_only_this_sites_static_files_from_disk():
    files = StaticFiles("http://testserver")
    assert files.path_for("http://testserver/static/css/handout.css").name == "handout.css"
    assert files.path_for("http://testserver/static/fonts/noto-sans-latin-400-normal.woff2")
    assert files.path_for("https://cdn.example.com/static/css/handout.css") is None
    assert files.path_for("http://testserver/media/secret.txt") is None
    assert files.path_for("http://testserver/static/../settings.py") is None


def test_handout_filenames_and_versions_name_the_published_version():
    publication = Publication(number=7, document={"slug": "x-ray"}, published_at=None,
                              last_reviewed=datetime.date(2026, 1, 2),
                              next_review_due=datetime.date(2027, 1, 2))
    handout = handout_for(publication, "bilingual", "letter", "http://t/", None)
    assert handout.languages == ("en", "ar")
    assert handout.filename == "x-ray-v7-en-ar-letter.pdf" == pdf_filename("x-ray", 7, "bilingual",
                                                                           "letter")
    assert handout.version == "x-ray v7"
    assert handout.live_url("ar") == "http://t/ar/procedures/x-ray/?version=7"
    assert handout_for(publication, "fr", "a4", "http://t", None) is None


def test_every_page_serves_the_print_stylesheet(client, demo_procedure):
    for url in ("/en/", f"/ar/procedures/{DEMO_SLUG}/"):
        html = client.get(url).content.decode()
        stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/portal\.css)">', html)
        assert stylesheet
        css = b"".join(client.get(stylesheet.group(1)).streaming_content).decode()
        assert "@media print" in css
        assert re.search(r"\.language-switch[^{]*\{\s*display: none", css.split("@media print")[1])


@pytest.mark.parametrize("language, locale, alternate", [("en", "en_US", "ar_AR"),
                                                          ("ar", "ar_AR", "en_US")])
def test_open_graph_tags_make_a_shared_link_show_the_page_in_its_language(
    client, demo_procedure, language, locale, alternate
):
    html = client.get(f"/{language}/procedures/{DEMO_SLUG}/").content.decode()
    url = f"http://testserver/{language}/procedures/{DEMO_SLUG}/"
    title, summary = (getattr(demo_procedure, f"{name}_{language}") for name in ("title", "summary"))
    assert f'<meta property="og:title" content="{title}">' in html
    assert f'<meta property="og:description" content="{summary}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:locale" content="{locale}">' in html
    assert f'<meta property="og:locale:alternate" content="{alternate}">' in html
    assert f'<link rel="canonical" href="{url}">' in html


def test_the_page_links_to_every_handout_in_one_step_and_shares_without_javascript(
    client, demo_procedure
):
    html = client.get(f"/ar/procedures/{DEMO_SLUG}/").content.decode()
    actions = html.split('class="page-actions"')[1].split("</ul>")[0]
    for url in (HANDOUTS["ar"], PDFS["ar"][0], f"/ar/procedures/{DEMO_SLUG}/handout/bilingual/"):
        assert f'href="{url}"' in actions
    share = html.split('id="share"')[1].split("</section>")[0]
    assert f'value="http://testserver/ar/procedures/{DEMO_SLUG}/"' in share
    assert 'href="mailto:?subject=' in share and "body=" in share
    assert re.search(r"<button[^>]*hidden[^>]*data-copy-target", share)  # shown by share.js


def test_a_handout_with_citations_from_another_procedure_number_still_renders(client):
    procedure = make_procedure()
    add_section(procedure, "overview", body_en="See [^2].", body_ar="انظر [^2].")
    add_citation(procedure, number=2)
    make_clinic()
    publish(procedure)
    html = client.get(f"/en/procedures/{procedure.slug}/handout/bilingual/").content.decode()
    assert '<li id="cite-2" value="2">' in html


def test_warm_handouts_fills_the_cache_that_requests_then_use(client, demo_procedure, capsys):
    from django.core.management import call_command

    call_command("warm_handouts")
    assert "6 handout(s) drawn" in capsys.readouterr().out
    for url in (PDFS["bilingual"][0], PDFS["ar"][0], PDFS["en"][0] + "?paper=letter"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and page_count(response.content) > 1
        # The content's stamp, the live version, its stored file: nothing drawn.
        assert len(queries) <= 3, url


def test_site_url_must_be_an_address_and_the_deploy_check_asks_for_it(settings):
    from django.core import checks

    settings.SITE_URL = "portal.example.org/ar/"
    assert [m.id for m in checks.run_checks() if m.id.startswith("portal.")] == ["portal.E001"]
    settings.SITE_URL, settings.SITE_URL_SET = "http://127.0.0.1:8000", False
    assert "portal.W001" in [m.id for m in checks.run_checks(include_deployment_checks=True)]
    settings.SITE_URL_SET = True
    assert "portal.W001" not in [m.id for m in checks.run_checks(include_deployment_checks=True)]


def test_pages_and_pdfs_are_shared_through_redis_when_it_is_configured(client, demo_procedure, settings):
    """Production's shared cache: several web processes reuse one rendering of each page."""
    import uuid

    from django.core.cache import caches

    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/7",
        "KEY_PREFIX": f"portal-test-{uuid.uuid4().hex}",
    }}
    cache = caches["default"]
    try:
        cache.set("reachable", 1)
    except Exception as error:  # a clear skip beats an opaque connection error
        pytest.skip(f"no Redis at 127.0.0.1:6379 ({error})")
    redis = cache._cache.get_client()
    draw_one_pdf(demo_procedure.live_version, "ar")
    try:
        for url in (f"/ar/procedures/{DEMO_SLUG}/", PDFS["ar"][0]):
            first = client.get(url)
            with CaptureQueriesContext(connection) as queries:
                again = client.get(url)
            assert again.content == first.content
            assert len(queries) <= 3, url
        assert list(redis.scan_iter(f"{cache.key_prefix}*"))
    finally:
        # Only this test's keys: clear() would flush the whole Redis database.
        keys = list(redis.scan_iter(f"{cache.key_prefix}*"))
        if keys:
            redis.delete(*keys)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_handout_page_describes_itself_and_names_the_live_page_as_canonical(
    client, demo_procedure, language
):
    html = client.get(f"/{language}/procedures/{DEMO_SLUG}/handout/").content.decode()
    summary = getattr(demo_procedure, f"summary_{language}")
    assert f'<meta name="description" content="{summary}">' in html
    assert f'<link rel="canonical" href="http://testserver/{language}/procedures/{DEMO_SLUG}/">' in html
    assert 'name="robots"' not in html


# --- A stored URL is checked where it is written out --------------------------------------------

PLANTED_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " \tjava\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript&#58;alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/steal",
]


def _planted_fixture(tmp_path, publication):
    """The live version as `dumpdata` writes it, with a citation per planted URL added to its
    document: what a fixture can bring past every form and file check."""
    data = json.loads(serializers.serialize("json", [publication]))
    citations = data[0]["fields"]["document"]["citations"]
    for number, url in enumerate(PLANTED_URLS, 2):
        citations.append({"number": number, "kind": "article", "authors": f"Planted {number}",
                          "title": "", "source": "", "year": 2024, "date": None, "doi": "",
                          "url": url, "accessed": None})
    citations.append({"number": 90, "kind": "article", "authors": "Kept ninety", "title": "",
                      "source": "", "year": 2024, "date": None, "doi": "",
                      "url": "https://example.org/guide", "accessed": None})
    path = tmp_path / "planted.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _hrefs(html):
    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(value for name, value in attrs if name == "href" and value is not None)

    Links().feed(html)
    return found


def _written_schemes(urls):
    """The scheme of each URL as a browser reads it (blanks and controls dropped)."""
    return {re.sub(r"[\x00-\x20]", "", url).split(":", 1)[0].lower() for url in urls if ":" in url}


def test_a_planted_citation_url_reaches_no_href_of_the_page_the_handout_or_the_pdf(client, tmp_path):
    """On main a fixture's `javascript:` citation URL was written into the page's href and the
    PDF's links unchecked (the CSP blocked the click; without it, it ran)."""
    procedure = make_procedure()
    add_section(procedure, "overview", body_en="See [^1].", body_ar="انظر [^1].")
    add_citation(procedure, number=1)
    clinic = make_clinic()
    publication = publish(procedure)
    call_command("loaddata", str(_planted_fixture(tmp_path, publication)), verbosity=0)
    publication.refresh_from_db()

    page = client.get(f"/en/procedures/{procedure.slug}/").content.decode()
    handout = client.get(f"/en/procedures/{procedure.slug}/handout/bilingual/").content.decode()
    for html in (page, handout):
        assert "Planted 2" in html and "Planted 10" in html  # the reference text stays
        assert 'href="https://example.org/guide"' in html
        assert _written_schemes(_hrefs(html)) <= {"https", "http", "mailto", "tel"}
        assert "javascript" not in html.lower() and "evil.example" not in html
    pdf = pdf_text_objects(draw_pdf(handout_for(publication, languages.SOURCE, "a4",
                                                "https://portal.example.org", clinic)))
    uris = [uri.decode("latin-1") for uri in re.findall(rb"/URI\s*\((.*?)\)", pdf)]
    assert "https://example.org/guide" in uris
    assert _written_schemes(uris) <= {"https", "http"}
    assert b"javascript" not in pdf.lower()


def test_warm_handouts_redraw_replaces_every_stored_pdf_in_place(demo_procedure, monkeypatch, capsys):
    from django.core.management import call_command

    from content.handouts import pdf as handout_pdfs
    from content.handouts.models import HandoutFile

    monkeypatch.setattr(handout_pdfs, "draw_pdf", lambda handout: b"%PDF-1.7 old layout")
    call_command("warm_handouts")
    def stored():
        return [bytes(pdf) for pdf in HandoutFile.objects.filter(
            publication=demo_procedure.live_version).values_list("pdf", flat=True)]

    assert stored() == [b"%PDF-1.7 old layout"] * 6

    monkeypatch.setattr(handout_pdfs, "draw_pdf", lambda handout: b"%PDF-1.7 new layout")
    call_command("warm_handouts")  # nothing missing: nothing drawn
    assert "0 handout(s) drawn" in capsys.readouterr().out
    call_command("warm_handouts", redraw=True)
    assert "6 handout(s) drawn" in capsys.readouterr().out
    assert stored() == [b"%PDF-1.7 new layout"] * 6
