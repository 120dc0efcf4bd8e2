"""The admin's language per person, history in the reader's language, and every input written in
its own language's direction (issue 17, parts 1 and 2)."""

import importlib
import json
import re

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst

from content import languages
from content.editing import revisions
from content.models import (
    ClinicRevision,
    GlossaryPublication,
    GlossaryTerm,
    Procedure,
    Revision,
    StaffProfile,
    WorkflowEvent,
)
from tests.builders import make_clinic, make_staff
from tests.test_admin import change_url, extract_form_data, section_index

EN, AR = languages.SOURCE, languages.TRANSLATION
ADMIN = "/admin/"


def browser(accept_language):
    return Client(HTTP_ACCEPT_LANGUAGE=accept_language)


def page_language(response):
    html = re.search(r"<html[^>]*>", response.content.decode()).group(0)
    return re.search(r'lang="([^"]+)"', html).group(1), re.search(r'dir="([^"]+)"', html).group(1)


def choose(client, code, next_url=ADMIN):
    return client.post("/i18n/setlang/", {"language": code, "next": next_url})


# The switch and the account's preference


def test_the_header_switch_remembers_the_language_on_the_account_and_goes_back(editor, demo_procedure):
    client = browser(EN)
    client.force_login(editor)
    response = choose(client, AR, change_url(demo_procedure))
    assert response.status_code == 302 and response["Location"] == change_url(demo_procedure)
    assert StaffProfile.objects.get(user=editor).admin_language == AR
    # Signed in afresh (a new browser, a new session): still the account's choice.
    other = browser(EN)
    other.force_login(editor)
    assert page_language(other.get(ADMIN)) == (AR, "rtl")


def test_choosing_keeps_what_patients_are_told_about_the_person(reviewer):
    client = browser(EN)
    client.force_login(reviewer)
    choose(client, AR)
    profile = StaffProfile.objects.get(user=reviewer)
    assert (profile.admin_language, profile.role_en) == (AR, "Consultant liver surgeon")


@pytest.mark.parametrize(("accept", "chosen"), [(EN, AR), (AR, EN)])
def test_the_account_s_language_wins_over_the_browser_s_on_every_admin_page(
        editor, demo_procedure, accept, chosen):
    client = browser(accept)
    client.force_login(editor)
    assert page_language(client.get(ADMIN))[0] == accept
    choose(client, chosen)
    for path in (ADMIN, change_url(demo_procedure), f"{ADMIN}content/procedure/",
                 f"/admin/content/procedure/{demo_procedure.pk}/history/"):
        response = client.get(path)
        assert page_language(response) == (chosen, languages.direction(chosen)), path
        assert response["Content-Language"] == chosen
    with translation.override(chosen):
        expected = translation.gettext("Patient education portal")
    assert expected in client.get(ADMIN).content.decode()


def test_without_a_choice_the_browser_decides(editor):
    client = browser(AR)
    client.force_login(editor)
    assert page_language(client.get(ADMIN)) == (AR, "rtl")


def test_the_sign_in_page_follows_the_browser_and_offers_no_switch(editor):
    StaffProfile.objects.create(user=editor, admin_language=AR)
    response = browser(EN).get(f"{ADMIN}login/")
    assert page_language(response) == (EN, "ltr")
    assert "admin-language" not in response.content.decode()


def test_public_pages_keep_the_language_of_their_address(editor, demo_procedure):
    client = browser(EN)
    client.force_login(editor)
    choose(client, AR)
    response = client.get(f"/{EN}/")
    assert page_language(response) == (EN, "ltr")


def test_the_header_shows_each_language_in_itself_with_the_current_one_marked(editor):
    client = browser(EN)
    client.force_login(editor)
    page = client.get(ADMIN).content.decode()
    switch = re.search(r'<form class="admin-language".*?</form>', page, re.S).group(0)
    assert 'action="/i18n/setlang/"' in switch and "csrfmiddlewaretoken" in switch
    assert re.search(rf'aria-current="true">{languages.local_name(EN)}<', switch)
    assert re.search(rf'<button[^>]*name="language" value="{AR}" lang="{AR}" dir="rtl">'
                     rf'{languages.local_name(AR)}</button>', switch)
    assert 'name="next" value="/admin/"' in switch


