"""The call button on a 390x844 phone, in both languages: on screen from the top of the long
procedure page to its end without covering its last line, gone on paper, and dialling the number
that answers at the reader's time, with that number marked in "When to call" (the browser's clock
is set through Playwright; the server renders the same page whatever the time)."""

import datetime

import pytest

from content import languages
from tests.browser.pages import ProcedurePage

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
BUTTON = ".site-header__phone"
UTC = datetime.UTC
# The demo clinic opens Monday to Friday, 08:00 to 17:00, America/Chicago (UTC-6 in December).
# The reader's browser is in Tokyo (UTC+9), where the clock says the opposite for the first two.
READER_TIME_ZONE = "Asia/Tokyo"
WEDNESDAY_09_IN_CHICAGO = datetime.datetime(2026, 12, 9, 15, 0, tzinfo=UTC)  # Thu 00:00 in Tokyo
WEDNESDAY_17_IN_CHICAGO = datetime.datetime(2026, 12, 9, 23, 0, tzinfo=UTC)  # Thu 08:00 in Tokyo
SATURDAY_10_IN_CHICAGO = datetime.datetime(2026, 12, 12, 16, 0, tzinfo=UTC)


@pytest.fixture
def phone_page(chromium, portal_url):
    contexts = []

    def open_(language, at=WEDNESDAY_09_IN_CHICAGO, timezone_id=READER_TIME_ZONE):
        # The reader is elsewhere than the clinic: the clinic's own time zone must decide.
        context = chromium.new_context(viewport=PHONE, locale=language, timezone_id=timezone_id)
        contexts.append(context)
        page = context.new_page()
        page.clock.set_fixed_time(at)
        return ProcedurePage(page, portal_url, language).open()

    yield open_
    for context in contexts:
        context.close()


def in_viewport(page, selector):
    return page.locator(selector).evaluate(
        """el => {
          const box = el.getBoundingClientRect();
          return getComputedStyle(el).display !== "none" && box.height >= 44 &&
                 box.top >= 0 && box.bottom <= window.innerHeight && box.width >= 300;
        }"""
    )


@pytest.mark.parametrize("language", languages.CODES)
def test_the_call_button_stays_on_screen_while_scrolling_and_never_covers_the_last_line(
    phone_page, language
):
    procedure = phone_page(language)
    page = procedure.page
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 10 * PHONE["height"]  # the long page the button is for
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        page.evaluate(f"window.scrollTo(0, {int(height * fraction)})")
        assert in_viewport(page, BUTTON), f"scrolled to {fraction:.0%}"
    # At the very end the page's last line sits above the button, not under it.
    last_line_bottom = page.evaluate(
        "document.querySelector('.site-footer').lastElementChild.getBoundingClientRect().bottom")
    button_top = page.locator(BUTTON).evaluate("el => el.getBoundingClientRect().top")
    assert last_line_bottom <= button_top
    assert page.locator(BUTTON).get_attribute("href") == "tel:+15550100"


@pytest.mark.parametrize("language", languages.CODES)
def test_the_call_button_is_hidden_on_paper_where_the_footer_has_both_numbers(phone_page, language):
    procedure = phone_page(language)
    assert not procedure.visible_when_printed(BUTTON)
    assert procedure.visible_when_printed("#clinic-contact .call-option--closed")
    assert procedure.visible_when_printed("#when-to-call .call-option--open")
    assert not procedure.visible_when_printed(".call-option__now")


@pytest.mark.parametrize("language", languages.CODES)
def test_the_call_button_is_the_third_keyboard_stop(phone_page, language):
    procedure = phone_page(language)
    for _ in range(3):
        procedure.press_tab()
    assert procedure.page.evaluate("document.activeElement.getAttribute('href')") == "tel:+15550100"


@pytest.mark.parametrize("language", languages.CODES)
@pytest.mark.parametrize("at, answering, number", [
    (WEDNESDAY_09_IN_CHICAGO, "open", "+1 555 0100"),
    (WEDNESDAY_17_IN_CHICAGO, "closed", "+1 555 0199"),
    (SATURDAY_10_IN_CHICAGO, "closed", "+1 555 0199"),
])
def test_the_number_that_answers_at_the_readers_time_is_marked_and_dialled(
    phone_page, language, at, answering, number
):
    page = phone_page(language, at=at).page
    marked = page.locator("#when-to-call .call-option--now")
    assert marked.count() == 1
    assert f"call-option--{answering}" in marked.get_attribute("class")
    assert marked.locator(".call-option__now").is_visible()
    other = page.locator("#when-to-call .call-option:not(.call-option--now)")
    assert other.is_visible() and not other.locator(".call-option__now").is_visible()
    assert page.locator(BUTTON).get_attribute("href") == "tel:" + number.replace(" ", "")
    assert number in page.locator(BUTTON).inner_text()


def test_without_the_script_both_numbers_show_and_neither_is_marked(chromium, portal_url):
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = ProcedurePage(context.new_page(), portal_url, languages.SOURCE).open().page
        options = page.locator("#when-to-call .call-option")
        assert options.count() == 2 and all(options.nth(i).is_visible() for i in range(2))
        assert page.locator(".call-option--now").count() == 0
        assert not page.locator("#when-to-call .call-option__now").first.is_visible()
    finally:
        context.close()
