"""Mixed-direction text in a real browser: on an Arabic page holding the whole bidi table, each
left-to-right token is laid out left to right, on one line, between the Arabic words around it
(Chromium's text rectangles, one per character, found by text rather than by markup)."""

import itertools

import pytest

from content.models import Section
from tests.bidi_cases import CASES, arabic_markdown
from tests.browser.pages import ProcedurePage
from tests.builders import add_section, make_procedure, publish

pytestmark = pytest.mark.browser

SLUG = "bidi-table"

# Where the token's characters are drawn, found by text, whatever the markup around it: each
# character's horizontal centre and line, and the box of the nearest Arabic letter before and after
# the token in its paragraph.
_TOKEN_LAYOUT_JS = """token => {
  const arabic = /[\\u0600-\\u06ff]/;
  const paragraph = [...document.querySelectorAll(".prose p")].find(p => p.textContent.includes(token));
  if (!paragraph) return null;
  const characters = [];  // [text node, index] for every character of the paragraph, in order
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    for (let i = 0; i < walker.currentNode.length; i++) characters.push([walker.currentNode, i]);
  }
  const text = characters.map(([node, i]) => node.data[i]).join("");
  const start = text.indexOf(token), end = start + token.length;
  const box = index => {
    const [node, i] = characters[index];
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect();
  };
  const nearestLetter = indices => {
    const index = indices.find(i => arabic.test(text[i]));
    return index === undefined ? null : box(index);
  };
  const tokenBoxes = [];
  for (let i = start; i < end; i++) {
    const rect = box(i);
    tokenBoxes.push({character: text[i], centre: rect.left + rect.width / 2, top: rect.top,
                     left: rect.left, right: rect.right});
  }
  const before = nearestLetter([...Array(start).keys()].reverse());
  const after = nearestLetter([...Array(text.length - end).keys()].map(i => end + i));
  return {
    characters: tokenBoxes,
    token: {left: Math.min(...tokenBoxes.map(b => b.left)), right: Math.max(...tokenBoxes.map(b => b.right))},
    before: before && {left: before.left, right: before.right},
    after: after && {left: after.left, right: after.right},
  };
}"""


@pytest.fixture
def bidi_page(chromium, portal_url):
    procedure = make_procedure(slug=SLUG)
    add_section(procedure, Section.Kind.OVERVIEW, body_en="English.", body_ar=arabic_markdown())
    publish(procedure)
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ar")
    yield ProcedurePage(context.new_page(), portal_url, "ar", slug=SLUG).open()
    context.close()


def reads_left_to_right(layout):
    """Whether every visible character sits to the right of the one written before it."""
    centres = [c["centre"] for c in layout["characters"] if not c["character"].isspace()]
    return all(left < right for left, right in itertools.pairwise(centres))


def test_every_token_of_the_bidi_table_reads_left_to_right_in_its_place(bidi_page):
    assert bidi_page.html_attributes() == {"lang": "ar", "dir": "rtl"}
    wrong = {}
    for case in CASES:
        layout = bidi_page.page.evaluate(_TOKEN_LAYOUT_JS, case.token)
        if layout is None:
            wrong[case.name] = "not on the page"
            continue
        tops = {round(c["top"]) for c in layout["characters"]}
        if len(tops) != 1:
            wrong[case.name] = "broken over lines"
        elif not reads_left_to_right(layout):
            wrong[case.name] = "characters out of order: " + "".join(
                c["character"] for c in sorted(layout["characters"], key=lambda c: c["centre"])
            )
        # The sentence reads right to left: the word before the token is to its right.
        elif layout["before"] and layout["before"]["left"] < layout["token"]["right"]:
            wrong[case.name] = "the word before it is not to its right"
        elif layout["after"] and layout["after"]["right"] > layout["token"]["left"]:
            wrong[case.name] = "the word after it is not to its left"
    assert not wrong, wrong


def test_the_order_check_sees_a_reversed_token():
    layout = {"characters": [{"character": c, "centre": x} for c, x in [("m", 30), ("L", 40), ("5", 10)]]}
    assert not reads_left_to_right(layout)
    layout["characters"] = [{"character": c, "centre": x} for c, x in [("5", 10), (" ", 0), ("m", 30)]]
    assert reads_left_to_right(layout)
