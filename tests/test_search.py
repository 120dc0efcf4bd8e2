"""Bilingual search: each word rule, queries, snippets, and the ranking as the database gives it
(SQLite by default; PostgreSQL with DATABASE_URL), from pages published as a reviewer publishes."""

import pytest
from django.db import connection

from content.models import GlossaryTerm
from content.rendering.words import fold, normalise, tokens
from content.search.indexing import ranked_entries
from content.search.text import (
    COMMON_WORDS,
    SearchResult,
    build_index,
    draw,
    highlight,
    index_text,
    parse_query,
    snippet,
    text_from_html,
)
from tests.builders import add_section, make_procedure, publish, publish_glossary


def live(slug, title_en="Untitled", body_en="Nothing.", title_ar="بلا عنوان", body_ar="لا شيء.", **fields):
    """A published page whose overview says `body_en` / `body_ar`. The default summaries of
    make_procedure are searched too: "a short summary for patients", «ملخص قصير للمرضى»."""
    procedure = make_procedure(slug, title_en=title_en, title_ar=title_ar, **fields)
    add_section(procedure, "overview", body_en=body_en, body_ar=body_ar)
    publish(procedure)
    return procedure


def ranked(query, language="en", start=0, count=100):
    """(slug, matched terms, points) of each result, best first, as the database ranks them."""
    rows = ranked_entries(parse_query(query, language), language, start, count)
    return [(row["slug"], row["matched_terms"], row["score"]) for row in rows]


def found(query, language="en"):
    return [slug for slug, _terms, _points in ranked(query, language)]


# --- Arabic rules ---

ARABIC_VARIANTS = [
    ("العِلاجُ الكِيمِيائِيّ", "العلاج الكيميائي"),  # tashkeel
    ("الكيميـــائي", "الكيميائي"),  # tatweel
    ("أُذن", "اذن"), ("إبرة", "ابرة"), ("آلة", "الة"), ("ٱلكبد", "الكبد"),  # forms of alef
    ("المضخة", "المضخه"),  # ta marbuta / ha
    ("مستشفى", "مستشفي"),  # alef maqsura / ya
]


@pytest.mark.parametrize("written, typed", ARABIC_VARIANTS)
def test_arabic_words_have_one_key_whatever_the_spelling_variant(written, typed):
    assert normalise(written, "ar") == normalise(typed, "ar")


@pytest.mark.django_db
def test_arabic_search_finds_each_spelling_variant_of_a_word_either_way():
    live("written", body_ar="نص فيه " + " و".join(written for written, _typed in ARABIC_VARIANTS))
    live("typed", body_ar="نص فيه " + " و".join(typed for _written, typed in ARABIC_VARIANTS))
    live("other", body_ar="يصل الدواء إلى القلب.")
    for written, typed in ARABIC_VARIANTS:
        assert sorted(found(typed, "ar")) == ["typed", "written"], typed
        assert sorted(found(written, "ar")) == ["typed", "written"], written
    assert found("والمُضَخَّة", "ar") == found("المضخة", "ar") != []
    assert found("قلب", "ar") == ["other"]
    assert found("رئة", "ar") == []


@pytest.mark.parametrize("word", ["بطن", "كبد", "ولد", "لون"])
def test_a_short_arabic_word_that_starts_like_a_prefix_is_not_cut(word):
    assert normalise(word, "ar") == word


@pytest.mark.django_db
def test_arabic_prefixes_do_not_stop_a_match_in_the_page_or_the_query():
    written = ["الكبد", "والكبد", "بالكبد", "للكبد", "كالكبد", "وبالكبد", "فالكبد"]
    for number, word in enumerate(written):
        live(f"liver-{number}", body_ar=f"يصل الدواء {word} مباشرة")
    live("heart", body_ar="يصل الدواء إلى القلب مباشرة")
    every_form = sorted(f"liver-{number}" for number in range(len(written)))
    for query in ["كبد", "الكبد", "والكبد", "بالكبد", "للكبد", "لكبد", "وبالكبد"]:
        assert sorted(found(query, "ar")) == every_form, query


