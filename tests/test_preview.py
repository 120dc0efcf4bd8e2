"""Preview before saving: the change form as typed, shown as patients would see it (page, handout,
PDF, in either language), and nothing saved anywhere."""

import html
import re
import shutil
import subprocess

import pytest
from django.apps import apps
from django.core.cache import cache

from content.editing import roles
from content.editing.revisions import snapshot
from content.models import Procedure
from tests.builders import DEMO_SLUG, make_procedure, make_staff, publish
from tests.test_admin import change_url, extract_form_data, section_index

pytestmark = pytest.mark.django_db

NEW_SUMMARY = "A pump under the skin sends medicine straight to the liver, previewed."
NEW_ARABIC_BODY = "نص عربي جديد لم يحفظ بعد عن المضخة."
NEW_ENGLISH_BODY = "An unsaved English paragraph about the pump."


def preview_post_url(procedure):
    return f"/admin/content/procedure/{procedure.pk}/preview/"


def form_of(client, procedure):
    return extract_form_data(client.get(change_url(procedure)).content.decode())


def field(client, procedure, kind, name):
    """The form field `name` of the section of `kind` (read from the page: a translator's section
    kinds are disabled, so not in the form's data)."""
    page = client.get(change_url(procedure)).content.decode()
    return f"sections-{section_index(page, kind)}-{name}"


def content_tables():
    """How many rows every table of the portal's content holds, and every row of the working copy."""
    counts = {model._meta.label: model.objects.count()
              for model in apps.get_app_config("content").get_models()}
    return counts


def press_preview(client, procedure, **changes):
    data = form_of(client, procedure)
    data.update(changes)
    return client.post(preview_post_url(procedure), data)


def shown(client, response, kind="page", language=None):
    """Follow a preview's redirect to its page, handout or PDF in `language`."""
    assert response.status_code == 303, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>',
                                                   response.content.decode(), re.S)
    url = response["Location"]
    if language:
        url = re.sub(r"/(en|ar)/page/$", f"/{language}/page/", url)
    url = url.replace("/page/", f"/{kind}/")
    return client.get(url)


def pdf_text(pdf, tmp_path):
    path = tmp_path / "preview.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def translator_client(client, translator):
    client.force_login(translator)
    return client


def test_the_change_page_offers_a_preview_button_that_posts_the_form_to_a_new_tab(
        editor_client, demo_procedure):
    page = editor_client.get(change_url(demo_procedure)).content.decode()
    button = re.search(r"<button[^>]*formaction=\"([^\"]+)\"[^>]*>", page)
    assert button and button.group(1) == preview_post_url(demo_procedure)
    assert 'formtarget="_blank"' in button.group(0)


def test_an_unsaved_english_change_is_shown_on_the_page_and_nothing_is_saved(
        editor_client, demo_procedure):
    before_tables, before_copy = content_tables(), snapshot(demo_procedure)
    revisions = demo_procedure.revisions.count()
    overview = f"sections-{section_index(form_of(editor_client, demo_procedure), 'overview')}-body_en"
    response = press_preview(editor_client, demo_procedure, summary_en=NEW_SUMMARY,
                             **{overview: NEW_ENGLISH_BODY})
    page = shown(editor_client, response)
    assert page.status_code == 200
    text = page.content.decode()
    assert NEW_SUMMARY in text and NEW_ENGLISH_BODY in text
    assert '<html lang="en" dir="ltr">' in text
    assert "Preview of changes that are not saved." in text
    demo_procedure.refresh_from_db()
    assert demo_procedure.revisions.count() == revisions
    assert snapshot(demo_procedure) == before_copy
    assert content_tables() == before_tables