def test_the_switch_refuses_a_language_the_portal_does_not_have(editor):
    client = browser(EN)
    client.force_login(editor)
    response = choose(client, "xx")
    assert response.status_code == 400
    assert languages.local_name(AR) in response.content.decode()
    assert not StaffProfile.objects.filter(user=editor, admin_language="xx").exists()


def test_the_switch_goes_back_only_to_this_site(editor):
    client = browser(EN)
    client.force_login(editor)
    for elsewhere in ("https://evil.example/", "//evil.example/admin/", "javascript:alert(1)"):
        response = choose(client, AR, elsewhere)
        assert response.status_code == 302 and response["Location"] == ADMIN


def test_the_switch_takes_only_a_post_with_its_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get("/i18n/setlang/").status_code == 405
    assert choose(client, AR).status_code == 403
    assert not StaffProfile.objects.filter(user=editor, admin_language=AR).exists()


def test_someone_not_signed_in_is_sent_to_sign_in_and_nothing_is_stored(db):
    response = choose(browser(EN), AR)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not StaffProfile.objects.exists()


# What stayed English in the Arabic admin


def test_the_arabic_admin_names_the_site_the_sign_in_records_and_the_task_queue_in_arabic(db):
    user = make_staff("chief", superuser=True)
    StaffProfile.objects.create(user=user, admin_language=AR)
    client = browser(EN)
    client.force_login(user)
    page = client.get(ADMIN).content.decode()
    with translation.override(AR):
        names = [translation.gettext(text) for text in (
            "Patient education portal", "Sign-in attempts and lockouts", "Background tasks",
            "Patient education content")]
    for name in names:
        assert name in page
    assert ">Axes<" not in page and "Tasks Database Backend" not in page
    assert ">Content<" not in page


def test_each_admin_names_the_page_and_its_questions_in_its_own_language(translator, demo_procedure):
    client = browser(EN)
    client.force_login(translator)
    for code in languages.CODES:
        choose(client, code)
        page = client.get(change_url(demo_procedure)).content.decode()
        title = getattr(demo_procedure, languages.field_name("title", code))
        assert f"<h2>{title}</h2>" in page
        question = demo_procedure.questions.first()
        labels = [label.strip() for label in re.findall(r'inline_label">(.*?)</span>', page, re.S)]
        assert getattr(question, languages.field_name("question", code)) in labels
        # A section is named by its kind alone: its page's title is not repeated in every heading.
        assert f"{demo_procedure.english('title')}: " not in page


def test_the_arabic_admin_labels_the_doi_in_arabic(admin_in, demo_procedure):
    page = admin_in.get(change_url(demo_procedure)).content.decode()
    label = re.search(r'<label[^>]*for="id_citations-0-doi"[^>]*>(.*?)</label>', page).group(1)
    with translation.override(page_language(admin_in.get(ADMIN))[0]):
        assert label.startswith(translation.gettext("DOI"))


def test_the_admin_s_scripts_speak_the_account_s_language(db):
    user = make_staff("chief", superuser=True)
    StaffProfile.objects.create(user=user, admin_language=AR)
    client = browser(EN)
    client.force_login(user)
    catalogue = client.get(f"{ADMIN}jsi18n/").content.decode()
    wanted = "اختر كل %s"  # the user page's "Choose all %s"
    assert wanted in catalogue or json.dumps(wanted)[1:-1] in catalogue


# History and workflow in the reader's language


def history_in(client, procedure, code):
    choose(client, code)
    return client.get(f"/admin/content/procedure/{procedure.pk}/history/").content.decode()


