"""Glossary terms marked at their first use, in both languages, never where marking would harm."""

import re

from content.rendering.glossary_marks import GlossaryEntry, mark_terms, sort_key
from content.rendering.markdown import render_markdown

EN = [
    {"term": "hepatic artery", "forms": ["hepatic arteries"], "anchor": "hepatic-artery",
     "definition": "An artery that carries blood to the liver."},
    {"term": "catheter", "anchor": "catheter", "definition": "A thin, soft tube."},
    {"term": "bile duct", "anchor": "bile-duct", "definition": "A small tube that carries bile."},
    {"term": "bile", "anchor": "bile", "definition": "A fluid that helps digest fat."},
]
AR = [
    {"term": "الشريان الكبدي", "anchor": "hepatic-artery",
     "definition": "شريان يحمل الدم إلى الكبد."},
    {"term": "القسطرة", "forms": ["قسطرة"], "anchor": "catheter", "definition": "أنبوب رفيع ولين."},
]


def mark(markdown, terms=EN, language="en", **options):
    return mark_terms(render_markdown(markdown, language), terms, language, "/en/glossary/", **options)


def marked_words(html):
    return re.findall(r'<dfn class="glossary-term"><a [^>]*>(.*?)</a></dfn>', html)


def test_the_first_use_of_a_term_is_marked_with_a_link_and_its_definition():
    html = mark("The **catheter** links the pump to the artery.")
    assert html == (
        '<p>The <strong><dfn class="glossary-term"><a href="/en/glossary/#catheter" '
        'aria-describedby="term-catheter">catheter</a></dfn><span class="glossary-term__definition" '
        'id="term-catheter"> (A thin, soft tube)</span></strong> links the pump to the artery.</p>'
    )


def test_only_the_first_use_is_marked():
    html = mark("A catheter here.\n\nAnother catheter there, and catheters everywhere.")
    assert marked_words(html) == ["catheter"]
    assert html.index("<dfn") < html.index("Another")


def test_plural_and_case_variants_are_found():
    assert marked_words(mark("Two Hepatic Arteries feed it.")) == ["Hepatic Arteries"]


def test_the_longest_term_wins_where_terms_overlap():
    html = mark("A bile duct carries bile.")
    assert marked_words(html) == ["bile duct", "bile"]


def test_terms_are_never_marked_in_headings_links_or_citations():
    html = mark(
        "### The catheter\n\n"
        "See [the catheter guide](https://example.org/catheter).\n\n"
        "Cited text[^1].\n\n"
        "`catheter` in code.\n\n"
        "Then the catheter in a sentence."
    )
    assert marked_words(html) == ["catheter"]
    assert "<h3>The catheter</h3>" in html
    assert 'Then the <dfn class="glossary-term">' in html


def test_a_citation_marker_is_never_marked():
    terms = [{"term": "1", "anchor": "one", "definition": "d"}]
    html = mark_terms(render_markdown("Cited[^1] once, then 1 more."), terms, "en", "/g/")
    assert '>[1]</a></sup>' in html
    assert marked_words(html) == ["1"]
    assert 'then <dfn class="glossary-term">' in html


def test_a_term_made_of_words_split_by_a_tag_or_punctuation_is_not_marked():
    assert marked_words(mark("The hepatic, artery.")) == []
    assert marked_words(mark("The *hepatic* artery.")) == []


def test_nothing_is_marked_in_a_callout_title():
    html = mark('!!! note "About the catheter"\n    The catheter is thin.')
    assert '<p class="admonition-title">About the catheter</p>' in html
    assert marked_words(html) == ["catheter"]


def test_a_term_marked_in_one_section_is_not_marked_again_in_the_next():
    seen = set()
    first = mark("The catheter.", already_marked=seen, id_prefix="overview")
    second = mark("The catheter again.", already_marked=seen, id_prefix="risks")
    assert marked_words(first) == ["catheter"] and 'id="overview-catheter"' in first
    assert marked_words(second) == []
    assert seen == {"catheter"}


def test_definitions_and_urls_are_escaped():
    terms = [{"term": "pump", "anchor": "pump", "definition": '<script>alert("x")</script> & more'}]
    html = mark_terms("<p>The pump.</p>", terms, "en", '/en/glossary/?a="b"')
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    assert 'href="/en/glossary/?a=&quot;b&quot;#pump"' in html


def test_entities_in_the_text_are_kept_and_never_matched_as_words():
    terms = [{"term": "amp", "anchor": "amp", "definition": "d"}]
    html = mark_terms("<p>Salt &amp; water</p>", terms, "en", "/g/")
    assert html == "<p>Salt &amp; water</p>"


def test_arabic_terms_are_found_behind_prefixes_and_despite_tashkeel():
    html = mark("يُدخَل الدواء عبر القِسطرة إلى الشريانِ الكبديّ مباشرةً.", AR, "ar")
    assert marked_words(html) == ["القِسطرة", "الشريانِ الكبديّ"]
    html = mark("ويصل الدواء بالشريان الكبدي وبالقسطرة.", AR, "ar")
    assert marked_words(html) == ["بالشريان الكبدي", "وبالقسطرة"]


def test_arabic_first_use_only_and_never_in_headings():
    html = mark("### القسطرة\n\nالقسطرة أنبوب. ثم القسطرة مرة أخرى.", AR, "ar")
    assert marked_words(html) == ["القسطرة"]
    assert "<h3>القسطرة</h3>" in html
    assert html.count("glossary-term__definition") == 1


def test_arabic_inside_an_isolated_latin_run_is_left_alone_and_latin_terms_still_work():
    terms = [{"term": "HAI", "anchor": "hai", "definition": "تسريب في الشريان الكبدي"}]
    html = mark("العلاج بمضخة HAI مفيد.", terms, "ar")
    assert marked_words(html) == ["HAI"]
    assert '<bdi dir="ltr"><dfn' in html


def test_without_terms_or_text_the_html_comes_back_unchanged():
    assert mark_terms("<p>x</p>", [], "en", "/g/") == "<p>x</p>"
    assert mark_terms("", EN, "en", "/g/") == ""


def test_an_arabic_entry_without_an_anchor_gets_a_readable_one():
    assert GlossaryEntry.from_mapping({"term": "القسطرة", "definition": ""}).anchor == "القسطرة"


def test_glossary_order_ignores_the_arabic_article_and_case():
    words = ["المرارة", "القسطرة", "التخدير العام", "يرقان", "Bile", "artery"]
    assert sorted(words, key=sort_key) == ["artery", "Bile", "التخدير العام", "القسطرة", "المرارة", "يرقان"]
