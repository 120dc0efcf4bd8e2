"""A glossary term on a phone: tapping it shows its definition on the page, over the text and in
the page's language, without leaving the page; Escape closes it and focus goes back to the term.
On paper the definitions are never printed in the sentence, only once at the end of the page."""

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

def first_term_in(page, section):
    """The first glossary term of a section, scrolled into view."""
    button = page.locator(f"#{section} .glossary-term__button").first
    button.scroll_into_view_if_needed()
    return button


def open_popovers(page):
    return page.evaluate("() => [...document.querySelectorAll('.glossary-popover')]"
                         ".filter(el => el.matches(':popover-open')).map(el => el.id)")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_tapping_a_term_shows_its_definition_in_place_and_escape_closes_it(chromium, portal_url, language):
    context = chromium.new_context(viewport=PHONE, locale=language, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{portal_url}/{language}/procedures/hai-pump-chemotherapy/")
        button = first_term_in(page, "overview")
        popover_id = button.get_attribute("popovertarget")
        url, scrolled = page.url, page.evaluate("() => scrollY")
        button.tap()
        popover = page.locator(f"#{popover_id}")
        popover.wait_for(state="visible")
        assert open_popovers(page) == [popover_id]
        # The definition is on the page, in the page's language, within the phone's width.
        text = popover.inner_text()
        assert re.search("[\u0600-\u06ff]" if language == "ar" else "[A-Za-z]{4}", text)
        box = popover.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
        direction = popover.evaluate("el => getComputedStyle(el).direction")
        assert direction == ("rtl" if language == "ar" else "ltr")
        # A link to the full glossary entry is offered, and the tap did not leave or scroll the page.
        link = popover.locator("a.glossary-popover__more")
        assert re.search(rf"/{language}/glossary/#[\w-]+$", link.get_attribute("href"))
        assert page.url == url
        assert abs(page.evaluate("() => scrollY") - scrolled) < 2
        # Escape closes it; focus is back on the term.
        page.keyboard.press("Escape")
        assert open_popovers(page) == []
        assert page.evaluate("() => document.activeElement.getAttribute('popovertarget')") == popover_id
        assert page.url == url
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_by_keyboard_a_term_opens_with_enter_and_its_close_button_returns_focus(open_page, language):
    portal = open_page("procedure", language, viewport=PHONE)
    page = portal.page
    button = first_term_in(page, "overview")
    popover_id = button.get_attribute("popovertarget")
    button.focus()
    page.keyboard.press("Enter")
    assert open_popovers(page) == [popover_id]
    assert button.get_attribute("aria-describedby") == f"{popover_id}-text"
    page.locator(f"#{popover_id} .glossary-popover__close").click()
    assert open_popovers(page) == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_page_with_a_term_open_has_no_wcag_violations(open_page, axe, language):
    portal = open_page("procedure", language, viewport=PHONE)
    first_term_in(portal.page, "overview").click()
    assert open_popovers(portal.page)
    violations = portal.axe_violations(axe)
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_printed_page_marks_terms_and_explains_them_only_at_its_end(open_page, language):
    portal = open_page("procedure", language)
    page = portal.page
    first_term_in(page, "overview").click()  # even a popover left open is not printed
    page.emulate_media(media="print")
    printed = page.evaluate("() => document.querySelector('main').innerText")
    notes = page.locator(".glossary-notes--print")
    assert notes.is_visible()
    body, end = printed.split(notes.locator("h2").inner_text())
    for definition in notes.locator("dd").all_inner_texts():
        assert definition not in body
        assert definition in end
    assert page.evaluate("() => getComputedStyle(document.querySelector('dfn.glossary-term'), '::after')"
                         ".content") == '"*"'
    assert not portal.visible_when_printed(".glossary-popover")