@pytest.mark.django_db
def test_arabic_indic_digits_match_western_digits():
    assert normalise("٣٠٠", "ar") == "300"
    live("dose", body_ar="قد يصل إلى ٣٠٠ ضعف")
    assert found("300", "ar") == found("٣٠٠", "ar") == ["dose"]


# --- English rules ---


@pytest.mark.parametrize("written, typed", [
    ("Tumors", "tumor"), ("ARTERIES", "artery"), ("stitches", "stitch"), ("scans", "SCAN"),
    ("boxes", "box"), ("glasses", "glass"),
])
def test_english_ignores_case_and_simple_plural_endings(written, typed):
    assert normalise(written, "en") == normalise(typed, "en")


@pytest.mark.parametrize("word", ["metastasis", "virus", "glass", "gas"])
def test_english_words_ending_in_s_that_are_not_plurals_keep_their_s(word):
    assert normalise(word, "en") == word


@pytest.mark.django_db
def test_english_search_ignores_case_and_plurals_in_the_page_and_the_query():
    """Keys are folded before they are stored, so the database's own case and collation rules
    (SQLite's LIKE ignores ASCII case, PostgreSQL's does not) never come into it."""
    live("risks", body_en="Stomach ULCERS and Bleeding.")
    live("other", body_en="Nothing relevant here.")
    for query in ["ulcer", "Ulcers", "ULCER", "bleeding", "BLEEDING"]:
        assert found(query) == ["risks"], query
    assert found("relevant") == ["other"]
    assert found("heart") == []


# --- Starts of longer words ---


@pytest.mark.django_db
def test_a_query_word_of_four_letters_or_more_finds_longer_words_that_start_with_it():
    live("hai", body_en="HAI chemotherapy sends medicine to the stomach.")
    assert found("chemo") == found("chem") == found("stoma") == found("CHEMO") == ["hai"]
    assert found("che") == found("sto") == []
    assert found("chemotherapist") == []  # a longer query word does not find a shorter word
    assert found("chemotherapies") == ["hai"]  # the plural's key is the word's


@pytest.mark.django_db
def test_a_whole_word_outranks_the_start_of_a_longer_one_and_ties_are_alphabetical():
    live("b", "B word", body_en="chemo")
    live("a", "A word", body_en="chemo")
    live("c", "C longer", body_en="chemotherapy")
    assert ranked("chemo") == [("a", 1, 2), ("b", 1, 2), ("c", 1, 1)]


# --- Ranking ---


@pytest.mark.django_db
def test_results_rank_title_then_headings_and_glossary_terms_alike_then_text():
    live("text", "In the text", body_en="Refill the pump every two weeks.")
    live("title", "Pump chemotherapy", body_en="Nothing else.")
    heading = live("heading", "Heading", body_en="Other words.")
    add_section(heading, "after", body_en="Keep it dry.", heading_en="Pump refills")
    publish(heading)
    live("none", "No match", body_en="Nothing to see.")
    # A glossary term the page's text uses, with "pump" as one of its other forms: the page's
    # glossary terms hold "pump", its text does not. (Made after the pages above, whose text
    # would otherwise carry it too.)
    GlossaryTerm.objects.create(slug="reservoir", term_en="reservoir", other_forms_en="pump",
                                definition_en="Where the medicine is kept.")
    publish_glossary()  # pages carry the glossary as a reviewer published it
    live("glossary", "Glossary", body_en="The reservoir is refilled.")
    # Headings and glossary terms weigh alike: "Glossary" and "Heading" tie, and are listed by
    # title.
    assert ranked("pump") == [("title", 1, 20_000), ("glossary", 1, 200), ("heading", 1, 200),
                              ("text", 1, 2)]


@pytest.mark.django_db
def test_a_page_with_every_query_word_outranks_one_with_a_title_match_on_one():
    live("pump", "Pump", body_en="Unrelated.")
    live("other", "Other", body_en="Fever while you have the pump.")
    assert ranked("pump fever") == [("other", 2, 4), ("pump", 1, 20_000)]