def test_a_translators_unsaved_arabic_is_shown_in_arabic_and_the_english_stays_as_saved(
        translator_client, demo_procedure):
    before_tables, before_copy = content_tables(), snapshot(demo_procedure)
    overview = field(translator_client, demo_procedure, "overview", "body_ar")
    response = press_preview(translator_client, demo_procedure, **{overview: NEW_ARABIC_BODY})
    assert response["Location"].endswith("/ar/page/")  # a translator's preview opens in Arabic
    arabic = shown(translator_client, response).content.decode()
    assert NEW_ARABIC_BODY in arabic
    assert '<html lang="ar" dir="rtl">' in arabic
    english = shown(translator_client, response, language="en").content.decode()
    assert NEW_ARABIC_BODY not in english
    assert html.escape(demo_procedure.summary_en, quote=False) in english
    assert snapshot(demo_procedure) == before_copy
    assert content_tables() == before_tables


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_handout_of_the_preview_shows_the_unsaved_change_in_either_language(
        admin_client, demo_procedure, language):
    form = form_of(admin_client, demo_procedure)
    index = section_index(form, "overview")
    response = press_preview(admin_client, demo_procedure, **{
        f"sections-{index}-body_en": NEW_ENGLISH_BODY, f"sections-{index}-body_ar": NEW_ARABIC_BODY})
    handout = shown(admin_client, response, "handout", language)
    assert handout.status_code == 200
    text = handout.content.decode()
    assert (NEW_ENGLISH_BODY if language == "en" else NEW_ARABIC_BODY) in text
    assert "Preview of changes that are not saved." in text or "معاينة" in text
    assert f'href="/admin/content/procedure/{demo_procedure.pk}/preview/' in text  # its own PDF
    assert f"/{language}/procedures/{DEMO_SLUG}/handout.pdf" not in text
    letter = admin_client.get(handout.wsgi_request.path + "?paper=letter")
    assert 'class="paper-letter"' in letter.content.decode()
    assert admin_client.get(handout.wsgi_request.path + "?paper=a5").status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_the_pdf_of_the_preview_shows_the_unsaved_change_in_both_languages_and_is_not_stored(
        admin_client, demo_procedure, tmp_path):
    from content.handouts.models import HandoutFile

    form = form_of(admin_client, demo_procedure)
    index = section_index(form, "overview")
    response = press_preview(admin_client, demo_procedure, **{
        f"sections-{index}-body_en": NEW_ENGLISH_BODY, f"sections-{index}-body_ar": NEW_ARABIC_BODY})
    english = shown(admin_client, response, "pdf", "en")
    assert english["Content-Type"] == "application/pdf"
    assert NEW_ENGLISH_BODY in " ".join(pdf_text(english.content, tmp_path).split())
    arabic = shown(admin_client, response, "pdf", "ar")
    words = pdf_text(arabic.content, tmp_path)
    assert all(word in words for word in ("المضخة", "يحفظ")), words[:3000]
    assert not HandoutFile.objects.exists()