def test_a_restore_is_stored_as_a_code_and_told_in_each_reader_s_language(editor, demo_procedure):
    Procedure.objects.filter(pk=demo_procedure.pk).update(title_en="A newer title")
    demo_procedure.refresh_from_db()
    revisions.record_revision(demo_procedure, editor)
    revisions.restore(demo_procedure, demo_procedure.revisions.get(number=1), editor)
    restored = demo_procedure.revisions.order_by("-number").first()
    assert (restored.note_code, restored.note_data, restored.note) == ("restored", {"number": 1}, "")
    event = demo_procedure.events.get(action=WorkflowEvent.Action.RESTORED)
    assert (event.data, event.comment) == ({"from": 1}, "")
    client = browser(EN)
    client.force_login(editor)
    for code in languages.CODES:
        page = history_in(client, demo_procedure, code)
        with translation.override(code):
            note = translation.gettext("Restored from r%(number)d") % {"number": 1}
            detail = translation.gettext("From revision %(number)d") % {"number": 1}
        assert f"({note})" in page and detail in page
    # The Arabic really is Arabic, not the English passed through.
    assert "Restored from" not in history_in(client, demo_procedure, AR)


def test_a_kept_meaning_edit_names_its_parts_in_each_reader_s_language(client, editor, demo_procedure):
    client.force_login(editor)
    data = extract_form_data(client.get(change_url(demo_procedure)).content.decode())
    index = section_index(data, "overview")
    data[f"sections-{index}-body_en"] = data[f"sections-{index}-body_en"].replace("liver", "Liver", 1)
    data[f"sections-{index}-english_keeps_meaning"] = "on"
    assert client.post(change_url(demo_procedure), data).status_code == 302
    english = history_in(client, demo_procedure, EN)
    assert "Overview: Text (Markdown)" in english
    arabic = history_in(client, demo_procedure, AR)
    with translation.override(AR):
        kind, field = translation.gettext("Overview"), translation.gettext("text (Markdown)")
    assert f"{kind}: {field}" in arabic and "Text (Markdown)" not in arabic


def test_content_files_are_named_in_the_reader_s_language_as_who_saved(editor, demo_procedure):
    revision = demo_procedure.revisions.get(number=1)
    assert (revision.created_by_name, revision.note_code) == ("", "content_files")
    clinic_revision = ClinicRevision.objects.get()
    assert (clinic_revision.created_by_name, clinic_revision.note_code) == ("", "content_files")
    client = browser(EN)
    client.force_login(editor)
    for code in languages.CODES:
        with translation.override(code):
            who = translation.gettext("content files")
        assert f"<td>{who}</td>" in history_in(client, demo_procedure, code)
    assert who != "content files"


def test_the_glossary_published_by_content_files_is_named_in_the_reader_s_language(
        editor, demo_procedure):
    publication = GlossaryPublication.objects.get()
    assert (publication.note_code, publication.published_by_name) == ("content_files", "demo")
    client = browser(EN)
    client.force_login(editor)
    for code in languages.CODES:
        choose(client, code)
        page = client.get(f"{ADMIN}content/glossaryterm/").content.decode()
        with translation.override(code):
            who = translation.gettext("content files")
        assert f"{who} (demo)" in page


def test_a_reviewer_s_comment_is_shown_as_they_wrote_it_in_either_language(
        client, editor, reviewer, demo_procedure):
    WorkflowEvent.objects.create(procedure=demo_procedure, action=WorkflowEvent.Action.SENT_BACK,
                                 user=reviewer, user_name="Rana Reviewer", comment="Check the dose.")
    client.force_login(editor)
    for code in languages.CODES:
        assert "Check the dose." in history_in(client, demo_procedure, code)


# The migration of notes stored as English (or Arabic) sentences


def notes_to_codes():
    module = importlib.import_module("content.migrations.0018_admin_language_and_event_codes")
    module.notes_to_codes(apps, None)


