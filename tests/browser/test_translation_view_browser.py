"""A translator works through the translation view in Chromium, in the English and in the Arabic
admin (the admin's language is the browser's: Accept-Language): from the dashboard's count to the
out-of-date text first with its English change, "still matches", then an edit of another text."""

import os
from pathlib import Path

import pytest

from content.editing import freshness, roles
from content.editing.revisions import record_revision
from content.models import Procedure
from tests.browser.pages import WCAG_AA_TAGS, format_violations
from tests.builders import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
PHONE = {"width": 390, "height": 844}
# Screenshots for a person to look at, outside the repository (README: browser tests).
SHOTS = Path(os.environ.get("PORTAL_SHOTS", "/work/shots/translation"))


def english_changed_by_an_editor(procedure, editor):
    """The summary's and the risks' English changed since their Arabic was written."""
    procedure.summary_en = procedure.summary_en.replace("strong", "powerful")
    procedure.actor = "Erin Editor"
    procedure.save()
    risks = procedure.sections.get(kind="risks")
    risks.body_en += " Rarely, more."
    risks.save()
    record_revision(procedure, editor)
    return Procedure.objects.get(pk=procedure.pk)


def sign_in(chromium, base_url, language, viewport):
    context = chromium.new_context(viewport=viewport, locale=language)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "translator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert "/admin/login/" not in page.url
    return context, page


def overflowing(page):
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_translator_confirms_the_out_of_date_text_and_edits_another_from_the_dashboard(
    chromium, axe, portal_url, demo_procedure, language
):
    editor = make_staff("editor", group=roles.EDITOR, first_name="Erin", last_name="Editor")
    make_staff("translator", group=roles.TRANSLATOR, first_name="Tariq", last_name="Translator")
    procedure = english_changed_by_an_editor(demo_procedure, editor)
    context, page = sign_in(chromium, portal_url, language, {"width": 1280, "height": 900})
    try:
        assert page.locator("html").get_attribute("lang") == language
        # The dashboard's count leads straight to the out-of-date texts.
        page.locator(".portal-dashboard__arabic a.state-outdated").first.click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/admin/content/procedure/{procedure.pk}/translation/?show=outdated")
        parts = page.locator("article.translation-part")
        assert parts.count() == 2
        first = parts.first
        assert "translation-part--outdated" in first.get_attribute("class")
        assert first.get_attribute("id") == f"procedure-{procedure.pk}-summary"
        diff = first.locator(".word-diff")
        assert diff.get_attribute("dir") == "ltr" and diff.get_attribute("lang") == "en"
        assert diff.locator("del").inner_text() == "strong"
        assert diff.locator("ins").inner_text() == "powerful"
        box = first.locator("textarea")
        assert box.get_attribute("dir") == "rtl" and box.get_attribute("lang") == "ar"
        # The view's own content (the admin's frame is Django's) passes WCAG 2.x A/AA.
        options = {"runOnly": {"type": "tag", "values": list(WCAG_AA_TAGS)}, "resultTypes": ["violations"]}
        violations = axe.run(page, context="#content-main", options=options).response["violations"]
        assert not violations, format_violations(violations)
        if language == "ar":
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "translation-ar-1280.png"), full_page=True)
            page.set_viewport_size(PHONE)
            assert not overflowing(page)
            page.screenshot(path=str(SHOTS / "translation-ar-390.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})

        # "Still matches": the summary's Arabic is confirmed; the risks are left to do.
        first.locator('button[value="confirm"]').click()
        page.wait_for_load_state("networkidle")
        assert page.locator("ul.messagelist li").count() == 1
        assert page.locator("article.translation-part").count() == 1
        procedure.refresh_from_db()
        assert procedure.field_state("summary") == freshness.CURRENT
        assert procedure.translation["summary"]["by"] == "Tariq Translator"

        # Another text, edited in place, from the list of every text.
        page.locator(".translation-view__filters a").last.click()
        page.wait_for_load_state("networkidle")
        risks = procedure.sections.get(kind="risks")
        part = page.locator(f"#section-{risks.pk}-body")
        assert "translation-part--outdated" in part.get_attribute("class")
        added = "ونادرًا ما يحدث أكثر من ذلك."
        part.locator("textarea").fill(risks.body_ar + "\n" + added)
        part.locator('button[value="save"]').click()
        page.wait_for_load_state("networkidle")
        assert page.locator("ul.messagelist li").count() == 1
        assert page.locator("article.translation-part--outdated").count() == 0
        risks.refresh_from_db()
        assert risks.body_ar.endswith(added) and risks.field_state("body") == freshness.CURRENT
        latest = procedure.revisions.order_by("-number").first()
        assert latest.created_by_name == "Tariq Translator"
        if language == "ar":
            page.set_viewport_size(PHONE)
            assert not overflowing(page)
    finally:
        context.close()
