"""Search on a 390x844 phone, in both languages: axe finds nothing (WCAG A/AA and axe's best
practices, which hold the landmark rules), the header's search label is on view, and a result
opens the page at the section that matched."""

from urllib.parse import urlencode

import pytest

from tests.browser.pages import WCAG_AA_TAGS, PortalPage, format_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ALL_AXE_TAGS = (*WCAG_AA_TAGS, "best-practice")


class Search(PortalPage):
    query = ""

    @property
    def path(self):
        return f"/{self.language}/search/" + (f"?{urlencode({'q': self.query})}" if self.query else "")


@pytest.fixture
def search(chromium, portal_url):
    """search(language, query) -> the search page, opened on a phone."""
    contexts = []

    def open_(language, query=""):
        context = chromium.new_context(viewport=PHONE, locale=language)
        contexts.append(context)
        page = Search(context.new_page(), portal_url, language)
        page.query = query
        return page.open()

    yield open_
    for context in contexts:
        context.close()


# A forgiving result, a search that finds nothing, and the page before any search.
SEARCHES = [("en", "jaundise"), ("ar", "المضخات"), ("ar", "hepatick"), ("en", "xqzvbn"), ("ar", "بلبلبل"),
            ("en", ""), ("ar", "")]


@pytest.mark.parametrize("language, query", SEARCHES)
def test_the_search_page_has_no_axe_violations_best_practices_included(search, axe, language, query):
    page = search(language, query)
    violations = page.axe_violations(axe, tags=ALL_AXE_TAGS)
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("language, label", [("en", "Search the guides"), ("ar", "ابحث في الأدلة")])
def test_the_header_search_label_is_on_view_beside_its_field_without_sideways_scrolling(
        search, language, label):
    page = search(language)
    shown = page.page.locator("#site-search-label")
    assert shown.is_visible() and shown.inner_text().strip() == label
    label_box, field_box = shown.bounding_box(), page.page.locator("#site-search").bounding_box()
    assert label_box["width"] > 20 and label_box["height"] >= 12
    assert label_box["y"] + label_box["height"] <= field_box["y"] + 1  # above the field, not over it
    assert field_box["x"] >= 0 and field_box["x"] + field_box["width"] <= PHONE["width"]
    scroll_width, client_width = page.horizontal_scroll()
    assert scroll_width <= client_width, page.overflowing_elements()


@pytest.mark.parametrize("language, query, section", [("en", "jaundise", "when-to-call"),
                                                      ("ar", "المضخات", "overview")])
def test_a_result_opens_the_page_at_the_section_that_matched(search, language, query, section):
    page = search(language, query)
    page.page.locator(".search-result__title a").first.click()
    page.page.wait_for_load_state("networkidle")
    assert page.page.evaluate("location.hash") == f"#{section}"
    assert page.page.evaluate("document.documentElement.lang") == language
    heading = page.page.locator(f"#{section}-heading")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert 0 <= box["y"] < PHONE["height"], box  # on screen where the page opened
