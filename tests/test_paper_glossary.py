"""On paper no definition is spliced into a sentence: a printed glossary term carries a marker, and
the handout (HTML and PDF, in every language) and the printed patient page end with the terms they
use, explained once, each in its own language. The bilingual PDF's text layer keeps English
brackets in order."""

import re
import shutil
import subprocess

import pytest
from django.db import transaction
from django.utils import translation

from content.editing.models import GlossaryTerm
from content.handouts.layout import handout_for
from content.handouts.pdf import draw_pdf
from tests.builders import (
    DEMO_SLUG,
    add_section,
    load_demo_content,
    make_procedure,
    publish,
    publish_glossary,
)

pytestmark = pytest.mark.django_db

TERMS = [
    # slug, English term, English definition, Arabic term, Arabic definition
    ("bile-duct", "bile duct", "A small tube that carries bile.",
     "القناة الصفراوية", "أنبوب صغير ينقل الصفراء."),
    ("bile", "bile", "A fluid that helps digest fat.", "الصفراء", "سائل يساعد على هضم الدهون."),
    ("stent", "stent", "A small mesh tube.", "الدعامة", "أنبوب شبكي صغير."),
]
BODY_EN = "The bile ducts drain the liver. Later the bile ducts carry bile to the gut."
BODY_AR = "تصرّف القنوات الصفراوية الكبد. ثم تنقل القنوات الصفراوية الصفراء إلى الأمعاء."


def paper_procedure():
    """A page using two of the three terms ("bile ducts" and, later, "bile"; never "stent")."""
    for slug, term_en, definition_en, term_ar, definition_ar in TERMS:
        GlossaryTerm.objects.create(slug=slug, term_en=term_en, definition_en=definition_en,
                                    term_ar=term_ar, definition_ar=definition_ar,
                                    other_forms_ar="القنوات الصفراوية" if slug == "bile-duct" else "")
    publish_glossary()
    procedure = make_procedure("drains")
    add_section(procedure, "overview", body_en=BODY_EN, body_ar=BODY_AR)
    publish(procedure)
    return procedure


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def end_glossaries(html):
    """Each end glossary's (lang, [(term, definition)]), in page order."""
    return [
        (language, re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))
        for language, block in re.findall(
            r'<div class="handout-glossary" lang="(\w+)"[^>]*>(.*?)</section>', html, re.S)
    ]


def before_the_end_glossary(html):
    return html.split('<section class="glossary-notes')[0]


@pytest.mark.parametrize("path, expected", [
    ("/en/procedures/drains/handout/", [("en", ["bile", "bile duct"])]),
    ("/ar/procedures/drains/handout/", [("ar", ["الصفراء", "القناة الصفراوية"])]),
    ("/en/procedures/drains/handout/bilingual/",
     [("en", ["bile", "bile duct"]), ("ar", ["الصفراء", "القناة الصفراوية"])]),
])
def test_the_html_handout_marks_terms_and_lists_exactly_the_terms_used_at_its_end(client, path, expected):
    paper_procedure()
    html = client.get(path).content.decode()
    glossaries = end_glossaries(html)
    listed = [(language, [term for term, _definition in entries]) for language, entries in glossaries]
    assert listed == expected
    body = text_of(before_the_end_glossary(html))
    for _language, entries in glossaries:
        for _term, definition in entries:
            assert definition not in body  # never spliced into the text
    marks = re.findall(r'<dfn class="glossary-term">(.*?)</dfn>', before_the_end_glossary(html))
    assert len(marks) == sum(len(entries) for _language, entries in glossaries)
    # Paper has no popovers: a term is marked, its definition is in the end glossary.
    assert "popovertarget" not in html and "glossary-popover" not in html


def test_the_printed_patient_page_ends_with_the_terms_it_uses(client):
    paper_procedure()
    for language, terms in (("en", ["bile", "bile duct"]), ("ar", ["الصفراء", "القناة الصفراوية"])):
        html = client.get(f"/{language}/procedures/drains/").content.decode()
        notes = html.split('<section class="glossary-notes glossary-notes--print"')[1].split("</section>")[0]
        assert re.findall(r"<dt>(.*?)</dt>", notes) == terms
        assert f'lang="{language}"' in notes


