"""Writing help in the browser: typing in an English and an Arabic text updates its reading
figure and its glossary terms, in the English and in the Arabic admin."""

import pytest
from playwright.sync_api import expect

from content import languages
from content.rendering import readability
from tests.browser.pages import WCAG_AA_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
ENGLISH, ARABIC = languages.SOURCE, languages.TRANSLATION
NEW_ENGLISH = ("The catheter carries the medicine. Your nurse will check the pump and the small "
               "tube under your skin every two weeks at the clinic, and will fill it again with "
               "fresh medicine for the next two weeks.")
NEW_ARABIC = ("تنقل القسطرة الدواء إلى الكبد. وستفحص الممرضة المضخة والأنبوب الصغير تحت جلدك كل "
              "أسبوعين في العيادة، ثم تملؤها من جديد بدواء جديد يكفي الأسبوعين التاليين، وتتأكد "
              "من أن الجرح نظيف وأن المضخة تعمل كما ينبغي دون أي ألم.")


@pytest.fixture
def staff_page(chromium, live_server, demo_procedure, django_user_model):
    """A signed-in staff page whose admin is in the language asked for (the django_language
    cookie, as the admin's language switch sets it)."""
    django_user_model.objects.create_superuser("writer", password=PASSWORD)
    contexts = []

    def open_(admin_language):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "django_language", "value": admin_language,
                              "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "writer")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/content/procedure/{demo_procedure.pk}/change/",
                  wait_until="networkidle")
        assert page.locator("html").get_attribute("lang") == admin_language
        return page

    yield open_
    for context in contexts:
        context.close()


def type_into(page, field_id, text):
    """Put the text in the field as a person would end it: the last words typed key by key."""
    field = page.locator(f"#{field_id}")
    field.evaluate("el => el.closest('.ui-tabs') && [...el.closest('.ui-tabs')"
                   ".querySelectorAll('.ui-tabs-nav a')].find(a => a.getAttribute('href')"
                   ".endsWith(el.id.split('_').pop())).click()")
    expect(field).to_be_visible()
    field.fill(text[:-12])
    field.press_sequentially(text[-12:])


@pytest.mark.parametrize("admin_language", [ENGLISH, ARABIC])
def test_typing_updates_the_figure_long_sentences_and_glossary_terms_beside_the_text(
        staff_page, axe, admin_language):
    page = staff_page(admin_language)
    for field_id, text, code, approved in [
        ("id_sections-0-body_en", NEW_ENGLISH, ENGLISH, "القسطرة"),
        ("id_sections-0-body_ar", NEW_ARABIC, ARABIC, "القسطرة"),
    ]:
        panel = page.locator(f"#{field_id}-writing-help")
        before = panel.locator(".writing-help__score").inner_text()
        expected = readability.measure(text, code)
        assert expected.shown != before  # the page opened with the demo's figure
        type_into(page, field_id, text)
        expect(panel.locator(".writing-help__score")).to_have_text(expected.shown, timeout=10_000)
        # The glossary list now names only what the new text uses, with its approved Arabic.
        expect(panel.locator(".writing-help__term")).to_have_count(1)
        expect(panel.locator(".writing-help__approved")).to_have_text(approved)
        assert len(expected.long_sentences) == 1
        expect(panel.locator(".writing-help__sentence")).to_have_text(expected.long_sentences[0].text)
        assert panel.locator(".writing-help__sentence").get_attribute("lang") == code
    # The panels themselves pass WCAG 2.x A/AA (the rest of Django's admin is not ours to judge here).
    options = {"runOnly": {"type": "tag", "values": list(WCAG_AA_TAGS)}, "resultTypes": ["violations"]}
    violations = axe.run(page, context=".writing-help", options=options).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
