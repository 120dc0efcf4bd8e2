"""Bilingual search: each normalisation rule, the ranking order, and queries patients really type."""

import pytest

from content.rendering.words import fold, normalise, tokens
from content.search.text import (
    COMMON_WORDS,
    build_index,
    highlight,
    index_matches,
    index_text,
    parse_query,
    rank,
    text_from_html,
)


def matches(query, text, language):
    return bool(rank(query, [{"title": "", "text": text}], language))


# --- Arabic rules ---


@pytest.mark.parametrize("written, typed", [
    ("العِلاجُ الكِيمِيائِيّ", "العلاج الكيميائي"),  # tashkeel
    ("الكيميـــائي", "الكيميائي"),  # tatweel
    ("أُذن", "اذن"), ("إبرة", "ابرة"), ("آلة", "الة"), ("ٱلكبد", "الكبد"),  # forms of alef
    ("المضخة", "المضخه"),  # ta marbuta / ha
    ("مستشفى", "مستشفي"),  # alef maqsura / ya
])
def test_arabic_words_match_whatever_the_spelling_variant(written, typed):
    assert normalise(written, "ar") == normalise(typed, "ar")
    assert matches(typed, f"نص فيه {written} وغيره", "ar")


@pytest.mark.parametrize("written", ["الكبد", "والكبد", "بالكبد", "للكبد", "كالكبد", "وبالكبد"])
def test_arabic_prefixes_do_not_stop_a_match(written):
    assert matches("كبد", f"يصل الدواء {written} مباشرة", "ar")
    assert matches("الكبد", f"يصل الدواء {written} مباشرة", "ar")


@pytest.mark.parametrize("word", ["بطن", "كبد", "ولد", "لون"])
def test_a_short_arabic_word_that_starts_like_a_prefix_is_not_cut(word):
    assert normalise(word, "ar") == word


def test_different_arabic_words_do_not_match():
    assert not matches("قلب", "يصل الدواء إلى الكبد", "ar")


def test_arabic_indic_digits_match_western_digits():
    assert normalise("٣٠٠", "ar") == "300"
    assert matches("300", "قد يصل إلى ٣٠٠ ضعف", "ar")


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


def test_a_long_query_word_finds_longer_words_that_start_with_it():
    assert matches("chemo", "HAI chemotherapy sends medicine", "en")
    assert not matches("che", "HAI chemotherapy sends medicine", "en")


def test_common_words_do_not_make_every_document_match():
    documents = [{"title": "Pump", "text": "The pump sits under the skin."},
                 {"title": "Scan", "text": "The scan shows the liver."}]
    found = [r.document["title"] for r in rank("what is the pump", documents, "en")]
    assert found == ["Pump"]


# --- Ranking ---


def test_results_rank_title_then_headings_and_glossary_then_text():
    documents = [
        {"title": "In the text", "text": "Refill the pump every two weeks."},
        {"title": "Glossary", "glossary_terms": ["pump"], "text": "Other words."},
        {"title": "Pump chemotherapy", "text": "Nothing else."},
        {"title": "Heading", "headings": ["Pump refills"], "text": "Other words."},
        {"title": "No match", "text": "Nothing to see."},
    ]
    titles = [r.document["title"] for r in rank("pump", documents, "en")]
    assert titles[0] == "Pump chemotherapy"
    assert set(titles[1:3]) == {"Glossary", "Heading"}
    assert titles[3:] == ["In the text"]


def test_a_document_with_every_query_word_outranks_one_with_a_title_match_on_one():
    documents = [
        {"title": "Pump", "text": "Unrelated."},
        {"title": "Other", "text": "Fever while you have the pump."},
    ]
    titles = [r.document["title"] for r in rank("pump fever", documents, "en")]
    assert titles == ["Other", "Pump"]


def test_a_whole_word_outranks_the_start_of_a_longer_one_and_ties_are_alphabetical():
    documents = [
        {"title": "B word", "text": "chemo"},
        {"title": "A word", "text": "chemo"},
        {"title": "C longer", "text": "chemotherapy"},
    ]
    assert [r.document["title"] for r in rank("chemo", documents)] == ["A word", "B word", "C longer"]


def test_a_stored_index_is_used_instead_of_the_text():
    document = {"title": "Pump", "text": "irrelevant"}
    document["index"] = build_index({"title": "Pump", "text": "ulcer"}, "en")
    assert rank("ulcer", [document], "en")
    assert index_matches(parse_query("ulcers"), document["index"]["text"])


def test_extra_keys_of_a_document_are_passed_through():
    [result] = rank("pump", [{"title": "Pump", "text": "", "url": "/en/procedures/x/"}])
    assert result.document["url"] == "/en/procedures/x/"


# --- Snippets and highlighting ---


def test_the_snippet_is_escaped_and_marks_the_match():
    [result] = rank("pump", [{"title": "T", "text": "A <b>pump</b> & a tube."}], "en")
    assert result.snippet == "A &lt;b&gt;<mark>pump</mark>&lt;/b&gt; &amp; a tube."


