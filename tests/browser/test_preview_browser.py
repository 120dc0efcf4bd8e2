"""Preview before saving, in a real browser, in the English and the Arabic admin: type a change,
press Preview, read it in the new tab as patients would (and its handout), go back to the form,
and find the text still typed there and nothing saved."""

import pytest

from content.editing import roles
from content.editing.revisions import snapshot
from content.models import Procedure
from tests.browser.pages import WCAG_AA_TAGS, format_violations
from tests.builders import make_staff

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-1"  # tests.builders.make_staff's
PHONE = {"width": 390, "height": 844}
TYPED = {
    "en": "Bring a list of your medicines to the pump check, typed for the preview.",
    "ar": "أحضر قائمة أدويتك إلى فحص المضخة، نص كُتب للمعاينة فقط.",
}
# Who types what: an editor the English, a translator the Arabic; each in either admin language.
CASES = [("en", roles.EDITOR, "en"), ("ar", roles.TRANSLATOR, "ar"), ("ar", roles.EDITOR, "en")]


def sign_in(chromium, portal_url, username, admin_language):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale=admin_language)
    # The admin's language as the browser asks for it on main today: the language cookie.
    context.add_cookies([{"name": "django_language", "value": admin_language, "url": portal_url}])
    page = context.new_page()
    page.goto(f"{portal_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"{portal_url}/admin/")
    return context, page


def overview_body(page, language):
    """The overview section's text box in `language`, its language tab opened."""
    box = page.locator(f"textarea[name^='sections-'][name$='-body_{language}']").first
    panel = box.locator("xpath=ancestor::div[contains(@class, 'ui-tabs-panel')][1]")
    page.click(f"a[href='#{panel.get_attribute('id')}']")
    return box


@pytest.mark.parametrize(("admin_language", "group", "language"), CASES,
                         ids=[f"{a}-admin-{g.lower()}" for a, g, _ in CASES])
def test_a_change_typed_in_the_form_is_previewed_in_a_new_tab_and_nothing_is_saved(
        chromium, portal_url, demo_procedure, axe, admin_language, group, language):
    make_staff("writer", group=group)
    before, revisions = snapshot(demo_procedure), demo_procedure.revisions.count()
    context, form = sign_in(chromium, portal_url, "writer", admin_language)
    try:
        change = f"{portal_url}/admin/content/procedure/{demo_procedure.pk}/change/"
        form.goto(change)
        assert form.locator("html").get_attribute("lang") == admin_language
        box = overview_body(form, language)
        typed = TYPED[language] + "\n\n" + box.input_value()
        box.fill(typed)

        with context.expect_page() as opened:
            form.locator("button[name=_preview]").click()
        preview = opened.value
        preview.wait_for_load_state()
        assert "/preview/" in preview.url
        # It opens in a translator's language, else in the admin's; the banner switches it.
        opened_in = "ar" if group == roles.TRANSLATOR else admin_language
        assert preview.locator("html").get_attribute("lang") == opened_in
        if opened_in != language:
            preview.locator(f".notice--unsaved .preview-links a[hreflang={language}]").click()
            preview.wait_for_load_state()
        assert preview.locator("html").get_attribute("lang") == language
        assert preview.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert preview.locator("#overview .prose").get_by_text(TYPED[language]).is_visible()
        assert preview.locator(".notice--unsaved").is_visible()
        assert preview.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
        violations = axe.run(preview, options={
            "runOnly": {"type": "tag", "values": list(WCAG_AA_TAGS)},
            "resultTypes": ["violations"]}).response["violations"]
        assert not violations, format_violations(violations)

        preview.set_viewport_size(PHONE)
        width, client = preview.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width <= client, "the preview scrolls sideways on a phone"

        # Its handout, from the banner's link, holds the change too.
        preview.locator(".notice--unsaved .preview-links a[href$='/handout/']").click()
        preview.wait_for_load_state()
        assert "/handout/" in preview.url
        assert preview.get_by_text(TYPED[language]).first.is_visible()
        preview.close()

        # Back in the form's tab: the text is still typed there, and nothing was saved.
        form.bring_to_front()
        assert form.url == change
        assert overview_body(form, language).input_value() == typed
        demo_procedure.refresh_from_db()
        assert snapshot(demo_procedure) == before
        assert demo_procedure.revisions.count() == revisions
        assert not Procedure.objects.filter(**{
            f"sections__body_{language}__contains": TYPED[language]}).exists()
    finally:
        context.close()
