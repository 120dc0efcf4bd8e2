"""Finding and understanding pages: search, the glossary, the phone where it is needed, what
search engines read (JSON-LD, sitemap, robots.txt), and the questions to ask block."""

import datetime
import importlib
import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import GlossaryTerm, Procedure, Publication, SearchEntry, SearchKey
from content.publishing import workflow as publishing
from content.search import indexing as findability
from content.search.text import parse_query
from content.site import views
from tests.builders import (
    DEMO_SLUG,
    add_citation,
    add_section,
    make_clinic,
    make_procedure,
    publish,
    publish_glossary,
)

pytestmark = pytest.mark.django_db


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def result_titles(html):
    return re.findall(r'<h3 class="search-result__title"><a href="[^"]+">(.*?)</a>', html)


def plain(html):
    return re.sub(r"<[^>]+>", "", html)


def live(slug, title_en, body_en="Text.", title_ar="عنوان", body_ar="نص.", **fields):
    procedure = make_procedure(slug, title_en=title_en, title_ar=title_ar, **fields)
    add_section(procedure, "overview", body_en=body_en, body_ar=body_ar)
    publish(procedure)
    return procedure


# --- Search ------------------------------------------------------------------------------------


def test_search_ranks_a_title_match_before_a_match_in_the_text(client):
    live("stent", "Biliary stent", body_en="A stent can help the liver drain.")
    live("pump", "Liver pump", body_en="Nothing else here.")
    live("port", "Port placement", body_en="No match here.")
    html = html_of(client.get("/en/search/", {"q": "liver"}))
    assert [plain(title) for title in result_titles(html)] == ["Liver pump", "Biliary stent"]
    assert "<mark>liver</mark>" in html  # the snippet of the text match is highlighted


def test_english_search_ignores_case_and_simple_plurals(client):
    live("pump", "Liver pump", body_en="Tell us about any infections.")
    html = html_of(client.get("/en/search/", {"q": "LIVER PUMPS"}))
    assert [plain(title) for title in result_titles(html)] == ["Liver pump"]
    assert "<mark>infections</mark>" in html_of(client.get("/en/search/", {"q": "infection"}))


@pytest.mark.parametrize("query", ["والمُضَخَّة", "بالمضخه", "المضخـــة", "مضخة"])
def test_arabic_search_tolerates_diacritics_tatweel_ta_marbuta_and_prefixes(client, query):
    live("pump", "Liver pump", title_ar="مضخة الكبد", body_ar="توضع المضخة تحت الجلد.")
    html = html_of(client.get("/ar/search/", {"q": query}))
    assert [plain(title) for title in result_titles(html)] == ["مضخة الكبد"]
    assert "<mark>" in html


def test_search_answers_in_the_pages_language_whichever_language_the_query_is_in(client):
    live("pump", "Liver pump", title_ar="مضخة الكبد")
    assert result_titles(html_of(client.get("/ar/search/", {"q": "pump"}))) == ["مضخة الكبد"]
    assert [plain(title) for title in result_titles(html_of(client.get("/en/search/", {"q": "مضخة"})))] == [
        "Liver pump"]


@pytest.mark.parametrize("query", ["?!...", "«»؟،", "-- ..."])
def test_a_query_of_only_punctuation_gets_a_prompt_not_an_error(client, query):
    live("pump", "Liver pump")
    html = html_of(client.get("/en/search/", {"q": query}))
    assert 'class="search-empty"' in html
    assert result_titles(html) == []


def test_a_thousand_character_query_is_searched_by_its_start_and_says_so(client):
    live("pump", "Liver pump")
    html = html_of(client.get("/en/search/", {"q": "pump " + "x" * 995}))
    assert [plain(title) for title in result_titles(html)] == ["Liver pump"]
    assert "first 200 characters" in html


