"""Glossary terms marked at their first use, in both languages, never where marking would harm."""

import re

from django.utils import translation

from content.rendering.glossary_marks import GlossaryEntry, mark_terms, sort_key
from content.rendering.markdown import render_markdown

EN = [
    {"term": "hepatic artery", "forms": ["hepatic arteries"], "anchor": "hepatic-artery",
     "definition": "An artery that carries blood to the liver."},
    {"term": "catheter", "anchor": "catheter", "definition": "A thin, soft tube."},
    {"term": "bile duct", "anchor": "bile-duct", "definition": "A small tube that carries bile."},
    {"term": "bile", "anchor": "bile", "definition": "A fluid that helps digest fat."},
]
HAI = [{"term": "hepatic artery infusion", "forms": ["HAI"], "anchor": "hepatic-artery-infusion",
        "definition": "A way of giving medicine into the liver's artery."}]
AR = [
    {"term": "الشريان الكبدي", "anchor": "hepatic-artery",
     "definition": "شريان يحمل الدم إلى الكبد."},
    {"term": "القسطرة", "forms": ["قسطرة"], "anchor": "catheter", "definition": "أنبوب رفيع ولين."},
]


def mark(markdown, terms=EN, language="en", **options):
    with translation.override(language):  # the popover's labels are in the active language
        return mark_terms(render_markdown(markdown, language), terms, language, "/en/glossary/", **options)


def marked_words(html):
    return re.findall(r'<dfn class="glossary-term">(?:<button [^>]*>)?(.*?)(?:</button>)?</dfn>', html)


def without_popovers(html):
    """The text as it reads on the page, the closed popovers taken out."""
    popover = r'<span class="glossary-popover" .*?popovertargetaction="hide">[^<]*</button></span>'
    return re.sub(popover, "", html)


def test_the_first_use_of_a_term_is_a_button_opening_its_definition_with_a_link_to_the_glossary():
    html = mark("The **catheter** links the pump to the artery.")
    assert html == (
        '<p>The <strong><dfn class="glossary-term"><button type="button" class="glossary-term__button" '
        'popovertarget="term-catheter" aria-describedby="term-catheter-text">catheter</button></dfn>'
        '<span class="glossary-popover" id="term-catheter" popover>'
        '<span class="glossary-popover__term">catheter</span> '
        '<span class="glossary-popover__text" id="term-catheter-text">A thin, soft tube.</span> '
        '<a class="glossary-popover__more" href="/en/glossary/#catheter">Read more in the glossary</a> '
        '<button type="button" class="glossary-popover__close" popovertarget="term-catheter" '
        'popovertargetaction="hide">Close</button></span></strong> links the pump to the artery.</p>'
    )


def test_no_definition_is_spliced_into_the_sentence():
    html = mark("HAI stands for hepatic artery infusion. Bile ducts carry bile.", EN + HAI)
    assert without_popovers(html).count("(") == 0
    text = re.sub("<[^>]+>", "", without_popovers(html))
    assert text == "HAI stands for hepatic artery infusion. Bile ducts carry bile."


def test_on_paper_a_term_is_a_plain_mark_without_its_definition():
    html = mark("The catheter links the pump.", on_paper=True)
    assert html == '<p>The <dfn class="glossary-term">catheter</dfn> links the pump.</p>'


def test_only_the_first_use_is_marked():
    html = mark("A catheter here.\n\nAnother catheter there, and catheters everywhere.")
    assert marked_words(html) == ["catheter"]
    assert html.index("<dfn") < html.index("Another")


def test_plural_and_case_variants_are_found():
    assert marked_words(mark("Two Hepatic Arteries feed it.")) == ["Hepatic Arteries"]


def test_the_longest_term_wins_where_terms_overlap():
    html = mark("A bile duct carries bile.")
    assert marked_words(html) == ["bile duct", "bile"]


def test_the_longest_term_wins_even_when_it_was_marked_before():
    # "bile ducts" is the term bile duct, used before: its "bile" is not the term bile.
    html = mark("Bile ducts are tubes. Bile ducts carry bile.")
    assert marked_words(html) == ["Bile ducts", "bile"]
    assert 'href="/en/glossary/#bile"' in html.split("carry ")[1]
    # HAI is hepatic artery infusion: its words later are not the term hepatic artery.
    html = mark("HAI stands for hepatic artery infusion. The hepatic artery feeds the liver.", EN + HAI)
    assert marked_words(html) == ["HAI", "hepatic artery"]
    assert html.index('popovertarget="term-hepatic-artery"') > html.index("The ")


def test_the_longest_arabic_form_wins_even_when_it_was_marked_before():
    terms = [
        {"term": "سرطان القنوات الصفراوية", "anchor": "cholangiocarcinoma", "definition": "سرطان."},
        {"term": "القناة الصفراوية", "forms": ["القنوات الصفراوية"], "anchor": "bile-duct",
         "definition": "أنبوب صغير."},
    ]
    html = mark("سرطان القنوات الصفراوية نادر. ويبدأ سرطان القنوات الصفراوية في القنوات الصفراوية.",
                terms, "ar")
    assert marked_words(html) == ["سرطان القنوات الصفراوية", "القنوات الصفراوية"]
    assert without_popovers(html).endswith(
        'في <dfn class="glossary-term"><button type="button" class="glossary-term__button" '
        'popovertarget="term-bile-duct" aria-describedby="term-bile-duct-text">'
        "القنوات الصفراوية</button></dfn>.</p>")


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
    assert html.count("glossary-popover__text") == 1


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
