"""Offline reading and read aloud, in Chromium at a phone's size, in both languages.

A page a patient opened once opens again with no connection, saying it is a saved copy and when it
was saved; a page never opened gives the offline page, listing what the device has; a newer
version replaces the saved copy once the reader is online; a withdrawn page is dropped.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from content.models import Procedure
from content.publishing.workflow import unpublish
from tests.builders import DEMO_SLUG, make_staff, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def localized(name, code, *args):
    with translation.override(code):
        return reverse(name, args=args)


@pytest.fixture
def phone(chromium, portal_url):
    contexts = []

    def open_(language):
        context = chromium.new_context(viewport=PHONE, locale=language)
        contexts.append(context)
        return context, context.new_page()

    yield open_
    for context in contexts:
        context.close()


def open_and_keep(page, url):
    """Open a page and wait until the worker has saved it on the device."""
    page.goto(url)
    page.wait_for_selector("html[data-offline=ready]", timeout=20_000)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_page_opened_once_reads_offline_marked_as_a_saved_copy(phone, portal_url, language):
    context, page = phone(language)
    url = portal_url + localized("content:procedure", language, DEMO_SLUG)
    open_and_keep(page, url)
    heading = page.inner_text("h1")
    assert not page.is_visible("#saved-copy")

    context.set_offline(True)
    page.reload()
    assert page.inner_text("h1") == heading
    notice = page.locator("#saved-copy")
    assert notice.is_visible()
    with translation.override(language):
        saying = translation.gettext("You are offline: this is a copy saved on your device.")
    assert saying in notice.inner_text()
    # The date it was saved, written out in the page's language.
    saved_at = notice.locator("time")
    assert saved_at.get_attribute("datetime")
    assert saved_at.inner_text().strip()
    # Its styles came from the device too: the notice is laid out, not bare text.
    border = page.evaluate("getComputedStyle(document.querySelector('#saved-copy')).borderInlineStartWidth")
    assert border != "0px"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_page_never_opened_offline_gives_the_offline_page_listing_saved_ones(phone, portal_url, language):
    context, page = phone(language)
    open_and_keep(page, portal_url + localized("content:procedure", language, DEMO_SLUG))
    title = page.title()

    context.set_offline(True)
    page.goto(portal_url + localized("content:glossary", language))
    with translation.override(language):
        assert page.inner_text("h1") == translation.gettext("You are offline")
    saved = page.locator("#saved-pages a")
    saved.first.wait_for()
    assert title in saved.all_inner_texts()
    saved.filter(has_text=title).click()
    page.locator("#saved-copy").wait_for(state="visible")


def test_newer_version_replaces_the_saved_copy_once_online(phone, portal_url):
    context, page = phone("ar")
    url = portal_url + localized("content:procedure", "ar", DEMO_SLUG)
    open_and_keep(page, url)

    procedure = Procedure.objects.get(slug=DEMO_SLUG)
    procedure.summary_ar = "ملخص جديد نُشر بعد أن حفظ القارئ الصفحة."
    procedure.save()
    publish(procedure)
    page.reload()  # online: the network answers, and its copy replaces the saved one
    assert "ملخص جديد" in page.inner_text(".lead")

    context.set_offline(True)
    page.reload()
    assert page.locator("#saved-copy").is_visible()
    assert "ملخص جديد" in page.inner_text(".lead")


def test_withdrawn_page_is_dropped_from_the_device(phone, portal_url):
    context, page = phone("en")
    url = portal_url + localized("content:procedure", "en", DEMO_SLUG)
    open_and_keep(page, url)

    reviewer = make_staff("offline-reviewer", "Clinical reviewer")
    unpublish(Procedure.objects.get(slug=DEMO_SLUG), reviewer, "Withdrawn while its advice is checked.")
    assert page.reload().status == 410

    context.set_offline(True)
    page.goto(url)
    with translation.override("en"):
        assert page.inner_text("h1") == translation.gettext("You are offline")


def test_handout_saved_for_offline_opens_without_a_connection(phone, portal_url):
    context, page = phone("ar")
    open_and_keep(page, portal_url + localized("content:procedure", "ar", DEMO_SLUG))
    button = page.locator("button.save-offline")
    button.click()
    with translation.override("ar"):
        done = translation.gettext("Saved. You can open the handout on this device without a connection.")
    page.wait_for_function("done => document.querySelector('#save-offline-status').textContent === done",
                           arg=done)

    context.set_offline(True)
    page.goto(portal_url + localized("content:handout", "ar", DEMO_SLUG))
    assert page.locator(".handout h1").is_visible()
    assert page.locator("#saved-copy").is_visible()


# Speech synthesis, recorded instead of spoken: headless Chromium has no voices.
RECORDING_SPEECH = """
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  getVoices: () => [{ lang: "ar-SA", name: "Arabic" }, { lang: "en-GB", name: "English" }],
  speak: (utterance) => window.__spoken.push({ text: utterance.text, lang: utterance.lang,
                                               voice: utterance.voice && utterance.voice.name }),
  cancel: () => { window.__cancelled = true; },
  addEventListener: () => {},
} });
Object.defineProperty(window, "SpeechSynthesisUtterance", {
  configurable: true, value: function (text) { this.text = text; },
});
"""


def test_read_aloud_reads_the_arabic_page_in_arabic_and_stops(phone, portal_url):
    context, page = phone("ar")
    context.add_init_script(RECORDING_SPEECH)
    page.goto(portal_url + localized("content:procedure", "ar", DEMO_SLUG))
    button = page.locator(".read-aloud__button")
    with translation.override("ar"):
        start, stop = translation.gettext("Listen to this page"), translation.gettext("Stop reading")
    assert button.is_visible() and button.inner_text() == start
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["text"] == page.inner_text("h1")
    assert {entry["lang"] for entry in spoken[:3]} == {"ar"}
    assert spoken[0]["voice"] == "Arabic"
    texts = " ".join(entry["text"] for entry in spoken)
    # The contents list and the references are not read; the sections are.
    assert page.inner_text("#toc-heading") not in texts
    assert page.locator("section.procedure__section h2").first.inner_text() in texts
    assert button.inner_text() == stop
    button.click()
    assert page.evaluate("window.__cancelled") is True
    assert button.inner_text() == start


def test_read_aloud_is_hidden_where_the_browser_cannot_speak(phone, portal_url):
    context, page = phone("en")
    context.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page.goto(portal_url + localized("content:procedure", "en", DEMO_SLUG))
    assert page.locator(".read-aloud__button").is_hidden()
