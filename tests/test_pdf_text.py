
"""The PDF's text as a reader gets it: each token of the bidi table reads left to right, in place,
in the Arabic handout (pdftotext's word positions), and the Arabic handout's text layer gives back
its words for copying, searching and reading aloud."""

import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation

from content.handouts.layout import handout_for
from content.handouts.pdf import draw_pdf
from content.models import Section
from tests.bidi_cases import CASES, arabic_markdown
from tests.builders import DEMO_SLUG, add_section, make_procedure, publish

HARAKAT = "[\u064b-\u065f\u0670]"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)"),
]


def pdf_lines(pdf, tmp_path):
    """Each line of the PDF as a list of (x where the word starts, word), in page order."""
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    namespace = {"x": "http://www.w3.org/1999/xhtml"}
    return [
        [(float(word.get("xMin")), word.text or "") for word in line.iterfind("x:word", namespace)]
        for line in ET.fromstring(xhtml).iterfind(".//x:line", namespace)
    ]


def in_reading_order(line, token, before):
    """Whether the token's words sit left to right, whole, with the Arabic word before it to their
    right: True, False, or None when this line does not hold the token at all."""
    pieces = token.split()
    if not all(any(piece in text for _x, text in line) for piece in pieces):
        return None
    position = float("-inf")
    for piece in pieces:  # each piece must be found further right than the one before it
        following = [x for x, text in line if piece in text and x > position]
        if not following:
            return False
        position = min(following)
    start = min(x for x, text in line if pieces[0] in text)
    # pdftotext -bbox gives an Arabic word's letters in the order they stand on the page, and
    # splits a word at its vowel marks.
    letters = re.sub(HARAKAT, "", before)
    seen = letters[::-1]
    return any(seen[:2] in text or letters in text for x, text in line if x > start)


@pytest.fixture(scope="module")
def arabic_pdf_lines(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        procedure = make_procedure(slug="bidi-table")
        add_section(procedure, Section.Kind.OVERVIEW, body_en="English.", body_ar=arabic_markdown())
        publication = publish(procedure)
        with translation.override("ar"):
            pdf = draw_pdf(handout_for(publication, "ar", "a4", "http://testserver", None))
        procedure.publications.all().delete()
        procedure.revisions.all().delete()
        procedure.delete()
    return pdf_lines(pdf, tmp_path_factory.mktemp("pdf"))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_token_reads_left_to_right_in_its_place_in_the_arabic_pdf(arabic_pdf_lines, case):
    verdicts = [in_reading_order(line, case.token, case.before) for line in arabic_pdf_lines]
    assert True in verdicts, [line for line, v in zip(arabic_pdf_lines, verdicts, strict=True) if v is False]


def test_the_pdf_check_catches_a_reversed_dose():
    line = [(100.0, "مرتين"), (150.0, "mL"), (180.0, "5"), (220.0, "اشرب")]  # "mL 5", as on main
    assert in_reading_order(line, "5 mL", "اشرب") is False
    assert in_reading_order([(100.0, "مرتين"), (150.0, "5"), (180.0, "mL"), (220.0, "اشرب")],
                            "5 mL", "اشرب") is True


ARABIC_WORD = re.compile("[\u0621-\u064a\u0660-\u0669\u0671-\u06d3\u06fa-\u06ff]+")
# A word with its vowel marks, as a reader copies it: shadda and tanween are part of the word.
WHOLE_ARABIC_WORD = re.compile("[\u0621-\u065f\u0660-\u0669\u0670-\u06d3\u06fa-\u06ff\u0640]+")
DEMO = Path(__file__).resolve().parent.parent / "content" / "demo"


def arabic_words(text):
    """Arabic words after NFKC (presentation forms become letters), without vowel marks."""
    return Counter(ARABIC_WORD.findall(re.sub(HARAKAT + "|\u0640", "", unicodedata.normalize("NFKC", text))))


def whole_arabic_words(text):
    """Arabic words after NFKC with their vowel marks in place: a word split at a shadda or a
    tanween, or with a mark moved to another letter, is not the source's word."""
    return Counter(WHOLE_ARABIC_WORD.findall(unicodedata.normalize("NFKC", text)))


def recall(source, extracted, words=arabic_words):
    wanted, found = words(source), words(extracted)
    return sum(min(count, found[word]) for word, count in wanted.items()) / sum(wanted.values())


def pdftotext(pdf, tmp_path):
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("variant", ["ar", "bilingual"])
def test_the_arabic_handouts_words_come_back_whole_with_their_vowel_marks(demo_procedure, tmp_path, variant):
    with translation.override("ar"):
        handout = handout_for(demo_procedure.live_version, variant, "a4", "http://testserver", None)
        text = pdftotext(draw_pdf(handout), tmp_path)
    source = "\n".join(part.read_text(encoding="utf-8") for part in sorted(DEMO.rglob("*.ar.md")))
    assert demo_procedure.slug == DEMO_SLUG
    # Poppler gave back 93.7% before the marks were drawn in place (content.handouts.print_fonts).
    assert recall(source, text, whole_arabic_words) >= 0.98
    assert recall(source, text) >= 0.99


def test_word_recall_counts_a_word_split_or_garbled_in_the_pdf_as_lost():
    assert recall("العلاج الكبد", "العالج الكبد") == 0.5  # lam-alef reversed, as before
    assert recall("جدًا الكبد", "جد ا الكبد") == 0.5
    assert recall("ﻻ الكبد", "لا الكبد") == 1.0  # presentation forms compare equal after NFKC
    assert recall("يُسمّى الكبد", "ُي سمّى الكبد", whole_arabic_words) == 0.5  # a mark split off
    assert recall("جدًا الكبد", "جدً ا الكبد", whole_arabic_words) == 0.5
    assert recall("يُسمّى", "يُسمّى", whole_arabic_words) == 1.0