def test_old_notes_become_codes_and_unknown_ones_stay_as_written(editor, demo_procedure):
    procedure = demo_procedure
    content, digest = procedure.revisions.get(number=1).content, "x"

    def old_revision(number, note, by=None, name=""):
        return Revision.objects.create(procedure=procedure, number=number, note=note, created_by=by,
                                       created_by_name=name, content=content, digest=digest)

    files = old_revision(10, "content files", name="content files")
    restored_en = old_revision(11, "Restored from r3", by=editor, name="Erin Editor")
    restored_ar = old_revision(12, "مستعادة من r4", by=editor, name="Erin Editor")
    typed = old_revision(13, "Imported by hand", by=editor, name="Erin Editor")
    ClinicRevision.objects.all().delete()
    clinic = make_clinic()
    ClinicRevision.objects.filter(clinic=clinic).update(created_by_name="content files")

    def old_event(action, comment):
        return WorkflowEvent.objects.create(procedure=procedure, action=action, comment=comment)

    from_en = old_event(WorkflowEvent.Action.RESTORED, "From revision 3")
    from_ar = old_event(WorkflowEvent.Action.RESTORED, "من المراجعة 4")
    kept = old_event(WorkflowEvent.Action.MEANING_KEPT,
                     "Summary; Overview: Text (Markdown); Question 2: Answer (Markdown)")
    kept_ar = old_event(WorkflowEvent.Action.MEANING_KEPT, "الملخص")
    kept_unknown = old_event(WorkflowEvent.Action.MEANING_KEPT, "Summary; Something else")
    sent_back = old_event(WorkflowEvent.Action.SENT_BACK, "From revision 3")

    by_files = GlossaryPublication.objects.create(number=7, published_by_name="content files (demo)")
    by_migration = GlossaryPublication.objects.create(number=8, published_by_name="migration 0011")

    notes_to_codes()

    def fresh(row):
        row.refresh_from_db()
        return row

    assert (fresh(files).note_code, files.note, files.created_by_name) == ("content_files", "", "")
    assert (fresh(restored_en).note_code, restored_en.note_data, restored_en.note) == (
        "restored", {"number": 3}, "")
    assert restored_en.created_by_name == "Erin Editor"
    assert (fresh(restored_ar).note_code, restored_ar.note_data) == ("restored", {"number": 4})
    assert (fresh(typed).note_code, typed.note) == ("", "Imported by hand")
    clinic_revision = ClinicRevision.objects.get(clinic=clinic)
    assert (clinic_revision.note_code, clinic_revision.created_by_name) == ("content_files", "")
    assert (fresh(from_en).data, from_en.comment) == ({"from": 3}, "")
    assert fresh(from_ar).data == {"from": 4}
    assert fresh(kept).data == {"parts": [{"field": "summary"},
                                          {"section": "overview", "field": "body"},
                                          {"question": 2, "field": "answer"}]}
    assert (fresh(kept).comment, fresh(kept_ar).data) == ("", {"parts": [{"field": "summary"}]})
    assert (fresh(kept_unknown).data, kept_unknown.comment) == ({}, "Summary; Something else")
    assert (fresh(sent_back).data, sent_back.comment) == ({}, "From revision 3")
    assert (fresh(by_files).note_code, by_files.published_by_name) == ("content_files", "demo")
    assert (fresh(by_migration).note_code, by_migration.published_by_label) == ("", "migration 0011")
    # What the migration made reads back in either language.
    with translation.override(AR):
        assert typed.note_text() == "Imported by hand"
        assert restored_en.note_text() == translation.gettext("Restored from r%(number)d") % {"number": 3}
        gettext = translation.gettext
        assert kept.details() == "; ".join([
            capfirst(gettext("summary")),
            f"{gettext('Overview')}: {capfirst(gettext('text (Markdown)'))}",
            gettext("Question %(number)d: %(field)s") % {
                "number": 2, "field": capfirst(gettext("answer (Markdown)"))},
        ])
    with translation.override(EN):
        assert kept.details() == "Summary; Overview: Text (Markdown); Question 2: Answer (Markdown)"
        assert kept_unknown.details() == "Summary; Something else"


# Every input in its own direction, whatever the admin's language


