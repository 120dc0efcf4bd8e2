"""The pump diagram on a 390 px phone: the picture in the page's language, drawn, within the
screen, its caption running in the page's direction."""

import pytest

from content import languages
from content.models import Picture

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
_FIGURE_JS = """() => {
  const figure = document.querySelector("figure.picture");
  const image = figure.querySelector("img"), caption = figure.querySelector("figcaption");
  return {src: image.getAttribute("src"), loaded: image.complete && image.naturalWidth > 0,
          right: image.getBoundingClientRect().right, left: image.getBoundingClientRect().left,
          direction: getComputedStyle(caption).direction, alt: image.alt,
          pageWidth: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("language", languages.CODES)
def test_the_diagram_shows_in_the_pages_language_within_a_phone_screen(open_page, language):
    page = open_page("procedure", language, viewport=PHONE)
    figure = page.page.locator("figure.picture").first
    figure.scroll_into_view_if_needed()
    figure.locator("img").evaluate(
        "image => image.complete || new Promise(done => image.addEventListener('load', done))")
    found = page.page.evaluate(_FIGURE_JS)
    expected = Picture.objects.get(slug="pump-diagram").file_for(language).pin()["src"]
    assert found["src"] == expected and found["loaded"]
    assert found["left"] >= 0 and found["right"] <= PHONE["width"] and found["pageWidth"] <= PHONE["width"]
    assert found["direction"] == ("rtl" if languages.is_right_to_left(language) else "ltr")
    assert len(found["alt"]) > 40