def test_an_invalid_form_comes_back_with_its_errors_and_everything_typed_and_is_not_kept(
        editor_client, demo_procedure):
    before = snapshot(demo_procedure)
    form = form_of(editor_client, demo_procedure)
    overview = f"sections-{section_index(form, 'overview')}-body_en"
    bad = "Take 1\u202e01\u202c tablets."
    response = press_preview(editor_client, demo_procedure, summary_en=NEW_SUMMARY, **{overview: bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in page
    assert "No preview: correct what is marked below" in page
    assert html.escape(NEW_SUMMARY, quote=False) in page and html.escape(bad) in page
    # The form shown again saves to the change page, as a refused save's does.
    assert f'action="{change_url(demo_procedure)}"' in page
    assert snapshot(demo_procedure) == before
    assert not editor_client.session.get("procedure_previews")


def test_a_removed_section_and_an_added_question_are_previewed_not_saved(admin_client, demo_procedure):
    form = form_of(admin_client, demo_procedure)
    risks = section_index(form, "risks")
    total = int(form["questions-TOTAL_FORMS"])
    form.update({
        f"sections-{risks}-DELETE": "on",
        "questions-TOTAL_FORMS": str(total + 1),
        f"questions-{total}-position": "99", f"questions-{total}-question_en": "Can I swim with it?",
        f"questions-{total}-question_ar": "هل أستطيع السباحة؟",
        f"questions-{total}-answer_en": "Ask your nurse first.",
        f"questions-{total}-answer_ar": "اسأل الممرضة أولًا.",
    })
    response = admin_client.post(preview_post_url(demo_procedure), form)
    text = shown(admin_client, response).content.decode()
    assert 'id="risks"' not in text
    assert "Can I swim with it?" in text
    assert demo_procedure.sections.filter(kind="risks").exists()
    assert not demo_procedure.questions.filter(question_en="Can I swim with it?").exists()


def test_strangers_are_sent_to_sign_in_and_staff_in_no_role_are_refused(
        client, editor_client, demo_procedure, django_user_model):
    response = press_preview(editor_client, demo_procedure, summary_en=NEW_SUMMARY)
    page_url = response["Location"]
    client.logout()
    assert client.get(page_url).status_code == 302
    assert "/admin/login/" in client.get(page_url)["Location"]
    assert client.post(preview_post_url(demo_procedure), {"summary_en": "x"}).status_code == 302
    nobody = make_staff("no-role")
    client.force_login(nobody)
    assert client.get(page_url).status_code == 403
    assert client.post(preview_post_url(demo_procedure), {"summary_en": "x"}).status_code == 403


def test_another_procedures_or_another_persons_token_is_not_found(
        client, editor, demo_procedure):
    other = make_procedure(slug="other-procedure")
    client.force_login(editor)
    page_url = press_preview(client, demo_procedure, summary_en=NEW_SUMMARY)["Location"]
    assert client.get(page_url).status_code == 200
    elsewhere = page_url.replace(f"/procedure/{demo_procedure.pk}/", f"/procedure/{other.pk}/")
    assert client.get(elsewhere).status_code == 404
    assert client.get(page_url.replace("/en/page/", "/fr/page/")).status_code == 404
    token = page_url.split("/preview/")[1].split("/")[0]
    assert client.get(page_url.replace(token, "not-a-token")).status_code == 404
    colleague = make_staff("colleague", group=roles.EDITOR)
    client.force_login(colleague)
    for kind in ("page", "handout", "pdf"):
        assert client.get(page_url.replace("/page/", f"/{kind}/")).status_code == 404


def test_the_preview_is_never_cached_indexed_or_found_and_the_public_page_is_unchanged(
        editor_client, demo_procedure):
    publish(demo_procedure)
    public = f"/en/procedures/{DEMO_SLUG}/"
    assert editor_client.get(public).status_code == 200  # kept by the public page cache now
    response = press_preview(editor_client, demo_procedure, summary_en=NEW_SUMMARY)
    for kind in ("page", "handout"):
        answer = shown(editor_client, response, kind)
        assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"]
        assert answer["X-Robots-Tag"] == "noindex, nofollow"
    page = shown(editor_client, response).content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'rel="canonical"' not in page and 'hreflang="x-default"' not in page
    for address in (public, f"/en/search/?q={NEW_SUMMARY.split()[-1].strip('.')}", "/sitemap.xml"):
        assert NEW_SUMMARY not in editor_client.get(address).content.decode()
    assert NEW_SUMMARY not in str(getattr(cache, "_cache", {}))
    assert Procedure.objects.get(pk=demo_procedure.pk).summary_en != NEW_SUMMARY


def test_the_language_switch_of_a_preview_leads_to_the_same_preview_in_the_other_language(
        editor_client, demo_procedure):
    response = press_preview(editor_client, demo_procedure, summary_en=NEW_SUMMARY)
    page = shown(editor_client, response).content.decode()
    arabic = response["Location"].replace("/en/page/", "/ar/page/")
    assert f'<a href="{arabic}" hreflang="ar"' in page
    handout = shown(editor_client, response, "handout").content.decode()
    assert f'<a href="{arabic.replace("/page/", "/handout/")}" hreflang="ar"' in handout


def test_a_session_keeps_its_last_three_previews_and_says_so_of_an_older_one(
        editor_client, demo_procedure):
    addresses = [press_preview(editor_client, demo_procedure, summary_en=f"{NEW_SUMMARY} {n}")["Location"]
                 for n in range(4)]
    oldest = editor_client.get(addresses[0])
    assert oldest.status_code == 404
    assert "This preview is not kept any more" in oldest.content.decode()
    for number, address in enumerate(addresses[1:], 1):
        assert f"{NEW_SUMMARY} {number}" in editor_client.get(address).content.decode()
