"""The public pages in a real browser: WCAG 2.2 AA (axe-core), small screens, right-to-left
Arabic with the self-hosted font, no third-party requests, and a working skip link."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.browser.pages import format_violations

pytestmark = pytest.mark.browser

PROCEDURE_PAGES = [("procedure", "ar"), ("procedure", "en")]
ALL_PAGES = [*PROCEDURE_PAGES, ("list", "en"), ("list", "ar"), ("not-found", "en"), ("not-found", "ar"),
             ("search", "en"), ("search", "ar"), ("search-empty", "en"), ("search-empty", "ar"),
             ("glossary", "en"), ("glossary", "ar")]
HANDOUT_PAGES = [("handout", "en"), ("handout", "ar"), ("bilingual", "ar")]
SMALLEST_PHONE = {"width": 320, "height": 640}


def page_id(param):
    kind, language = param
    return f"{kind}-{language}"


@pytest.fixture(params=ALL_PAGES, ids=page_id)
def any_page(request, open_page):
    kind, language = request.param
    return open_page(kind, language)


@pytest.fixture(params=HANDOUT_PAGES, ids=page_id)
def handout_page(request, open_page):
    kind, language = request.param
    return open_page(kind, language)


def test_live_server_serves_the_stylesheets(open_page):
    portal = open_page("procedure", "ar")
    hrefs = portal.page.eval_on_selector_all(
        "link[rel=stylesheet]", "links => links.map(link => link.href)"
    )
    assert hrefs, "the page links no stylesheet"
    for href in hrefs:
        assert href.startswith(portal.base_url + "/"), f"stylesheet from elsewhere: {href}"
        response = portal.page.request.get(href)
        assert response.ok, f"GET {href} -> {response.status}"
        assert response.headers["content-type"].startswith("text/css"), href
    applied_rules = portal.page.evaluate(
        "() => [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0)"
    )
    assert applied_rules > 0, "the stylesheets were linked but none was applied"


def test_page_has_no_wcag_a_or_aa_violations(any_page, axe):
    violations = any_page.axe_violations(axe)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.x A/AA rule(s) failing on {any_page.path}:\n"
        + format_violations(violations)
    )


def test_axe_check_reports_a_planted_violation(open_page, axe):
    """Guards the check above: a run that silently tests nothing would also find nothing."""
    portal = open_page("list", "en")
    portal.page.evaluate(
        "() => { const b = document.createElement('button'); b.className = 'planted';"
        " document.querySelector('main').append(b); }"
    )
    violations = portal.axe_violations(axe)
    assert "button-name" in {violation["id"] for violation in violations}
    assert "<button" in format_violations(violations)  # the report shows the element


@pytest.mark.parametrize(("kind", "language"), ALL_PAGES, ids=map(page_id, ALL_PAGES))
def test_page_does_not_scroll_sideways_at_320px(open_page, kind, language):
    portal = open_page(kind, language, viewport=SMALLEST_PHONE)
    scroll_width, client_width = portal.horizontal_scroll()
    assert scroll_width <= client_width, (
        f"{portal.path} is {scroll_width}px wide in a {client_width}px viewport; "
        f"sticking out: {portal.overflowing_elements()}"
    )


def test_arabic_page_is_right_to_left_in_the_self_hosted_naskh_font(open_page):
    portal = open_page("procedure", "ar")

    assert portal.html_attributes() == {"lang": "ar", "dir": "rtl"}

    naskh_loaded = {family for family in portal.loaded_font_families() if "Naskh" in family}
    assert naskh_loaded, f"no Naskh font face loaded; the page's faces: {portal.font_faces()}"

    # Loaded from this portal's static files, not from a font service or the system.
    fonts_served = [(url, status) for url, status in portal.font_responses if status == 200]
    assert fonts_served, f"no font file was fetched: {portal.font_responses}"
    for url, _status in fonts_served:
        assert url.startswith(portal.base_url + "/static/fonts/"), url

    # And it is the font the body text asks for (a face only loads when text uses it).
    for selector in ("main p", "h1"):
        family = portal.computed_font_family(selector)
        assert "Naskh" in family, f"{selector} is set in {family}"


def test_english_page_is_left_to_right(open_page):
    portal = open_page("procedure", "en")
    assert portal.html_attributes() == {"lang": "en", "dir": "ltr"}


def test_no_request_leaves_the_portal(any_page):
    any_page.scroll_through()
    own_origin = any_page.base_url + "/"
    assert any_page.requested_urls, "the page recorded no requests at all"
    elsewhere = [
        url for url in any_page.requested_urls
        if not url.startswith(own_origin) and not url.startswith("data:")
    ]
    assert not elsewhere, f"{any_page.path} requested outside the portal: {elsewhere}"


def test_first_tab_reaches_a_visible_skip_link_that_moves_to_main(any_page):
    focused = any_page.press_tab()
    assert focused is not None, "Tab focused nothing"
    assert focused["tag"] == "a" and focused["hash"] == "#main", (
        f"the first Tab stop is not a link to #main: {focused}"
    )

    box = any_page.focused_box()
    viewport = any_page.viewport()
    assert box["width"] > 0 and box["height"] > 0, f"skip link has no size when focused: {box}"
    assert box["x"] >= 0 and box["y"] >= 0, f"skip link starts outside the viewport: {box}"
    assert box["x"] + box["width"] <= viewport["width"], f"off the side: {box} in {viewport}"
    assert box["y"] + box["height"] <= viewport["height"], f"below the fold: {box} in {viewport}"
    assert any_page.focused_is_topmost(), "the focused skip link is covered by another element"

    landed = any_page.press_enter()
    assert any_page.location_hash() == "#main"
    assert landed is not None and landed["id"] == "main", f"focus went to {landed}, not #main"


def test_handout_pages_have_no_wcag_a_or_aa_violations(handout_page, axe):
    violations = handout_page.axe_violations(axe)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.x A/AA rule(s) failing on {handout_page.path}:\n"
        + format_violations(violations)
    )


def test_handout_pages_request_nothing_outside_the_portal(handout_page):
    handout_page.scroll_through()
    elsewhere = [
        url for url in handout_page.requested_urls
        if not url.startswith(handout_page.base_url + "/") and not url.startswith("data:")
    ]
    assert not elsewhere, elsewhere


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_printed_page_drops_navigation_switch_and_buttons_but_keeps_the_text(
    open_page, language
):
    portal = open_page("procedure", language)
    for selector in (".language-switch", ".skip-link", ".toc", ".share", ".page-actions",
                     ".share button", ".citation__back"):
        assert not portal.visible_when_printed(selector), f"{selector} shows on paper"
    for selector in ("h1", "#overview .prose", "#references .citations", ".clinic-contact"):
        assert portal.visible_when_printed(selector), f"{selector} is missing on paper"


def test_a_printed_handout_drops_its_toolbar(open_page):
    handout = open_page("bilingual", "ar")
    assert not handout.visible_when_printed(".handout-toolbar")
    assert handout.visible_when_printed(".handout-header .qr-code")


def test_the_copy_link_button_copies_the_page_address_and_says_so(open_page):
    portal = open_page("procedure", "en", permissions=("clipboard-read", "clipboard-write"))
    button = portal.page.locator("#share button[data-copy-target]")
    assert button.is_visible(), "share.js did not reveal the copy button"
    button.click()
    status = portal.page.locator("#share-status")
    status.wait_for(state="visible")
    assert status.inner_text().strip(), "no confirmation was announced"
    copied = portal.page.evaluate("() => navigator.clipboard.readText()")
    # The address patients share is the configured site's (SITE_URL), not the test server's.
    assert copied == settings.SITE_URL + urlsplit(portal.url).path


def test_without_javascript_the_link_is_still_there_to_select(chromium, portal_url):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(portal_url + "/en/procedures/hai-pump-chemotherapy/")
        field = page.locator("#share-url")
        assert field.input_value().endswith("/en/procedures/hai-pump-chemotherapy/")
        assert not page.locator("#share button[data-copy-target]").is_visible()
    finally:
        context.close()