def test_a_mixed_script_query_finds_each_part(client):
    live("pump", "Liver pump", title_ar="مضخة الكبد")
    html = html_of(client.get("/ar/search/", {"q": "HAIمضخة"}))
    assert [plain(title) for title in result_titles(html)] == ["مضخة الكبد"]


def test_a_search_without_results_says_what_to_try_and_links_the_full_list(client):
    live("pump", "Liver pump")
    html = html_of(client.get("/en/search/", {"q": "zebra"}))
    empty = html.split('class="search-empty"')[1].split("</div>")[0]
    assert 'href="/en/"' in empty
    assert "Try fewer words" in empty


def test_search_reads_the_live_version_not_the_working_copy(client):
    procedure = live("pump", "Liver pump")
    procedure.title_en = "Kidney pump"
    procedure.save()
    assert result_titles(html_of(client.get("/en/search/", {"q": "kidney"}))) == []
    assert result_titles(html_of(client.get("/en/search/", {"q": "liver"}))) != []
    publish(procedure)
    assert result_titles(html_of(client.get("/en/search/", {"q": "kidney"}))) != []
    assert result_titles(html_of(client.get("/en/search/", {"q": "liver"}))) == []


def test_a_withdrawn_page_drops_out_of_search(client):
    procedure = live("pump", "Liver pump")
    publishing.unpublish(procedure, None, "No longer offered.")
    assert result_titles(html_of(client.get("/en/search/", {"q": "liver"}))) == []


def test_a_search_costs_the_same_queries_whatever_the_number_of_pages_and_one_when_repeated(client):
    make_clinic()
    drawn, served = [], []
    for number in range(1, 4):
        live(f"pump-{number}", f"Liver pump {number}")
        for counts in (drawn, served):
            with CaptureQueriesContext(connection) as queries:
                assert len(result_titles(html_of(client.get("/en/search/", {"q": "liver"})))) == number
            counts.append(len(queries))
    # Drawn: the content's stamp, the spelling check, the ranked page with its texts, the
    # clinic. Served again: the stamp only, until the next publication.
    assert (drawn, served) == ([4, 4, 4], [1, 1, 1])


def many_live(number, word="liver"):
    for index in range(number):
        live(f"page-{index}", f"{word.capitalize()} guide {index:02d}")