@pytest.fixture(scope="module")
def demo_pdf_texts(django_db_setup, django_db_blocker, tmp_path_factory):
    """pdftotext of the demo's three PDFs, drawn once for the module (the demo rolled back after)."""
    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (poppler-utils)")
    texts = {}
    folder = tmp_path_factory.mktemp("pdf")
    with django_db_blocker.unblock(), transaction.atomic():
        procedure = load_demo_content()
        assert procedure.slug == DEMO_SLUG
        document = procedure.live_version.document
        for variant in ("en", "ar", "bilingual"):
            with translation.override("ar" if variant == "ar" else "en"):
                pdf = draw_pdf(handout_for(procedure.live_version, variant, "a4", "http://testserver", None))
            path = folder / f"{variant}.pdf"
            path.write_bytes(pdf)
            texts[variant] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                            check=True).stdout
        transaction.set_rollback(True)
    return texts, document["glossary"]


def words(text):
    """Letters and digits only: pdftotext breaks lines and reorders punctuation in Arabic lines."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


def spliced(text, definition):
    """Whether `definition` stands in brackets in `text`, as a definition spliced into a sentence
    did: "hepatic artery (An artery that ...) infusion", «أورام (كتلة ...) الكبد»."""
    flat = re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text))
    return re.search(r"[()]\s*" + re.escape(" ".join(definition.split()[:4])), flat) is not None


@pytest.mark.parametrize("variant", ["en", "ar", "bilingual"])
def test_no_pdf_splices_a_definition_into_a_sentence(demo_pdf_texts, variant):
    texts, glossary = demo_pdf_texts
    text = texts[variant]
    headings = {"en": "Words explained", "ar": "شرح الكلمات"}
    languages = ["en", "ar"] if variant == "bilingual" else [variant]
    # No definition stands in brackets in the text (as "term (definition) ..." did).
    first = min(text.index(headings[language]) for language in languages)
    for language in languages:
        assert glossary[language]
        for entry in glossary[language]:
            assert not spliced(text[:first], entry["definition"]), entry["anchor"]
    # Printed terms carry the marker.
    assert text[:first].count("*") >= 10


@pytest.mark.parametrize("variant", ["en", "ar", "bilingual"])
def test_each_pdfs_end_glossary_explains_each_term_the_text_marks(demo_pdf_texts, variant):
    texts, glossary = demo_pdf_texts
    text = texts[variant]
    headings = {"en": "Words explained", "ar": "شرح الكلمات"}
    languages = ["en", "ar"] if variant == "bilingual" else [variant]
    for language in languages:
        # Poppler may give an Arabic line's phrases in another order: compare the words.
        end = set(words(text[text.index(headings[language]):]).split())
        explained = [entry for entry in glossary[language]
                     if set(words(f'{entry["term"]} {entry["definition"]}').split()) <= end]
        # The demo uses every term of its glossary (tests/test_demo_content.py), in each language.
        assert len(explained) == len(glossary[language])


def test_the_splice_check_finds_a_definition_in_brackets():
    assert spliced("HAI stands for hepatic artery (An artery that brings\nblood) infusion",
                   "An artery that brings blood rich in oxygen.")
    assert spliced("\u202bأما أورام )كتلة من خلايا تنمو\u202c", "كتلة من خلايا تنمو دون ضابط.")
    assert not spliced("jaundice: Yellow skin or yellow whites", "Yellow skin or yellow whites of the eyes.")


def test_the_bilingual_pdf_keeps_english_brackets_in_order(demo_pdf_texts):
    texts, _glossary = demo_pdf_texts
    english_lines = [line for line in texts["bilingual"].splitlines()
                     if line.strip() and not re.search("[\u0600-\u06ff]", line)]
    assert len(english_lines) > 100
    reversed_pairs = [line for line in english_lines if re.search(r"\)[A-Za-z][^()]*\(", line)]
    assert reversed_pairs == []
    assert sum(line.count("(") for line in english_lines) > 20


def test_the_bilingual_pdf_reads_back_brackets_beside_latin_text_in_order_in_arabic_lines_too(demo_pdf_texts):
    # "(HAI)" at the end of the Arabic title, "(CT)" in an Arabic sentence and each citation
    # marker "[1]" came back as ")HAI(", ")CT(" and "]1[" (content.rendering.bidi, handout.css).
    texts, _glossary = demo_pdf_texts
    arabic_lines = [line for line in texts["bilingual"].splitlines() if re.search("[\u0600-\u06ff]", line)]
    assert len(arabic_lines) > 100
    reversed_pairs = [line for line in arabic_lines if re.search(r"\)[A-Za-z]+\(|\][0-9]+\[", line)]
    assert reversed_pairs == []
    # Where Poppler reads a line right to left it still moves a bracket beside Latin letters to
    # the other side of the word (")(HAI" at the end of an Arabic question); no markup changes
    # that. The title, CT and MRI lines come back whole.
    assert sum(len(re.findall(r"\([A-Z]+\)", line)) for line in arabic_lines) >= 3
    assert sum(len(re.findall(r"\[[0-9]+\]", line)) for line in arabic_lines) > 20
