"""The admin's language switch, the inputs' directions and the opening tab, clicked in Chromium.

An editor and a translator sign in with a browser that asks for one language, switch the admin to
the other with the header's control, and find every English input written left to right and every
Arabic one right to left in either admin language, with the change form opening on the tab of the
language they write.
"""

import os
from pathlib import Path

import pytest

from content import languages
from content.editing import roles
from tests.builders import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
EN, AR = languages.SOURCE, languages.TRANSLATION
# Screenshots for a person to look at (not compared by the tests): PORTAL_SHOTS=folder.
SHOTS = os.environ.get("PORTAL_SHOTS", "")

INPUT_FACTS = """name => {
  const el = document.querySelector(`[name="${name}"]`);
  const style = getComputedStyle(el);
  return {dir: el.getAttribute("dir"), lang: el.getAttribute("lang"), direction: style.direction,
          visible: el.offsetParent !== null};
}"""


def sign_in(chromium, base_url, username, browser_language, viewport=None):
    context = chromium.new_context(locale=browser_language,
                                   viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return context, page


def page_language(page):
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir]")


def switch_to(page, code):
    """Press the header's button for `code`, named in that language, and wait for the page."""
    with page.expect_navigation():
        page.locator(".admin-language button", has_text=languages.local_name(code)).click()


def check_inputs(page, opened_on):
    """Every translated input in its own language's direction; slugs, DOIs and URLs left to right;
    the tab of `opened_on` the one showing."""
    for field in ("title", "summary", "sections-0-body", "questions-0-answer"):
        for code in languages.CODES:
            facts = page.evaluate(INPUT_FACTS, languages.field_name(field, code))
            assert (facts["dir"], facts["lang"]) == (languages.direction(code), code), (field, facts)
            assert facts["direction"] == languages.direction(code), (field, facts)
            assert facts["visible"] == (code == opened_on), (field, code, facts)
    # The menu that switches every tab at once says which language they opened on; it and the
    # tabs name each language in that language, not by its code.
    shown = page.evaluate("""() => {
      const menu = document.getElementById("modeltranslation-main-switch");
      const option = menu.options[menu.selectedIndex];
      return [option.dataset.language, option.textContent];
    }""")
    assert shown == [opened_on, languages.local_name(opened_on)]
    tabs = page.evaluate("""() => [...document.querySelectorAll(".ui-tabs-nav a")].slice(0, 2)
      .map(tab => [tab.lang, tab.textContent])""")
    assert tabs == [[code, languages.local_name(code)] for code in languages.CODES]
    for name in ("slug", "citations-0-doi", "citations-0-url"):
        facts = page.evaluate(INPUT_FACTS, name)
        assert (facts["dir"], facts["direction"]) == ("ltr", "ltr"), (name, facts)


@pytest.mark.parametrize(("role", "writes"), [(roles.EDITOR, EN), (roles.TRANSLATOR, AR)])
@pytest.mark.parametrize("browser_language", [EN, AR])
def test_a_person_switches_the_admin_language_in_the_header_and_it_stays_with_the_account(
        chromium, portal_url, demo_procedure, role, writes, browser_language):
    username = role.lower()
    make_staff(username, group=role, first_name="Sam", last_name="Staff")
    other = AR if browser_language == EN else EN
    context, page = sign_in(chromium, portal_url, username, browser_language)
    try:
        assert page_language(page) == [browser_language, languages.direction(browser_language)]
        change = f"{portal_url}/admin/content/procedure/{demo_procedure.pk}/change/"
        page.goto(change)
        check_inputs(page, opened_on=writes)

        switch_to(page, other)
        assert page.url == change  # back on the same page
        assert page_language(page) == [other, languages.direction(other)]
        current = page.locator('.admin-language [aria-current="true"]')
        assert current.inner_text() == languages.local_name(other)
        check_inputs(page, opened_on=writes)
        if SHOTS and other == AR and browser_language == EN:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{username}-arabic-admin-1280.png", full_page=False)
    finally:
        context.close()

    # A new sign-in, with the same browser language: the account's choice, not the browser's.
    context, page = sign_in(chromium, portal_url, username, browser_language)
    try:
        assert page_language(page) == [other, languages.direction(other)]
        switch_to(page, browser_language)
        assert page_language(page) == [browser_language, languages.direction(browser_language)]
    finally:
        context.close()


def test_the_arabic_admin_change_form_fits_a_phone(chromium, portal_url, demo_procedure):
    make_staff("translator", group=roles.TRANSLATOR)
    context, page = sign_in(chromium, portal_url, "translator", EN, viewport={"width": 390, "height": 844})
    try:
        switch_to(page, AR)
        page.goto(f"{portal_url}/admin/content/procedure/{demo_procedure.pk}/change/")
        assert page_language(page) == [AR, "rtl"]
        check_inputs(page, opened_on=AR)
        # The header switch is on the screen, not pushed off it.
        box = page.locator(".admin-language").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/translator-arabic-admin-390.png", full_page=False)
            page.screenshot(path=f"{SHOTS}/translator-arabic-admin-390-full.png", full_page=True)
    finally:
        context.close()
