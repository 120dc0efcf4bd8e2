"""In a real browser: the admin works under its Content-Security-Policy, and an English page does
not download the Arabic font for the one Arabic word of its language switch."""

import pytest

pytestmark = pytest.mark.browser

# Every policy violation the page meets, as the browser reports it to the page itself.
_RECORD_VIOLATIONS_JS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", event => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def test_an_english_page_downloads_no_arabic_font(open_page):
    portal = open_page("procedure", "en")
    assert portal.page.locator(".language-switch a[lang=ar]").is_visible()
    arabic = [url for url, _status in portal.font_responses if "arabic" in url]
    assert not arabic, arabic


def test_the_admin_and_its_translation_tabs_run_under_its_policy_without_a_violation(
    chromium, portal_url, demo_procedure, django_user_model
):
    django_user_model.objects.create_superuser("editor", password="a-long-and-correct-password-1")
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.add_init_script(_RECORD_VIOLATIONS_JS)
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"{portal_url}/admin/login/?next=/admin/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "a-long-and-correct-password-1")
        page.click("input[type=submit]")
        page.wait_for_url(f"{portal_url}/admin/")
        visited = []
        change = f"/admin/content/procedure/{demo_procedure.pk}/"
        for path in ("/admin/", change + "change/", "/admin/content/procedure/add/",
                     "/admin/content/procedure/?q=pump", change + "history/", change + "delete/",
                     "/admin/content/clinic/", "/admin/auth/user/add/"):
            page.goto(portal_url + path, wait_until="networkidle")
            if path.endswith("/change/"):
                # modeltranslation's jQuery UI tabs: one tab per language above each field pair.
                assert page.locator(".ui-tabs-nav").first.is_visible(), f"no language tabs on {path}"
                page.locator(".ui-tabs-nav a").nth(1).click()
                # The admin's own date widget draws its calendar with script.
                page.locator("a[id^=calendarlink]").first.click()
                assert page.locator(".calendarbox").first.is_visible()
            visited.append((path, page.evaluate("window.__cspViolations")))
        assert all(not found for _path, found in visited), visited
        assert not [text for text in console if "Content Security Policy" in text], console
    finally:
        context.close()