def test_the_snippet_marks_the_whole_arabic_word_with_its_prefixes():
    [result] = rank("مضخة", [{"title": "ع", "text": "تُملأ المضخّة كل أسبوعين"}], "ar")
    assert "<mark>المضخّة</mark>" in result.snippet


def test_a_long_text_is_cut_around_the_match_at_word_boundaries():
    text = "word " * 200 + "the catheter is a thin tube " + "more " * 200
    [result] = rank("catheter", [{"title": "T", "text": text}], "en")
    assert "<mark>catheter</mark>" in result.snippet
    assert result.snippet.startswith("… word") and result.snippet.endswith(" …")
    assert len(result.snippet) < 300


def test_the_title_is_highlighted():
    assert highlight("Hepatic artery <pumps>", "pump") == "Hepatic artery &lt;<mark>pumps</mark>&gt;"


def test_a_title_only_match_quotes_the_summary():
    [result] = rank("pump", [{"title": "Pump", "summary": "A short summary.", "text": "Body."}])
    assert result.snippet == "A short summary."


# --- Odd queries ---


@pytest.mark.parametrize("query", ["", "   ", "!!!", "?؟،.;:-()[]{}\"'", "ـــ", "\u064b\u064f"])
def test_a_query_of_only_punctuation_or_marks_is_empty_and_finds_nothing(query):
    assert parse_query(query, "ar").is_empty
    assert rank(query, [{"title": "!!!", "text": "?؟"}], "ar") == []


def test_a_thousand_character_query_is_cut_and_still_answers():
    query = "pump " + "x" * 995
    parsed = parse_query(query)
    assert parsed.truncated
    assert len(parsed.text) <= 200
    assert [r.document["title"] for r in rank(query, [{"title": "Pump", "text": ""}])] == ["Pump"]


def test_a_query_of_many_words_keeps_a_bounded_number_of_terms():
    parsed = parse_query(" ".join(f"word{n}" for n in range(100)))
    assert len(parsed.terms) == 12
    assert parsed.truncated


def test_a_mixed_script_query_finds_both_scripts_even_glued_together():
    documents = [{"title": "مضخة HAI", "text": ""}, {"title": "Other", "text": ""}]
    parsed = parse_query("HAIمضخة")
    assert parsed.terms == ("hai", "مضخه")
    assert [r.document["title"] for r in rank("HAIمضخة", documents, "ar")] == ["مضخة HAI"]


def test_a_query_of_only_common_words_still_searches_them():
    assert parse_query("the").terms == ("the",)


def test_the_common_words_are_written_as_they_fold():
    assert {word for word in COMMON_WORDS if fold(word) != word} == set()


# --- Index and plain text ---


def test_the_stored_index_pads_keys_for_whole_word_tests():
    assert index_text("Pumps, and the LIVER! The pump.", "en") == " pump and the liver "
    assert index_text("!!!", "en") == ""
    needles = parse_query("liver pu").needles
    assert needles == [" liver", " pu "]


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


def test_with_stored_indexes_only_the_returned_results_are_tokenised(monkeypatch):
    """Scoring a thousand documents is a substring scan of their stored indexes; words are
    split again only to draw the titles and snippets of the results shown (timings: make bench)."""
    import content.search.text

    document = {"title": "Hepatic artery infusion pump", "text": "The pump sends chemotherapy. " * 300}
    index = build_index(document, "en")
    many = [dict(document, title=f"Procedure {n}", index=index) for n in range(1000)]
    calls = []
    real_answering_words = content.search.text._answering_words
    monkeypatch.setattr(content.search.text, "_answering_words",
                        lambda *a: calls.append(a) or real_answering_words(*a))
    results = rank("pump chemotherapy", many, "en", limit=20)
    assert len(results) == 20
    assert len(calls) <= 1 + 20 * 4


@pytest.mark.django_db
def test_a_stored_index_is_found_by_a_plain_database_contains_on_sqlite_and_postgresql():
    """Keys are folded before they are stored, so the database's own case and collation rules
    (SQLite's LIKE ignores ASCII case, PostgreSQL's does not) never come into it."""
    from content.models import Section
    from tests.builders import add_section, make_procedure

    procedure = make_procedure()
    texts = {
        "overview": "يصل الدواءُ إلى الكَبِدِ عبر المضخّة.",
        "risks": "Stomach ULCERS and Bleeding.",
        "travel": "Nothing relevant here.",
    }
    for kind, text in texts.items():
        add_section(procedure, kind, body_en=index_text(text, "en"))
    for query, expected in [("كبد", {"overview"}), ("مضخه", {"overview"}), ("ulcer", {"risks"}),
                            ("BLEED", {"risks"}), ("stoma", {"risks"}), ("heart", set()),
                            ("nothing", {"travel"})]:
        parsed = parse_query(query)
        found = set()
        for needle in parsed.needles:
            found |= set(Section.objects.filter(body_en__contains=needle).values_list("kind", flat=True))
        in_memory = {kind for kind, text in texts.items() if index_matches(parsed, index_text(text))}
        assert found == in_memory == expected, query
