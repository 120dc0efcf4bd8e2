"""The review workflow end to end, as three members of staff and a patient would go through it.

An editor drafts an English change and sends it for review, the public page does not move, a
clinical reviewer publishes, the Arabic page flags exactly the one part whose English changed, a
translator updates that part, the editor sends it for review, the reviewer publishes again, and
the Arabic page is clean. Every step is clicks in Chromium.
"""

import re

import pytest

from content.editing import roles
from tests.builders import DEMO_SLUG, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
NEW_ENGLISH = "HAI chemotherapy delivers cancer medicine straight to the liver."


def text_read(page):
    """The page's main text as read, without the glossary's popovers and the printed page's
    word list (the words it explains are marked up, so the published sentence is not one run of
    HTML)."""
    return page.evaluate("""() => {
        const main = document.querySelector("main").cloneNode(true);
        main.querySelectorAll(".glossary-popover, .glossary-notes").forEach(note => note.remove());
        return main.textContent.replace(/\\s+/g, " ");
    }""")


class AdminSession:
    """One member of staff signed in to the admin in their own browser context."""

    def __init__(self, browser, base_url, username):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base_url = base_url
        self.page.goto(f"{base_url}/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        assert "/admin/login/" not in self.page.url, f"{username} could not sign in"

    def open_procedure(self, procedure_id):
        self.page.goto(f"{self.base_url}/admin/content/procedure/{procedure_id}/change/",
                       wait_until="networkidle")

    def section_field(self, kind, name):
        """The inline textarea of the section of `kind`, whichever inline index it has."""
        index = self.page.evaluate(
            """kind => [...document.querySelectorAll('select[name$="-kind"]')]
                 .find(select => select.value === kind).name.split('-')[1]""",
            kind,
        )
        return self.page.locator(f'textarea[name="sections-{index}-{name}"]')

    def show_arabic_tab(self, field):
        # modeltranslation shows one language per tab; a person clicks the Arabic one first.
        self.page.locator(f"#{field.get_attribute('id')}").evaluate(
            "el => el.closest('.ui-tabs') && el.closest('.ui-tabs').querySelector("
            "'a[href$=\"_ar\"], li:nth-child(2) a').click()"
        )

    def save(self):
        self.page.click("input[name=_continue]")
        self.page.wait_for_load_state("networkidle")

    def messages(self):
        return self.page.locator("ul.messagelist li").all_inner_texts()

    def click_workflow(self, label):
        self.page.get_by_role("button", name=re.compile(label)).click()
        self.page.wait_for_load_state("networkidle")

    def close(self):
        self.context.close()


class Patient:
    """A patient on a phone, in Arabic; each visit starts without the browser's cache, as
    someone coming back after a minute would (pages may be reused from it for 60 seconds)."""

    def __init__(self, browser):
        self.browser = browser
        self.context = None

    def visit(self, url):
        if self.context:
            self.context.close()
        self.context = self.browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
        page = self.context.new_page()
        page.goto(url)
        return page

    def close(self):
        if self.context:
            self.context.close()


def notices(page):
    """Each out-of-date notice on a public page, as the id of the section it sits in."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.notice--outdated')].map(
             el => (el.closest('section') || el.closest('header') || {id: 'page'}).id)"""
    )


def test_a_change_goes_from_editor_to_patients_only_through_a_reviewer_and_a_translator(
    chromium, live_server, demo_procedure
):
    base = live_server.url
    make_staff("editor", group=roles.EDITOR, first_name="Erin", last_name="Editor")
    make_staff("translator", group=roles.TRANSLATOR, first_name="Tariq", last_name="Translator")
    make_staff("reviewer", group=roles.CLINICAL_REVIEWER, first_name="Rana", last_name="Reviewer",
               role_en="Consultant liver surgeon", role_ar="استشارية جراحة الكبد")
    patient = Patient(chromium)
    arabic_url = f"{base}/ar/procedures/{DEMO_SLUG}/"
    english_url = f"{base}/en/procedures/{DEMO_SLUG}/"

    editor = AdminSession(chromium, base, "editor")
    editor.open_procedure(demo_procedure.pk)
    overview = editor.section_field("overview", "body_en")
    _first_line, rest = overview.input_value().split("\n", 1)
    overview.fill(f"{NEW_ENGLISH}\n{rest}")
    editor.save()
    assert any("Saved as revision 2" in message for message in editor.messages())
    editor.click_workflow("Send for review")
    editor.close()

    public = patient.visit(english_url)
    assert NEW_ENGLISH not in text_read(public), "a draft reached patients"
    public = patient.visit(arabic_url)
    assert notices(public) == []

    reviewer = AdminSession(chromium, base, "reviewer")
    reviewer.open_procedure(demo_procedure.pk)
    reviewer.click_workflow("Publish revision 2")
    assert any("Published as version 2" in message for message in reviewer.messages())

    public = patient.visit(english_url)
    assert NEW_ENGLISH in text_read(public)
    public = patient.visit(arabic_url)
    assert notices(public) == ["overview"]
    english_link = public.locator("#overview .notice--outdated a")
    assert english_link.get_attribute("href") == f"/en/procedures/{DEMO_SLUG}/#overview"

    translator = AdminSession(chromium, base, "translator")
    translator.open_procedure(demo_procedure.pk)
    assert "<del>sends</del><ins>delivers</ins>" in translator.page.content()
    arabic = translator.section_field("overview", "body_ar")
    translator.show_arabic_tab(arabic)
    arabic.fill(arabic.input_value().replace("يوصل", "ينقل", 1))
    translator.save()
    assert any("Saved as revision 3" in message for message in translator.messages())
    translator.close()

    public = patient.visit(arabic_url)
    assert notices(public) == ["overview"], "an unpublished translation reached patients"

    # Only what was sent for review is published: the editor sends the translated draft.
    editor = AdminSession(chromium, base, "editor")
    editor.open_procedure(demo_procedure.pk)
    editor.click_workflow("Send for review")
    editor.close()

    reviewer.open_procedure(demo_procedure.pk)
    reviewer.click_workflow("Publish revision 3")
    reviewer.close()
    public = patient.visit(arabic_url)
    assert notices(public) == []
    assert "Tariq Translator" in public.locator(".review-dates").inner_text()
    patient.close()