def test_results_come_a_page_at_a_time_with_the_whole_count_and_plain_links(client, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_RESULTS_PER_PAGE", 2)
    many_live(5)
    first = html_of(client.get("/en/search/", {"q": "liver"}))
    assert [plain(title) for title in result_titles(first)] == ["Liver guide 00", "Liver guide 01"]
    assert "5 guides found" in first
    nav = first.split('<nav class="search-pages" aria-label="Pages of search results">')[1].split("</nav>")[0]
    assert 'href="?q=liver&amp;page=2" rel="next">Next page</a>' in nav
    assert "Previous page" not in nav
    assert "Page 1 of 3" in nav
    second = html_of(client.get("/en/search/", {"q": "liver", "page": "2"}))
    assert [plain(title) for title in result_titles(second)] == ["Liver guide 02", "Liver guide 03"]
    assert '<ol class="search-results" start="3">' in second
    assert 'href="?q=liver" rel="prev">Previous page</a>' in second
    assert 'href="?q=liver&amp;page=3" rel="next">Next page</a>' in second
    last = html_of(client.get("/en/search/", {"q": "liver", "page": "3"}))
    assert [plain(title) for title in result_titles(last)] == ["Liver guide 04"]
    assert "Next page" not in last and "5 guides found" in last


def test_one_page_of_results_has_no_page_links_and_arabic_pages_are_translated(client, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_RESULTS_PER_PAGE", 2)
    live("pump", "Liver pump", title_ar="مضخة الكبد")
    assert "search-pages" not in html_of(client.get("/en/search/", {"q": "liver"}))
    many_live(3)
    arabic = html_of(client.get("/ar/search/", {"q": "عنوان"}))  # the Arabic title live() gives
    assert '<nav class="search-pages" aria-label="صفحات نتائج البحث">' in arabic
    assert "الصفحة التالية" in arabic


@pytest.mark.parametrize("page, shown", [("abc", 1), ("0", 1), ("-2", 1), ("2.5", 1), ("", 1),
                                         ("99999999999999999999999", None), ("99999", None)])
def test_a_page_number_that_is_not_a_page_gives_a_page_not_an_error(client, monkeypatch, page, shown):
    monkeypatch.setattr(views, "SEARCH_RESULTS_PER_PAGE", 2)
    make_clinic()
    many_live(3)
    with CaptureQueriesContext(connection) as queries:
        html = html_of(client.get("/en/search/", {"q": "liver", "page": page}))
    assert len(queries) <= 4
    if shown == 1:
        assert [plain(title) for title in result_titles(html)] == ["Liver guide 00", "Liver guide 01"]
    else:
        assert result_titles(html) == []
        empty = html.split('class="search-empty"')[1].split("</div>")[0]
        assert "There is no page" in empty
        assert 'href="?q=liver">First page of results</a>' in empty


def test_the_count_says_how_many_match_not_how_many_are_shown(client, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_RESULTS_PER_PAGE", 2)
    many_live(3)
    html = html_of(client.get("/en/search/", {"q": "liver"}))
    assert len(result_titles(html)) == 2
    assert "3 guides found" in html


# --- Ranking in the database -------------------------------------------------------------------

# Pages that between them use every rule of search: matches in the title (and other names),
# headings, glossary terms and text; whole words and the starts of longer ones; Arabic with
# prefixes, tashkeel and ta marbuta; an untranslated title; titles that tie once folded (the older
# entry first) and titles whose order depends on comparing code points.
RANKED_PAGES = [
    ("liver-pump", {"title_en": "Liver pump", "also_known_as_en": "HAI pump", "title_ar": "مضخة الكبد"},
     "The pump sends chemotherapy to the liver.", "تُرسل المُضخّة العلاجَ الكيميائي إلى الكَبِد."),
    ("stent", {"title_en": "Biliary stent", "title_ar": "الدعامة الصفراوية"},
     "A stent helps the liver drain. Chemo may follow.", "تساعد الدعامة على تصريف الكبد، وبالمضخة أحياناً."),
    ("port", {"title_en": "Port placement", "title_ar": "تركيب المنفذ"},
     "A catheter is placed under the skin.", "توضع القسطرة تحت الجلد."),
    ("alpha-lower", {"title_en": "alpha chemo", "title_ar": "ألفا"}, "Chemo.", "كيميائي."),
    ("alpha-upper", {"title_en": "Alpha chemo", "title_ar": "الفا"}, "Chemo.", "كيميائي."),
    ("echo", {"title_en": "Échographie", "title_ar": "إيكو"}, "Chemotherapy sessions.",
     "جلسات العلاج الكيميائي."),
    ("zebra", {"title_en": "Zebra pumps", "title_ar": "مضخات زيبرا"}, "Chemotherapy at home.",
     "العلاج الكيميائي في المنزل."),
    ("kidney", {"title_en": "Kidney pump", "title_ar": ""}, "Nothing else.", "توضع المضخة تحت الجلد."),
]
# Each query's results, best first, as (slug, query terms found, points). A term found in the
# title scores 10,000 points, in the headings or glossary terms 100 each, in the text 1, each
# doubled where it is a whole word rather than the start of a longer one. Ties go by folded title,
# by code point (so Échographie after Zebra, and Arabic after Latin), then the older entry.
RANKED = {
    ("en", "pump"): [("liver-pump", 1, 20002), ("kidney", 1, 20000), ("zebra", 1, 20000), ("port", 1, 200)],
    ("en", "pumps"): [
        ("liver-pump", 1, 20002), ("kidney", 1, 20000), ("zebra", 1, 20000), ("port", 1, 200)],
    ("en", "chemo"): [
        ("alpha-lower", 1, 20002), ("alpha-upper", 1, 20002), ("stent", 1, 2), ("liver-pump", 1, 1),
        ("zebra", 1, 1), ("echo", 1, 1)],
    ("en", "chemotherapy"): [("liver-pump", 1, 2), ("zebra", 1, 2), ("echo", 1, 2)],
    ("en", "liver pump"): [
        ("liver-pump", 2, 40004), ("kidney", 1, 20000), ("zebra", 1, 20000), ("port", 1, 200),
        ("stent", 1, 2)],
    ("en", "catheter"): [("port", 1, 202)],
    ("en", "care at home"): [("port", 2, 400), ("zebra", 1, 2)],
    ("en", "alpha"): [("alpha-lower", 1, 20000), ("alpha-upper", 1, 20000)],
    ("en", "the"): [("stent", 1, 2), ("liver-pump", 1, 2), ("port", 1, 2)],
    ("en", "zebra liver"): [("liver-pump", 1, 20002), ("zebra", 1, 20000), ("stent", 1, 2)],
    ("en", "hai"): [("liver-pump", 1, 20000)],
    ("en", "échographie"): [("echo", 1, 20000)],
    ("en", "xyzzy"): [],
    # The plural مضخات (Zebra's title) is the same word as المضخة.
    ("ar", "المضخة"): [
        ("liver-pump", 1, 20002), ("zebra", 1, 20000), ("port", 1, 200), ("kidney", 1, 2), ("stent", 1, 2)],
    ("ar", "والمُضَخَّة"): [
        ("liver-pump", 1, 20002), ("zebra", 1, 20000), ("port", 1, 200), ("kidney", 1, 2), ("stent", 1, 2)],
    ("ar", "كبد"): [("liver-pump", 1, 20002), ("stent", 1, 2)],
    ("ar", "مضخة الكبد"): [
        ("liver-pump", 2, 40004), ("stent", 2, 4), ("zebra", 1, 20000), ("port", 1, 200), ("kidney", 1, 2)],
    ("ar", "قسطرة"): [("port", 1, 202)],
    ("ar", "الدعامه"): [("stent", 1, 20002)],
    # English words on the Arabic site: the pages' English words find their Arabic entries.
    ("ar", "pump"): [("liver-pump", 1, 20002), ("kidney", 1, 20000), ("zebra", 1, 20000), ("port", 1, 200)],
    ("ar", "kidney"): [("kidney", 1, 20000)],
    ("ar", "الفا"): [("alpha-lower", 1, 20000), ("alpha-upper", 1, 20000)],
    ("ar", "العلاج الكيميائي"): [
        ("echo", 2, 4), ("zebra", 2, 4), ("liver-pump", 2, 4), ("alpha-lower", 1, 2), ("alpha-upper", 1, 2)],
    ("ar", "زيبرا"): [("zebra", 1, 20000)],
}


def ranked_pages():
    make_term()  # catheter / قسطرة: a glossary term of the "port" page
    for slug, titles, body_en, body_ar in RANKED_PAGES:
        procedure = make_procedure(slug, **titles)
        add_section(procedure, "overview", body_en=body_en, body_ar=body_ar)
        if slug == "port":
            add_section(procedure, "after", body_en="Keep it dry.", body_ar="حافظ عليه جافاً.",
                        heading_en="Pump care at home", heading_ar="العناية بالمضخة في المنزل")
        publish(procedure)


def test_the_database_ranks_every_rule_of_search_and_pages_the_results():
    """The same order, points and counts on SQLite and PostgreSQL (run with DATABASE_URL)."""
    ranked_pages()
    for (language, query), expected in RANKED.items():
        parsed = parse_query(query, language)
        rows = findability.ranked_entries(parsed, language, 0, 100)
        assert [(row["slug"], row["matched_terms"], row["score"]) for row in rows] == expected, query
        # Pages of three: each holds the next three entries, carries the whole count, and a
        # page past the last is empty.
        order = [slug for slug, _terms, _points in expected]
        for start in range(0, len(order) + 3, 3):
            page = findability.ranked_entries(parsed, language, start, 3)
            assert [row["slug"] for row in page] == order[start:start + 3], (language, query)
            assert all(row["total"] == len(order) for row in page)


def test_the_migration_gives_entries_indexed_before_it_the_fields_publishing_gives():
    ranked_pages()
    flags = ("in_title", "in_headings", "in_glossary_terms", "in_text")
    published = set(SearchKey.objects.values_list("entry", "key", *flags))
    titles = set(SearchEntry.objects.values_list("pk", "sort_title"))
    SearchKey.objects.update(**dict.fromkeys(flags, False))
    SearchEntry.objects.update(sort_title="")
    migration = importlib.import_module("content.migrations.0006_search_fields_and_sort_title")
    migration.fill_search_fields(apps, None)
    assert set(SearchKey.objects.values_list("entry", "key", *flags)) == published
    assert set(SearchEntry.objects.values_list("pk", "sort_title")) == titles
    assert ("échographie" in {title for _, title in titles}) and all(any(row[2:]) for row in published)


def test_every_page_has_a_search_form_that_works_without_javascript(client):
    live("pump", "Liver pump")
    for path in ("/en/", "/ar/glossary/", "/en/procedures/pump/"):
        html = html_of(client.get(path))
        form = re.search(r'<form class="search-form[^"]*" role="search" aria-labelledby="([^"]+)" '
                         r'action="([^"]+)" method="get">', html)
        assert form and form.group(2) == f"/{path.split('/')[1]}/search/"
        assert 'name="q"' in html
        # Named by its label, which is on view (not only for screen readers).
        label = re.search(rf'<label id="{form.group(1)}" for="site-search">([^<]+)</label>', html)
        assert label and label.group(1) in ("Search the guides", "ابحث في الأدلة")


# --- Glossary ----------------------------------------------------------------------------------


def make_term(slug="catheter", term_en="catheter", definition_en="A thin tube.", term_ar="قسطرة",
              definition_ar="أنبوب رفيع.", **fields):
    term = GlossaryTerm.objects.create(slug=slug, term_en=term_en, definition_en=definition_en,
                                       term_ar=term_ar, definition_ar=definition_ar, **fields)
    publish_glossary()
    return term


BODY_EN = ("### Catheter care\n\nSee [the catheter guide](https://example.org/c). A catheter is "
           "placed.[^1] The catheter stays.")
BODY_AR = ("### العناية بالقسطرة\n\nانظر [دليل القسطرة](https://example.org/c). توضع القسطرة تحت "
           "الجلد.[^1] ثم تبقى القسطرة.")


def glossary_page_procedure():
    make_term()
    procedure = make_procedure("catheters")
    add_citation(procedure, 1, title="Catheter outcomes")
    add_section(procedure, "overview", body_en=BODY_EN, body_ar=BODY_AR)
    publish(procedure)
    return procedure


@pytest.mark.parametrize("language, first_use", [
    ("en", "A <dfn"), ("ar", "توضع <dfn"),
])
def test_the_first_use_of_a_glossary_term_in_the_text_is_marked_and_explained(client, language, first_use):
    glossary_page_procedure()
    html = html_of(client.get(f"/{language}/procedures/catheters/"))
    article = html.split("<article")[1].split('id="share"')[0]
    assert article.count("<dfn") == 1
    assert first_use in article
    definition = "A thin tube" if language == "en" else "أنبوب رفيع"
    # The term is a button opening its definition in a popover, with a link to the glossary entry.
    button = re.search(r'<dfn class="glossary-term"><button type="button" class="glossary-term__button" '
                       r'popovertarget="([^"]+)" aria-describedby="([^"]+)">', article)
    popover = article.split(f'<span class="glossary-popover" id="{button.group(1)}" popover>')[1]
    assert re.match(rf'<span class="glossary-popover__term">[^<]+</span> '
                    rf'<span class="glossary-popover__text" id="{button.group(2)}">{definition}', popover)
    more = popover.index(f'href="/{language}/glossary/#catheter"')
    assert more < popover.index('popovertargetaction="hide"')
    # Nothing is spliced into the sentence.
    assert f"({definition}" not in article


@pytest.mark.parametrize("language", ["en", "ar"])
def test_glossary_terms_are_never_marked_in_headings_links_or_references(client, language):
    glossary_page_procedure()
    html = html_of(client.get(f"/{language}/procedures/catheters/"))
    for heading in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", html, re.S):
        assert "<dfn" not in heading
    for link in re.findall(r'<a href="https://example.org/c"[^>]*>.*?</a>', html, re.S):
        assert "<dfn" not in link
    assert "<dfn" not in html.split('id="references"')[1]


def test_a_published_glossary_edit_reaches_a_page_when_it_is_next_published(client):
    procedure = glossary_page_procedure()
    term = GlossaryTerm.objects.get(slug="catheter")
    term.definition_en = "A soft, thin tube."
    term.save()
    publish_glossary()
    assert "A thin tube" in html_of(client.get("/en/procedures/catheters/"))
    procedure.summary_en = "Changed so there is something new to publish."
    procedure.save()
    publish(procedure)
    assert "A soft, thin tube" in html_of(client.get("/en/procedures/catheters/"))


def test_an_editors_glossary_edit_is_on_no_page_until_a_reviewer_publishes_the_glossary(client):
    procedure = glossary_page_procedure()
    term = GlossaryTerm.objects.get(slug="catheter")
    term.definition_en = "A soft, thin tube."
    term.save()
    # Neither the glossary page nor a page published after the edit shows the unreviewed text.
    procedure.summary_en = "Changed so there is something new to publish."
    procedure.save()
    publish(procedure)
    for path in ("/en/glossary/", "/en/procedures/catheters/"):
        html = html_of(client.get(path))
        assert "A thin tube" in html and "A soft, thin tube" not in html, path
    publish_glossary()
    assert "A soft, thin tube" in html_of(client.get("/en/glossary/"))
    procedure.summary_en = "Changed again."
    procedure.save()
    publish(procedure)
    assert "A soft, thin tube" in html_of(client.get("/en/procedures/catheters/"))


def test_the_glossary_page_lists_terms_alphabetically_in_each_language(client):
    make_term("stent", "stent", "A small tube.", "الدعامة", "أنبوب صغير.")
    make_term("artery", "artery", "A blood vessel.", "شريان", "وعاء دموي.")
    make_term("catheter", "Catheter", "A thin tube.", "قسطرة", "أنبوب رفيع.")
    english = html_of(client.get("/en/glossary/"))
    entry_ids = r'<li class="glossary-entry" id="([a-z-]+)"'
    assert re.findall(entry_ids, english) == ["artery", "catheter", "stent"]
    arabic = html_of(client.get("/ar/glossary/"))
    # الدعامة is filed under د, after the article: د (dal) comes before ش and ق.
    assert re.findall(entry_ids, arabic) == ["stent", "artery", "catheter"]
    assert "وعاء دموي." in arabic


def test_an_untranslated_glossary_term_shows_in_english_marked_on_the_arabic_glossary(client):
    make_term("stent", "stent", "A small tube.", "", "")
    html = html_of(client.get("/ar/glossary/"))
    entry = html.split('id="stent"')[1].split("</li>")[0]
    assert 'lang="en" dir="ltr"' in entry
    assert "notice--untranslated" in entry


def test_the_demo_glossary_loads_once_and_again_without_duplicates():
    call_command("load_demo", verbosity=0)
    count = GlossaryTerm.objects.count()
    assert count >= 15
    call_command("load_demo", verbosity=0)
    assert GlossaryTerm.objects.count() == count
    assert GlossaryTerm.objects.get(slug="hepatic-artery").term_ar == "الشريان الكبدي"


def test_the_demo_page_explains_its_medical_words_in_both_languages(client, demo_procedure):
    for language in ("en", "ar"):
        html = html_of(client.get(f"/{language}/procedures/{DEMO_SLUG}/"))
        anchors = re.findall(r'<a class="glossary-popover__more" href="[^"]+#([a-z-]+)"', html)
        assert len(anchors) >= 8
        assert len(anchors) == len(set(anchors))  # each term marked once on the whole page


# --- The phone where the page says to call ----------------------------------------------------


def test_the_phone_is_a_tel_link_in_when_to_call_and_in_the_header(client):
    make_clinic(phone="+1 555 0100")
    procedure = make_procedure("pump")
    add_section(procedure, "when_to_call", body_en="Call us if you have a fever.",
                body_ar="اتصل بنا إذا أصبت بالحمى.")
    publish(procedure)
    for language in ("en", "ar"):
        html = html_of(client.get(f"/{language}/procedures/pump/"))
        section = html.split('id="when-to-call"')[1].split("</section>")[0]
        assert 'href="tel:+15550100"' in section
        header = html.split('<header class="site-header">')[1].split("</header>")[0]
        assert 'class="site-header__phone" href="tel:+15550100"' in header


def test_the_handout_prints_the_phone_in_when_to_call_and_in_every_page_footer(client):
    make_clinic(phone="+1 555 0100")
    procedure = make_procedure("pump")
    add_section(procedure, "when_to_call", body_en="Call us if you have a fever.")
    publish(procedure)
    html = html_of(client.get("/en/procedures/pump/handout/"))
    section = html.split('id="when-to-call"')[1].split("</section>")[0]
    assert "+1 555 0100" in section
    # The first contact block's phone line feeds the page footer (handout.css, string-set).
    assert re.search(r'<p class="handout-clinic__phone-line">[^<]*<span class="handout-clinic__phone"', html)


# --- Questions to ask --------------------------------------------------------------------------


@pytest.mark.parametrize("language, heading", [
    ("en", "Questions to ask your care team"), ("ar", "أسئلة تطرحها على فريق رعايتك"),
])
def test_the_demo_has_questions_to_ask_on_the_page_and_the_handout(client, demo_procedure, language, heading):
    for path in (f"/{language}/procedures/{DEMO_SLUG}/", f"/{language}/procedures/{DEMO_SLUG}/handout/"):
        html = html_of(client.get(path))
        block = html.split('id="questions-to-ask"')[1].split("</section>")[0]
        assert heading in block
        assert 8 <= block.count("<li>") <= 12


# --- What search engines read ------------------------------------------------------------------


def structured_data(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_json_ld_describes_the_live_version_and_its_review(client, language):
    procedure = make_procedure("pump", title_en="Liver pump", title_ar="مضخة الكبد",
                               also_known_as_en="HAI pump", also_known_as_ar="مضخة HAI")
    add_section(procedure, "overview")
    add_citation(procedure, 1, title="Pump outcomes")
    publish(procedure, last_reviewed=datetime.date(2026, 1, 15))
    procedure.summary_en = "A new summary."
    procedure.save()
    publish(procedure, last_reviewed=datetime.date(2026, 3, 2))
    data = structured_data(html_of(client.get(f"/{language}/procedures/pump/")))
    assert data["@type"] == "MedicalWebPage"
    assert data["inLanguage"] == language
    assert data["lastReviewed"] == "2026-03-02"
    assert data["reviewedBy"]["name"] == "Dr Test"
    assert data["about"]["@type"] == "MedicalProcedure"
    assert data["about"]["name"] == ("Liver pump" if language == "en" else "مضخة الكبد")
    assert data["about"]["alternateName"] == ["HAI pump" if language == "en" else "مضخة HAI"]
    assert data["citation"][0]["name"] == "Pump outcomes"


def test_a_procedure_page_names_its_canonical_address_alternates_and_description(client):
    live("pump", "Liver pump", summary_en="A small pump sends medicine to the liver.")
    html = html_of(client.get("/en/procedures/pump/"))
    assert '<link rel="canonical" href="http://testserver/en/procedures/pump/">' in html
    assert 'hreflang="ar" href="http://testserver/ar/procedures/pump/"' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/procedures/pump/">' in html
    assert '<meta name="description" content="A small pump sends medicine to the liver.">' in html


def test_a_text_cannot_end_the_json_ld_script_early(client):
    # Raw HTML in a title is refused when it is saved, loaded or published; a live version that
    # came by a fixture can still carry one.
    publication = live("pump", "Pump").live_version
    publication.document["texts"]["title"]["en"] = "Pump </script><script>alert(1)</script>"
    Publication.objects.filter(pk=publication.pk).update(document=publication.document)
    html = html_of(client.get("/en/procedures/pump/"))
    assert structured_data(html)["name"].startswith("Pump </script>")
    assert "<script>alert(1)" not in html


def test_the_sitemap_lists_every_live_page_in_both_languages_with_alternates(client):
    live("pump", "Liver pump")
    withdrawn = live("old", "Old page")
    publishing.unpublish(withdrawn, None, "No longer offered.")
    make_procedure("draft")
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert "http://testserver/en/procedures/pump/" in locations
    assert "http://testserver/ar/procedures/pump/" in locations
    assert "http://testserver/ar/glossary/" in locations
    assert not [url for url in locations if "/old/" in url or "/draft/" in url]
    assert 'hreflang="ar" href="http://testserver/ar/procedures/pump/"' in xml
    assert 'hreflang="x-default"' in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_out_the_admin_and_previews(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
    assert "Disallow: /admin/" in text.splitlines()
    assert "Disallow: /ar/procedures/*/preview/" in text.splitlines()


def test_a_page_published_before_search_existed_is_indexed_by_render_content(client):
    procedure = live("pump", "Liver pump")
    Procedure.objects.get(pk=procedure.pk).live_version.search_entries.all().delete()
    assert result_titles(html_of(client.get("/en/search/", {"q": "liver"}))) == []
    call_command("render_content", stdout=io.StringIO())
    assert result_titles(html_of(client.get("/en/search/", {"q": "liver"}))) != []


def test_only_the_live_version_keeps_search_entries():
    procedure = live("pump", "Liver pump")
    first = Procedure.objects.get(pk=procedure.pk).live_version
    procedure.title_en = "Liver pump, revised"
    procedure.save()
    second = publish(procedure)
    assert not first.search_entries.exists()
    assert sorted(second.search_entries.values_list("language", flat=True)) == ["ar", "en"]


def test_staff_keep_the_glossary_in_the_admin_with_english_and_arabic_fields(admin_client):
    html = html_of(admin_client.get("/admin/content/glossaryterm/add/"))
    for name in ("term_en", "term_ar", "other_forms_en", "other_forms_ar", "definition_en",
                 "definition_ar"):
        assert f'name="{name}"' in html
    assert "when a clinical reviewer publishes the glossary" in html
    response = admin_client.post("/admin/content/glossaryterm/add/", {
        "slug": "stent", "term_en": "stent", "term_ar": "دعامة", "other_forms_en": "stents",
        "other_forms_ar": "", "definition_en": "A small tube.", "definition_ar": "أنبوب صغير.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GlossaryTerm.objects.get(slug="stent").term_ar == "دعامة"


def test_an_untranslated_title_in_arabic_results_is_shown_in_english_marked(client):
    live("pump", "Liver pump", title_ar="", body_ar="توضع المضخة تحت الجلد.")
    html = html_of(client.get("/ar/search/", {"q": "المضخة"}))
    title = html.split('class="search-result__title">')[1].split("</h3>")[0]
    assert 'lang="en" dir="ltr">Liver pump</a>' in title
    assert "notice--untranslated" in title