def input_tag(page, name):
    found = re.search(rf'<(?:input|textarea)[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert found, name
    return found.group(0)


def assert_written_in(page, name, code):
    tag = input_tag(page, name)
    assert f'dir="{languages.direction(code)}"' in tag and f'lang="{code}"' in tag, tag


def assert_left_to_right(page, name):
    tag = input_tag(page, name)
    assert 'dir="ltr"' in tag and "lang=" not in tag, tag


@pytest.fixture(params=languages.CODES)
def admin_in(request, db):
    """A superuser (who sees every form) whose admin is in each language in turn."""
    user = make_staff("chief", superuser=True)
    StaffProfile.objects.create(user=user, admin_language=request.param)
    client = browser(request.param)
    client.force_login(user)
    return client


def test_procedure_section_and_question_inputs_carry_their_own_language(admin_in, demo_procedure):
    page = admin_in.get(change_url(demo_procedure)).content.decode()
    for code in languages.CODES:
        for name in ("title", "short_name", "also_known_as", "summary"):
            assert_written_in(page, languages.field_name(name, code), code)
        overview = section_index(page, "overview")
        for name in ("heading", "body"):
            assert_written_in(page, f"sections-{overview}-{languages.field_name(name, code)}", code)
        for name in ("question", "answer"):
            assert_written_in(page, f"questions-0-{languages.field_name(name, code)}", code)
    for name in ("slug", "citations-0-doi", "citations-0-url", "codes-0-code"):
        assert_left_to_right(page, name)
    # A reference stays in its original language: the browser follows what is typed.
    assert 'dir="auto"' in input_tag(page, "citations-0-authors")


def test_clinic_inputs_carry_their_own_language_and_the_phone_is_left_to_right(admin_in, demo_procedure):
    from content.models import Clinic

    page = admin_in.get(f"/admin/content/clinic/{Clinic.current().pk}/change/").content.decode()
    for code in languages.CODES:
        for name in ("name", "address", "emergency_instructions"):
            assert_written_in(page, languages.field_name(name, code), code)
    assert_left_to_right(page, "phone")


def test_glossary_inputs_carry_their_own_language_and_the_slug_is_left_to_right(admin_in, demo_procedure):
    term = GlossaryTerm.objects.order_by("pk").first()
    page = admin_in.get(f"/admin/content/glossaryterm/{term.pk}/change/").content.decode()
    for code in languages.CODES:
        for name in ("term", "other_forms", "definition"):
            assert_written_in(page, languages.field_name(name, code), code)
    assert_left_to_right(page, "slug")


@pytest.mark.parametrize(("role", "expected"), [("editor", EN), ("translator", AR), ("reviewer", EN)])
def test_the_tabs_open_on_the_language_the_person_writes(request, demo_procedure, role, expected):
    user = request.getfixturevalue(role)
    for admin_language in languages.CODES:
        client = browser(EN)
        client.force_login(user)
        choose(client, admin_language)
        page = client.get(change_url(demo_procedure)).content.decode()
        assert f'<meta name="portal-tab-language" content="{expected}">' in page
        # The script that opens that tab comes after modeltranslation's, whose choice it replaces.
        scripts = re.findall(r'<script src="([^"]+)"', page)
        ours = next(i for i, src in enumerate(scripts) if src.endswith("js/admin-tabs.js"))
        theirs = next(i for i, src in enumerate(scripts) if "tabbed_translation_fields" in src)
        assert ours > theirs


def test_a_role_check_still_refuses_an_english_change_from_a_translator_with_the_new_attributes(
        client, translator, demo_procedure):
    client.force_login(translator)
    page = client.get(change_url(demo_procedure)).content.decode()
    assert "disabled" in input_tag(page, languages.source_field("title"))
    data = extract_form_data(page)
    data[languages.source_field("title")] = "Changed by a translator"
    response = client.post(change_url(demo_procedure), data)
    assert response.status_code == 200
    assert Procedure.objects.get(pk=demo_procedure.pk).english("title") != "Changed by a translator"


def test_what_patients_are_told_about_a_person_is_typed_in_each_language_s_direction(admin_in, reviewer):
    page = admin_in.get(f"{ADMIN}auth/user/{reviewer.pk}/change/").content.decode()
    for code in languages.CODES:
        assert_written_in(page, f"staff_profile-0-{languages.field_name('role', code)}", code)
    assert 'name="staff_profile-0-admin_language"' in page
