"""The demo's content files outside the loader: glossary, questions to ask, and corrections that
must not come back."""

import re
import tomllib
from pathlib import Path

import pytest

from content import languages
from content.rendering.glossary_marks import mark_terms
from content.rendering.markdown import render_markdown

DEMO = Path(__file__).resolve().parent.parent / "content" / "demo"
PROCEDURE = DEMO / "hai-pump-chemotherapy"


def glossary():
    return tomllib.loads((DEMO / "glossary.toml").read_text(encoding="utf-8"))["terms"]


def demo_texts(language):
    files = [*sorted(PROCEDURE.glob(f"sections/*.{language}.md")),
             *sorted(PROCEDURE.glob(f"questions/*.{language}.md"))]
    return [path.read_text(encoding="utf-8") for path in files]


def test_the_glossary_has_fifteen_to_twenty_complete_terms_in_both_languages():
    terms = glossary()
    assert 15 <= len(terms) <= 20
    slugs = [term["slug"] for term in terms]
    assert len(set(slugs)) == len(slugs)
    for term in terms:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", term["slug"])
        for language in languages.CODES:
            entry = term[language]
            assert set(entry) <= {"term", "other_forms", "definition"}, term["slug"]
            assert entry["term"] and entry["definition"].endswith("."), (term["slug"], language)
            assert len(re.findall(r"[.!?]", entry["definition"])) <= 2, (term["slug"], language)


@pytest.mark.parametrize("language", languages.CODES)
def test_every_glossary_term_is_found_in_the_demo_page_in_its_language(language):
    entries = [{"term": t[language]["term"], "forms": t[language].get("other_forms", []),
                "anchor": t["slug"], "definition": t[language]["definition"]} for t in glossary()]
    marked = set()
    for text in demo_texts(language):
        mark_terms(render_markdown(text, language), entries, language, "/glossary/", already_marked=marked)
    assert marked == {entry["anchor"] for entry in entries}


@pytest.mark.parametrize("language", languages.CODES)
def test_questions_to_ask_are_a_list_of_eight_to_twelve_questions(language):
    lines = (PROCEDURE / f"questions_to_ask.{language}.md").read_text(encoding="utf-8").strip().splitlines()
    assert 8 <= len(lines) <= 12
    assert all(line.startswith("- ") and line.rstrip().endswith(("?", "؟")) for line in lines)


@pytest.mark.parametrize("language", languages.CODES)
def test_no_demo_text_points_to_a_phone_number_somewhere_else_on_the_page(language):
    pointers = re.compile(r"bottom of this page|end of this page|أسفل هذه الصفحة|آخر هذه الصفحة", re.I)
    assert not [text for text in demo_texts(language) if pointers.search(text)]


def test_no_demo_text_calls_the_hepatic_artery_the_livers_main_blood_supply():
    wrong = re.compile(r"main (blood vessel|artery)|liver's main|الوعاء الدموي الرئيسي|الشريان الرئيسي", re.I)
    texts = demo_texts("en") + demo_texts("ar")
    assert not [text for text in texts if wrong.search(text)]


@pytest.mark.parametrize("language, fever", [("en", "fever"), ("ar", "حُمّى")])
def test_fever_with_iv_chemotherapy_is_a_call_at_once_day_or_night(language, fever):
    text = (PROCEDURE / f"sections/when_to_call.{language}.md").read_text(encoding="utf-8")
    urgent = text.split("###")[1]
    assert fever in urgent
    assert re.search(r"day or night|ليلًا أو نهارًا", urgent)