def sort_titles_by_a_language_not_code_points():
    """On PostgreSQL, give the sort titles a locale's collation, as a database created with one
    would (this test server's are C.UTF-8, which already compares code points): ICU's root locale
    sorts é with e. Undone with the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'")
        if cursor.fetchone():
            cursor.execute('ALTER TABLE content_searchentry ALTER COLUMN sort_title TYPE text '
                           'COLLATE "und-x-icu"')


@pytest.mark.django_db
def test_ties_are_listed_by_folded_title_in_code_point_order_then_oldest_first():
    """On PostgreSQL too, whatever the database's locale: Échographie after Zebra, as Python
    compares the folded titles, and two titles that fold alike in the order they were indexed."""
    if connection.vendor == "postgresql":
        sort_titles_by_a_language_not_code_points()
    for slug, title in [("alpha", "alpha chemo"), ("zebra", "Zebra chemo"), ("echo", "Échographie chemo"),
                        ("beta", "Beta chemo"), ("alpha-again", "ALPHA chemo")]:
        live(slug, title, body_en="Chemo.")
    assert found("chemo") == ["alpha", "alpha-again", "beta", "zebra", "echo"]


@pytest.mark.django_db
def test_common_words_do_not_make_every_page_match_unless_the_query_is_nothing_else():
    live("pump", "Pump", body_en="The pump sits under the skin.")
    live("scan", "Scan", body_en="The scan shows the liver.")
    assert found("what is the pump") == ["pump"]
    assert found("ما هي pump") == ["pump"]  # common words of either language
    assert sorted(found("the")) == ["pump", "scan"]


def test_the_common_words_are_written_as_they_fold():
    assert {word for word in COMMON_WORDS if fold(word) != word} == set()
    assert parse_query("the").terms == ("the",)


@pytest.mark.django_db
def test_a_mixed_script_query_finds_both_scripts_even_glued_together():
    live("hai", "HAI pump", title_ar="مضخة HAI")
    live("other", "Other", title_ar="أخرى")
    parsed = parse_query("HAIمضخة")
    assert parsed.terms == ("hai", "مضخ")
    assert found("HAIمضخة", "ar") == ["hai"]


@pytest.mark.django_db
def test_a_word_of_either_language_finds_the_entry_in_the_language_asked_for():
    live("pump", "Liver pump", title_ar="مضخة الكبد")
    live("other", "Other", title_ar="أخرى")
    for language in ("en", "ar"):
        for query in ("pump", "مضخة"):
            rows = ranked_entries(parse_query(query, language), language, 0, 10)
            assert [(row["slug"], row["title"]) for row in rows] == [
                ("pump", "Liver pump" if language == "en" else "مضخة الكبد")], (language, query)


@pytest.mark.django_db
def test_results_come_a_page_at_a_time_each_with_the_whole_count():
    for number in range(5):
        live(f"pump-{number}", f"Pump {number}")
    order = [f"pump-{number}" for number in range(5)]
    query = parse_query("pump")
    for start in range(0, 8, 2):
        page = ranked_entries(query, "en", start, 2)
        assert [row["slug"] for row in page] == order[start:start + 2]
        assert {row["total"] for row in page} == ({5} if start < 5 else set())
    assert ranked_entries(parse_query("zebra"), "en", 0, 2) == []


# --- Snippets and highlighting ---


def test_the_snippet_is_escaped_and_marks_the_match():
    assert snippet({"title": "T", "text": "A <b>pump</b> & a tube."}, "pump") == (
        "A &lt;b&gt;<mark>pump</mark>&lt;/b&gt; &amp; a tube.")


def test_the_snippet_marks_the_whole_arabic_word_with_its_prefixes():
    assert "<mark>المضخّة</mark>" in snippet({"title": "ع", "text": "تُملأ المضخّة كل أسبوعين"}, "مضخة", "ar")


def test_a_long_text_is_cut_around_the_match_at_word_boundaries():
    text = "word " * 200 + "the catheter is a thin tube " + "more " * 200
    drawn = snippet({"title": "T", "text": text}, "catheter")
    assert "<mark>catheter</mark>" in drawn
    assert drawn.startswith("… word") and drawn.endswith(" …")
    assert len(drawn) < 300


def test_the_snippet_is_taken_from_the_text_then_the_headings_then_the_summary():
    document = {"title": "Pump", "summary": "A short summary.", "headings": "Pump care", "text": "Body."}
    assert snippet(document, "care") == "Pump <mark>care</mark>"
    assert snippet(document, "pump") == "<mark>Pump</mark> care"
    assert snippet(dict(document, headings=""), "pump") == "A short summary."


def test_the_title_is_highlighted():
    assert highlight("Hepatic artery <pumps>", "pump") == "Hepatic artery &lt;<mark>pumps</mark>&gt;"


def test_drawing_results_reads_each_text_only_up_to_its_first_match(monkeypatch):
    """The database ranks; words are split only to draw the titles and snippets of the page of
    results shown, and a long text only as far as its first match (timings: bench_search)."""
    import content.search.text

    document = {"title": "Hepatic artery infusion pump", "text": "The pump sends chemotherapy. " * 300}
    results = [SearchResult(dict(document, title=f"Procedure {n}"), 0, 0) for n in range(20)]
    calls = []
    real_answering_words = content.search.text._answering_words
    monkeypatch.setattr(content.search.text, "_answering_words",
                        lambda *a: calls.append(a) or real_answering_words(*a))
    drawn = draw(results, parse_query("pump chemotherapy"))
    assert all("<mark>pump</mark>" in result.snippet for result in drawn)
    assert len(calls) <= 20 * 4


# --- Odd queries ---


@pytest.mark.parametrize("query", ["", "   ", "!!!", "?؟،.;:-()[]{}\"'", "ـــ", "\u064b\u064f"])
def test_a_query_of_only_punctuation_or_marks_is_empty(query):
    assert parse_query(query, "ar").is_empty


@pytest.mark.django_db
def test_a_thousand_character_query_is_cut_and_still_answers():
    query = "pump " + "x" * 995
    parsed = parse_query(query)
    assert parsed.truncated
    assert len(parsed.text) <= 200
    live("pump", "Pump")
    assert found(query) == ["pump"]


def test_a_query_of_many_words_keeps_a_bounded_number_of_terms():
    parsed = parse_query(" ".join(f"word{n}" for n in range(100)))
    assert len(parsed.terms) == 12
    assert parsed.truncated


# --- Index and plain text ---


def test_the_stored_index_holds_each_key_once_padded_with_spaces():
    assert index_text("Pumps, and the LIVER! The pump.", "en") == " pump and the liver "
    assert index_text("!!!", "en") == ""
    assert build_index({"title": "Pump", "headings": ["Care", "Pumps"], "text": ""}) == {
        "title": " pump ", "headings": " care pump ", "glossary_terms": "", "text": ""}


def test_tokens_keep_their_places_in_the_original_text():
    text = "قال: «المضخّة»"
    [first, second] = tokens(text, "ar")
    assert text[second.start:second.end] == "المضخّة"
    assert second.key == "مضخه"
    assert first.key == "قال"


def test_plain_text_from_rendered_html_drops_citation_markers_and_decodes_entities():
    rendered = ('<p>Pumps &amp; tubes<sup class="citation" id="x"><a class="citation-ref" '
                'href="#cite-1">[1]</a></sup>.</p><ul><li>One</li><li>Two</li></ul>')
    assert text_from_html(rendered) == "Pumps & tubes.\nOne\nTwo"


@pytest.mark.django_db
def test_results_pages_name_the_search_page_as_canonical_and_describe_it(client):
    for code in ("en", "ar"):
        html = client.get(f"/{code}/search/?q=pump").content.decode()
        assert f'<link rel="canonical" href="http://testserver/{code}/search/">' in html
        assert '<meta name="description" content="' in html
        assert "noindex" not in html
