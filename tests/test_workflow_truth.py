"""The workflow and its history tell the truth, and no saved text can make the admin unusable.

- Publishing is of what was reviewed: only a page in review is published; unpublishing asks for
  a reason; republishing a withdrawn revision makes a new version, and History lists every one.
- Each role is shown only what it can use, and each save says one thing.
- The change page's and the compare view's word diffs are bounded, whatever was saved.
"""

import difflib
import re

import pytest

from content.editing import freshness, roles
from tests.builders import make_staff
from tests.test_admin import change_url
from tests.test_review_rules import section_translation_status
from tests.test_workflow import as_user, edit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdfs_drawn(monkeypatch):
    monkeypatch.setattr("content.handouts.pdf.draw_missing_pdfs", lambda *args: [])


@pytest.fixture
def editor(db):
    return make_staff("editor", group=roles.EDITOR, first_name="Erin", last_name="Editor")


@pytest.fixture
def translator(db):
    return make_staff("translator", group=roles.TRANSLATOR, first_name="Tariq", last_name="Translator")


@pytest.fixture
def reviewer(db):
    return make_staff("reviewer", group=roles.CLINICAL_REVIEWER, first_name="Rana",
                      last_name="Reviewer", role_en="Consultant liver surgeon",
                      role_ar="استشارية جراحة الكبد")


# Bounded diffs

# What one matcher may compare, a side: words, spaces and marks of a changed stretch, or
# paragraphs. difflib's matcher takes time growing faster than the square of this.
MATCHED_A_SIDE = 200


@pytest.fixture
def matcher_sizes(monkeypatch):
    """The sizes of everything given to difflib's matcher; a comparison over the bound fails
    at once, before the work it would take."""
    sizes = []

    class Recording(difflib.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            sizes.append((len(a), len(b)))
            assert max(len(a), len(b)) <= MATCHED_A_SIDE, f"compared {len(a)} with {len(b)} items"
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(freshness.difflib, "SequenceMatcher", Recording)
    return sizes


def test_a_huge_accepted_english_text_opens_the_change_page_with_bounded_diff_work(
    client, demo_procedure, editor, translator, matcher_sizes
):
    huge = "x " * 9999
    as_user(client, editor)
    assert edit(client, demo_procedure, **{"section:overview:body_en": huge}).status_code == 302
    as_user(client, translator)
    response = client.get(change_url(demo_procedure))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<ins>x x x") == 1  # the new text, shown whole as added
    assert len(matcher_sizes) <= 20
    compare = client.get(f"/admin/content/procedure/{demo_procedure.pk}/compare/",
                         {"from": 1, "to": 2})
    assert compare.status_code == 200 and compare.content.decode().count("<ins>x x x") == 1
    assert len(matcher_sizes) <= 40


def test_a_text_with_many_changed_paragraphs_shows_ten_and_says_how_many_more(
    client, demo_procedure, editor, translator, matcher_sizes
):
    before = "\n\n".join(f"Paragraph {n} says one thing." for n in range(25))
    after = "\n\n".join(f"Paragraph {n} says another thing." for n in range(25))
    changes = freshness.changed_paragraphs(before, after)
    assert len(changes.shown) == 10 and changes.hidden == 15
    assert changes.shown[0] == "Paragraph 0 says <del>one</del><ins>another</ins> thing."
    as_user(client, editor)
    assert edit(client, demo_procedure, **{"section:risks:body_en": after}).status_code == 302
    as_user(client, translator)
    html = client.get(change_url(demo_procedure)).content.decode()
    risks = section_translation_status(html, "risks")
    assert risks.count('class="word-diff"') == 10
    assert re.search(r"\d+ more changes not shown", risks)
    assert len(matcher_sizes) <= 30


def test_a_small_edit_in_a_long_paragraph_still_shows_the_exact_word_diff(matcher_sizes):
    long = " ".join(f"word{n}" for n in range(2000)) + " the dose is 5 mg daily. " + "end " * 500
    edited = long.replace("5 mg daily", "10 mg twice daily")
    shown = freshness.changed_paragraphs(long, edited).shown
    assert len(shown) == 1 and shown[0].count("<del>") == 1 and shown[0].count("<ins>") == 2
    assert "the dose is <del>5</del><ins>10</ins> mg<ins> twice</ins> daily. end" in shown[0]
    assert freshness.word_diff("a strong drug", "a powerful drug") == (
        "a <del>strong</del><ins>powerful</ins> drug")
