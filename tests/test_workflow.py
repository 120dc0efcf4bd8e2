"""Only what a clinician approved is published: roles, versions, review, freshness, history.

Each test acts as the staff member would, through the admin, with an account in one role.
"""

import datetime
import re
from unittest import mock

import pytest
from django.utils import timezone

from content.editing import freshness, roles
from content.models import Clinic, Procedure, WorkflowEvent
from tests.builders import DEMO_SLUG, add_section, make_procedure, make_staff, publish
from tests.pdf_inspection import page_count
from tests.test_admin import change_url, extract_form_data, section_index
from tests.worker import draw_one_pdf, run_queued_tasks

pytestmark = pytest.mark.django_db

PAGE = f"/{{language}}/procedures/{DEMO_SLUG}/"


def page(client, language="en", **params):
    response = client.get(PAGE.format(language=language), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def as_user(client, user):
    client.force_login(user)
    return client


def edit(client, procedure, **changes):
    """Open the change page as the logged-in user, change what a browser would, and save."""
    page_html = client.get(change_url(procedure)).content.decode()
    data = extract_form_data(page_html)
    for key, value in changes.items():
        if key.startswith("section:"):
            _, kind, field = key.split(":")
            key = f"sections-{section_index(page_html, kind)}-{field}"
        data[key] = value(data.get(key, "")) if callable(value) else value
    return client.post(change_url(procedure), data)


def workflow(client, procedure, action, **data):
    return client.post(f"/admin/content/procedure/{procedure.pk}/workflow/{action}/", data)


def publish_latest(client, procedure):
    procedure.refresh_from_db()
    return workflow(client, procedure, "publish", revision=procedure.revision)


# Roles


def test_an_editor_saves_english_drafts_and_sends_them_for_review_but_cannot_publish(
    client, demo_procedure, editor
):
    as_user(client, editor)
    assert edit(client, demo_procedure, summary_en="A clearer summary.").status_code == 302
    demo_procedure.refresh_from_db()
    assert demo_procedure.summary_en == "A clearer summary."
    assert demo_procedure.status == Procedure.Status.DRAFT
    assert publish_latest(client, demo_procedure).status_code == 403
    assert workflow(client, demo_procedure, "unpublish").status_code == 403
    assert workflow(client, demo_procedure, "submit").status_code == 302
    demo_procedure.refresh_from_db()
    assert demo_procedure.status == Procedure.Status.IN_REVIEW
    assert demo_procedure.live_version.number == 1


def test_an_editors_crafted_post_changing_arabic_is_refused_and_nothing_is_saved(
    client, demo_procedure, editor
):
    as_user(client, editor)
    page_html = client.get(change_url(demo_procedure)).content.decode()
    assert re.search(r'<input[^>]*name="title_ar"[^>]*disabled', page_html)
    data = extract_form_data(page_html)
    data["title_ar"] = "عنوان مزوّر"
    data["summary_en"] = "Also changed."
    response = client.post(change_url(demo_procedure), data)
    assert response.status_code == 200
    assert "Your role may not change" in response.content.decode()
    demo_procedure.refresh_from_db()
    assert demo_procedure.title_ar != "عنوان مزوّر" and demo_procedure.summary_en != "Also changed."


def test_a_translator_changes_arabic_only_and_a_crafted_english_change_is_refused(
    client, demo_procedure, translator
):
    as_user(client, translator)
    response = edit(client, demo_procedure, **{"section:overview:body_ar": "نص عربي جديد."})
    assert response.status_code == 302
    assert demo_procedure.sections.get(kind="overview").body_ar == "نص عربي جديد."
    for crafted in ({"title_en": "Hacked"}, {"section:risks:body_en": "Hacked"},
                    {"slug": "hacked"}, {"citations-0-doi": "10.9999/hacked"}):
        response = edit(client, demo_procedure, **crafted)
        assert response.status_code == 200, crafted
        assert "Your role may not change" in response.content.decode()
    demo_procedure.refresh_from_db()
    assert demo_procedure.slug == DEMO_SLUG and demo_procedure.title_en != "Hacked"
    assert "Hacked" not in demo_procedure.sections.get(kind="risks").body_en


def test_a_translator_cannot_add_or_delete_sections_even_with_a_crafted_post(
    client, demo_procedure, translator
):
    as_user(client, translator)
    data = extract_form_data(client.get(change_url(demo_procedure)).content.decode())
    deleted = dict(data, **{"questions-0-DELETE": "on"})
    response = client.post(change_url(demo_procedure), deleted)
    assert response.status_code == 200
    assert "may not add or remove" in response.content.decode()
    total = int(data["questions-TOTAL_FORMS"])
    added = dict(data, **{"questions-TOTAL_FORMS": str(total + 1),
                          f"questions-{total}-question_en": "Injected?",
                          f"questions-{total}-answer_en": "Yes.",
                          f"questions-{total}-position": "99"})
    response = client.post(change_url(demo_procedure), added)
    assert response.status_code == 200
    assert demo_procedure.questions.filter(question_en="Injected?").count() == 0
    assert demo_procedure.questions.count() == total


def test_a_translator_cannot_publish(client, demo_procedure, translator):
    as_user(client, translator)
    assert publish_latest(client, demo_procedure).status_code == 403


def test_a_reviewer_publishes_but_cannot_change_texts(client, demo_procedure, editor, reviewer):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="Reviewed summary.")
    workflow(client, demo_procedure, "submit")
    as_user(client, reviewer)
    response = edit(client, demo_procedure, summary_en="A reviewer's own edit.")
    assert "Your role may not change" in response.content.decode()
    assert publish_latest(client, demo_procedure).status_code == 302
    demo_procedure.refresh_from_db()
    live = demo_procedure.live_version
    assert live.number == 2 and live.document["texts"]["summary"]["en"] == "Reviewed summary."
    assert live.document["reviewer"]["name"] == "Rana Reviewer"
    assert live.document["reviewer"]["role"]["en"] == "Consultant liver surgeon"
    assert live.last_reviewed == timezone.localdate()
    assert live.next_review_due == timezone.localdate().replace(year=timezone.localdate().year + 1)
    assert WorkflowEvent.objects.filter(action="published", user=reviewer, version_number=2).exists()


def test_plain_change_permission_neither_publishes_nor_edits(client, demo_procedure):
    from django.contrib.auth.models import Permission

    user = make_staff("plain")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_procedure",
                                                                       "change_procedure"]))
    as_user(client, user)
    assert publish_latest(client, demo_procedure).status_code == 403
    response = edit(client, demo_procedure, summary_en="Sneaky.")
    assert "Your role may not change" in response.content.decode()


def test_a_reviewer_without_a_name_and_role_is_asked_for_them_before_publishing(
    client, demo_procedure, editor
):
    anonymous = make_staff("nameless", group=roles.CLINICAL_REVIEWER)
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="Needs a named reviewer.")
    as_user(client, anonymous)
    response = publish_latest(client, demo_procedure)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("no full name or clinical role yet" in m for m in messages)
    assert Procedure.objects.get(pk=demo_procedure.pk).live_version.number == 1


def review_box_buttons(client, procedure):
    """(the action each button of the change page's review box posts to, its label)."""
    html = client.get(change_url(procedure)).content.decode()
    box = html.split('class="workflow__actions"')[1].split("</div>")[0]
    # A form posting at once, or a link to a page asking for confirmation (unpublish).
    return re.findall(r'/workflow/(\w+)/".*?(?:<button[^>]*>|class="button">)([^<]+)<', box)


def test_each_role_is_shown_the_buttons_of_its_own_actions_for_the_pages_state(
    client, demo_procedure, editor, translator, reviewer
):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="A clearer summary.")  # a draft, newer than the live v1
    assert review_box_buttons(client, demo_procedure) == [("submit", "Send for review")]
    as_user(client, translator)
    assert review_box_buttons(client, demo_procedure) == [
        ("check_translation", "I checked the Arabic translation")]
    as_user(client, reviewer)  # a draft is not published before it is sent for review
    assert review_box_buttons(client, demo_procedure) == [
        ("check_translation", "I checked the Arabic translation"), ("unpublish", "Unpublish")]
    as_user(client, editor)
    workflow(client, demo_procedure, "submit")
    assert review_box_buttons(client, demo_procedure) == []
    as_user(client, reviewer)
    assert [name for name, _label in review_box_buttons(client, demo_procedure)] == [
        "publish", "check_translation", "send_back", "unpublish"]


@pytest.mark.parametrize("role", ["editor", "translator", "reviewer"])
def test_a_crafted_post_for_an_action_outside_the_role_is_refused_and_changes_nothing(
    client, demo_procedure, role, request
):
    user = request.getfixturevalue(role)
    as_user(client, user)
    before = (Procedure.objects.get(pk=demo_procedure.pk).status, demo_procedure.events.count(),
              demo_procedure.revisions.count())
    refused = {"editor": ["publish", "unpublish", "send_back", "check_translation"],
               "translator": ["submit", "publish", "unpublish", "send_back"],
               "reviewer": ["submit"]}[role]
    for action in refused:
        response = workflow(client, demo_procedure, action, comment="Crafted.", revision=1)
        assert response.status_code == 403, action
        assert "Your role may not do this." in response.content.decode(), action
    for not_a_button_here in ("restore", "delete"):
        assert workflow(client, demo_procedure, not_a_button_here).status_code == 403
    restore = client.post(f"/admin/content/procedure/{demo_procedure.pk}/revisions/1/restore/")
    assert restore.status_code == (302 if role == "editor" else 403)
    if role != "editor":
        assert (Procedure.objects.get(pk=demo_procedure.pk).status, demo_procedure.events.count(),
                demo_procedure.revisions.count()) == before


# Publishing


def test_a_live_page_changes_only_when_the_draft_is_published_and_carries_its_number(
    client, demo_procedure, editor, reviewer
):
    public = client.__class__()
    before = page(public)
    as_user(client, editor)
    edit(client, demo_procedure, **{"section:overview:body_en": "A newly drafted overview."})
    assert page(public) == before
    assert "A newly drafted overview." in client.get(
        f"/en/procedures/{DEMO_SLUG}/preview/").content.decode()
    workflow(client, demo_procedure, "submit")
    assert page(public) == before
    as_user(client, reviewer)
    publish_latest(client, demo_procedure)
    after = page(public)
    assert "A newly drafted overview." in after and "Version 2, published" in after
    handout = public.get(f"/en/procedures/{DEMO_SLUG}/handout/").content.decode()
    assert f"{DEMO_SLUG} v2" in handout
    draw_one_pdf(Procedure.objects.get(pk=demo_procedure.pk).live_version, "en")
    pdf = public.get(f"/en/procedures/{DEMO_SLUG}/handout.pdf")
    assert "-v2-en.pdf" in pdf["Content-Disposition"] and page_count(pdf.content) > 1


@pytest.mark.draws_pdfs
def test_publishing_has_the_worker_draw_the_pdfs_so_no_patient_waits(
    client, demo_procedure, editor, reviewer, django_capture_on_commit_callbacks
):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="A summary for version two.")
    workflow(client, demo_procedure, "submit")
    as_user(client, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_latest(client, demo_procedure)
    messages = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "Its PDF handouts are being prepared" in messages
    live = Procedure.objects.get(pk=demo_procedure.pk).live_version
    assert live.handouts.count() == 0  # the request drew none
    run_queued_tasks()
    assert live.handouts.count() == 6  # English, Arabic, both; A4 and Letter
    pdf = client.get(f"/ar/procedures/{DEMO_SLUG}/handout/bilingual.pdf?paper=letter")
    assert "-v2-en-ar-letter.pdf" in pdf["Content-Disposition"] and page_count(pdf.content) > 1


def test_publishing_is_refused_while_an_english_section_is_empty_or_a_citation_is_missing(
    client, editor, reviewer
):
    from content.editing.revisions import record_revision

    # Put in review as a file or the shell could: sending for review refuses these problems too.
    procedure = make_procedure(status=Procedure.Status.IN_REVIEW)
    add_section(procedure, "overview", body_en="Cites a reference that is not there [^4].")
    add_section(procedure, "risks", body_en="   ", body_ar="")  # as a file or the shell could
    record_revision(procedure)
    as_user(client, reviewer)
    response = publish_latest(client, procedure)
    messages = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "Risks: the English text is empty." in messages
    assert "Overview (en) cites [^4], but there is no reference 4." in messages
    assert Procedure.objects.get(pk=procedure.pk).live_version is None


def test_the_admin_refuses_a_marker_without_its_citation_and_deleting_a_cited_one(
    admin_client, demo_procedure
):
    response = edit(admin_client, demo_procedure,
                    **{"section:overview:body_en": lambda text: text + " See [^99]."})
    assert "cites [^99], but there is no reference 99" in response.content.decode()
    data = extract_form_data(admin_client.get(change_url(demo_procedure)).content.decode())
    data["citations-0-DELETE"] = "on"  # reference 1, cited in the overview
    response = admin_client.post(change_url(demo_procedure), data)
    assert response.status_code == 200
    assert "cites [^1], but there is no reference 1" in response.content.decode()
    assert demo_procedure.citations.count() == 15


def test_publishing_a_revision_other_than_the_one_the_reviewer_saw_is_refused(
    client, demo_procedure, editor, reviewer
):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="First change.")
    seen = Procedure.objects.get(pk=demo_procedure.pk).revision
    edit(client, demo_procedure, summary_en="A later change the reviewer has not seen.")
    as_user(client, reviewer)
    response = workflow(client, demo_procedure, "publish", revision=seen)
    messages = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "changed after you opened it" in messages and "Erin Editor" in messages
    assert Procedure.objects.get(pk=demo_procedure.pk).live_version.number == 1


def test_a_reviewer_sends_a_draft_back_with_a_comment_the_editor_then_sees(
    client, demo_procedure, editor, reviewer
):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="Unclear summary.")
    workflow(client, demo_procedure, "submit")
    as_user(client, reviewer)
    assert workflow(client, demo_procedure, "send_back", comment="").status_code == 302
    assert Procedure.objects.get(pk=demo_procedure.pk).status == Procedure.Status.IN_REVIEW
    workflow(client, demo_procedure, "send_back", comment="Say which doses are meant.")
    assert Procedure.objects.get(pk=demo_procedure.pk).status == Procedure.Status.DRAFT
    as_user(client, editor)
    html = client.get(change_url(demo_procedure)).content.decode()
    assert "Sent back by Rana Reviewer" in html and "Say which doses are meant." in html


# Translation freshness, through the admin as staff would use it


def test_a_browser_resubmitting_untouched_text_with_crlf_changes_no_flag(client, demo_procedure, editor):
    as_user(client, editor)
    data = extract_form_data(client.get(change_url(demo_procedure)).content.decode())
    crlf = {key: value.replace("\n", "\r\n") for key, value in data.items()}
    assert client.post(change_url(demo_procedure), crlf).status_code == 302
    procedure = Procedure.objects.get(pk=demo_procedure.pk)
    assert procedure.arabic_outdated == 0
    assert procedure.revision == demo_procedure.revision  # nothing changed, nothing recorded


def test_a_heading_only_edit_flags_only_that_heading(client, demo_procedure, editor):
    as_user(client, editor)
    edit(client, demo_procedure, **{"section:living_with:heading_en": "Living with your pump"})
    states = {(s.kind, f): state for s in demo_procedure.sections.all()
              for f, state in s.field_states().items() if state == freshness.OUTDATED}
    assert states == {("living_with", "heading"): freshness.OUTDATED}
    assert Procedure.objects.get(pk=demo_procedure.pk).arabic_outdated == 1


def test_an_edit_marked_as_not_changing_the_meaning_keeps_the_translation_current(
    client, demo_procedure, editor
):
    as_user(client, editor)
    data = extract_form_data(client.get(change_url(demo_procedure)).content.decode())
    index = section_index(data, "overview")
    data[f"sections-{index}-body_en"] = data[f"sections-{index}-body_en"].replace(" the ", " the  ", 1)
    data[f"sections-{index}-body_en"] += " "
    data[f"sections-{index}-body_en"] = data[f"sections-{index}-body_en"].replace("liver", "Liver", 1)
    data[f"sections-{index}-english_keeps_meaning"] = "on"
    assert client.post(change_url(demo_procedure), data).status_code == 302
    assert demo_procedure.sections.get(kind="overview").field_state("body") == freshness.CURRENT


def test_a_translator_sees_the_english_change_word_by_word_and_can_confirm_that_field(
    client, demo_procedure, editor, translator
):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en=lambda text: text.replace("strong", "powerful"))
    edit(client, demo_procedure, **{"section:risks:body_en": lambda text: text + " Rarely, more."})
    as_user(client, translator)
    html = client.get(change_url(demo_procedure)).content.decode()
    assert "<del>strong</del><ins>powerful</ins>" in html
    data = extract_form_data(html)
    data["confirm_arabic"] = "summary"
    assert client.post(change_url(demo_procedure), data).status_code == 302
    procedure = Procedure.objects.get(pk=demo_procedure.pk)
    assert procedure.field_state("summary") == freshness.CURRENT
    assert procedure.translation["summary"]["by"] == "Tariq Translator"
    assert demo_procedure.sections.get(kind="risks").field_state("body") == freshness.OUTDATED


def test_a_one_word_arabic_edit_clears_only_its_own_field(client, demo_procedure, editor, translator):
    as_user(client, editor)
    edit(client, demo_procedure, **{"section:risks:body_en": lambda t: t + " More.",
                                    "section:travel:body_en": lambda t: t + " More."})
    as_user(client, translator)
    edit(client, demo_procedure, **{"section:risks:body_ar": lambda t: t + " المزيد."})
    states = {s.kind: s.field_state("body") for s in demo_procedure.sections.all()}
    assert states["risks"] == freshness.CURRENT and states["travel"] == freshness.OUTDATED


# What patients see


def _publish_as(client, procedure, reviewer):
    as_user(client, reviewer)
    return publish_latest(client, procedure)


def test_out_of_date_title_summary_and_clinic_texts_are_flagged_on_the_arabic_page_and_handout(
    client, demo_procedure, editor, reviewer
):
    as_user(client, editor)
    edit(client, demo_procedure, title_en=lambda t: t + " (HAI)", summary_en=lambda t: t + " More.")
    assert workflow(client, demo_procedure, "submit").status_code == 302
    clinic_url = f"/admin/content/clinic/{Clinic.current().pk}/change/"
    as_user(client, make_staff("clinic-admin", group=roles.CLINIC_ADMINISTRATOR))
    data = extract_form_data(client.get(clinic_url).content.decode())
    data["emergency_instructions_en"] = "Call 999 at once."
    assert client.post(clinic_url, data).status_code == 302
    _publish_as(client, demo_procedure, reviewer)
    public = client.__class__()
    for url in (PAGE.format(language="ar"), f"/ar/procedures/{DEMO_SLUG}/handout/"):
        html = public.get(url).content.decode()
        header = html.split("</h1>")[0] + html.split("</h1>")[1][:3000]
        assert header.count("notice--outdated") >= 2, url  # the title and the summary
        assert f'href="/en/procedures/{DEMO_SLUG}/"' in html
        today = timezone.localdate()
        assert f"{today.day} نوفمبر {today.year}" in html or str(today.year) in html
    footer = public.get(PAGE.format(language="ar")).content.decode().split('id="clinic-contact"')[1]
    assert "notice--outdated" in footer


def test_the_admin_counts_the_same_gaps_patients_are_shown(client, editor, reviewer):
    procedure = make_procedure(also_known_as_en="Port", also_known_as_ar="")
    add_section(procedure, "overview", body_ar="")
    add_section(procedure, "risks", heading_en="What can go wrong", heading_ar="")
    publish(procedure)
    procedure.refresh_from_db()
    html = client.get(f"/ar/procedures/{procedure.slug}/").content.decode()
    flagged = [html.count("notice--untranslated notice--inline"),  # also known as
               html.count('<div class="prose" lang="en" dir="ltr">'),  # the overview
               html.count("notice--standard-heading")]  # risks' own heading
    assert (procedure.arabic_missing, procedure.arabic_outdated) == (sum(flagged), 0) == (3, 0)
    as_user(client, editor)
    listing = client.get("/admin/content/procedure/").content.decode()
    assert "3 parts not translated" in listing


def test_the_overdue_notice_appears_exactly_once_the_due_date_has_passed(client):
    procedure = make_procedure()
    add_section(procedure, "overview")
    today = timezone.localdate()
    publish(procedure, last_reviewed=today - datetime.timedelta(days=365), next_review_due=today)
    urls = (f"/en/procedures/{procedure.slug}/", f"/ar/procedures/{procedure.slug}/handout/")
    for url in urls:
        assert "notice--overdue" not in client.get(url).content.decode(), url
    # The next morning: nothing was saved, yet the pages served from the cache yesterday change.
    tomorrow = today + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        for url in urls:
            assert "notice--overdue" in client.get(url).content.decode(), url


def test_an_old_printout_is_told_the_page_changed_and_the_current_one_is_not(client, demo_procedure):
    section = demo_procedure.sections.get(kind="overview")
    section.body_en += " Updated."
    section.save()
    publish(demo_procedure)
    old = page(client, "ar", version=1)
    assert "notice--updated" in old
    for current in (page(client, "ar", version=2), page(client, "ar"), page(client, "ar", version="x")):
        assert "notice--updated" not in current
    # A version never published leads to the page's own address (not a page kept per number).
    invented = client.get(PAGE.format(language="ar"), {"version": 99})
    assert (invented.status_code, invented.url) == (302, PAGE.format(language="ar"))


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ar", "rtl")])
def test_an_unpublished_page_is_gone_in_its_language_with_the_clinic_phone(
    client, demo_procedure, reviewer, language, direction
):
    as_user(client, reviewer)
    workflow(client, demo_procedure, "unpublish", comment="Being rewritten.")
    public = client.__class__()
    for path in ("", "handout/", "handout.pdf"):
        response = public.get(f"/{language}/procedures/{DEMO_SLUG}/{path}")
        assert response.status_code == 410
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html and html.count("<h1") == 1
        assert 'href="tel:+15550100"' in html
    assert public.get(f"/{language}/procedures/no-such-page/").status_code == 404
    assert DEMO_SLUG not in public.get(f"/{language}/").content.decode()
    event = demo_procedure.events.get(action="unpublished")
    assert event.comment == "Being rewritten." and event.user_name == "Rana Reviewer"


def test_the_arabic_page_names_who_translated_it_and_who_checked_the_translation(
    client, demo_procedure, editor, translator, reviewer
):
    as_user(client, editor)
    edit(client, demo_procedure, **{"section:risks:body_en": lambda t: t + " More."})
    as_user(client, translator)
    edit(client, demo_procedure, **{"section:risks:body_ar": lambda t: t + " المزيد."})
    response = workflow(client, demo_procedure, "check_translation")
    assert "another translator" in " ".join(str(m) for m in response.wsgi_request._messages)
    as_user(client, editor)
    workflow(client, demo_procedure, "submit")
    as_user(client, reviewer)
    workflow(client, demo_procedure, "check_translation")
    publish_latest(client, demo_procedure)
    html = page(client.__class__(), "ar")
    assert "Tariq Translator" in html and "Rana Reviewer" in html
    credits = html.split("review-dates")[1].split("</dl>")[0]
    assert credits.index("Tariq Translator") < credits.rindex("Rana Reviewer")


# History


def test_history_lists_revisions_and_events_and_compares_any_two_word_by_word(
    client, demo_procedure, editor
):
    as_user(client, editor)
    edit(client, demo_procedure, **{"section:overview:body_en": lambda t: t.replace("pump", "device", 1)})
    history = client.get(f"/admin/content/procedure/{demo_procedure.pk}/history/").content.decode()
    assert "r2" in history and "Erin Editor" in history and "v1" in history
    diff = client.get(f"/admin/content/procedure/{demo_procedure.pk}/compare/",
                      {"from": 1, "to": 2}).content.decode()
    assert "<del>pump" in diff and "<ins>device" in diff
    assert "Overview" in diff and "Risks" not in diff
    bad = client.get(f"/admin/content/procedure/{demo_procedure.pk}/compare/", {"from": 1, "to": 9})
    assert bad.status_code == 200 and "Choose two revisions" in bad.content.decode()


def test_restore_makes_a_new_draft_from_an_old_revision_and_rewrites_nothing(
    client, demo_procedure, editor
):
    original = demo_procedure.sections.get(kind="overview").body_en
    as_user(client, editor)
    edit(client, demo_procedure, **{"section:overview:body_en": "Replaced overview."})
    response = client.post(f"/admin/content/procedure/{demo_procedure.pk}/revisions/1/restore/")
    assert response.status_code == 302
    assert demo_procedure.sections.get(kind="overview").body_en == original
    numbers = list(demo_procedure.revisions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    assert demo_procedure.revisions.get(number=2).content["sections"][0]["body_en"] == "Replaced overview."
    assert demo_procedure.events.filter(action="restored").exists()
    assert Procedure.objects.get(pk=demo_procedure.pk).live_version.number == 1


def test_the_dashboard_shows_drafts_reviews_due_and_overdue_and_the_arabic_state(
    client, editor
):
    overdue = make_procedure(slug="overdue", title_en="Overdue page")
    add_section(overdue, "overview")
    today = timezone.localdate()
    publish(overdue, last_reviewed=today - datetime.timedelta(days=400),
            next_review_due=today - datetime.timedelta(days=3))
    soon = make_procedure(slug="soon", title_en="Soon page")
    add_section(soon, "overview", body_ar="")
    publish(soon, last_reviewed=today, next_review_due=today + datetime.timedelta(days=10))
    as_user(client, editor)
    html = client.get("/admin/").content.decode()
    dashboard = html.split('class="portal-dashboard"')[1].split("</section>")[0]
    due = dashboard.split("Review due within 30 days")[1].split("</div>")[0]
    late = dashboard.split("Review overdue")[1].split("</div>")[0]
    assert "Soon page" in due and "Overdue page" not in due
    assert "Overdue page" in late and "Soon page" not in late
    assert "1 part not translated" in dashboard


# Everything patients read goes through review: the glossary, the clinic, the page's address


def _term_and_page():
    from content.models import GlossaryTerm
    from tests.builders import publish_glossary

    term = GlossaryTerm.objects.create(slug="catheter", term_en="catheter", term_ar="قسطرة",
                                       definition_en="A thin tube.", definition_ar="أنبوب رفيع.")
    publish_glossary()
    procedure = make_procedure("catheters")
    add_section(procedure, "overview", body_en="A catheter is placed.", body_ar="توضع القسطرة.")
    publish(procedure)
    return term, procedure


def _glossary_change_url(term):
    return f"/admin/content/glossaryterm/{term.pk}/change/"


def test_an_editors_glossary_definition_is_on_no_page_until_a_reviewer_publishes_the_glossary(
    client, editor, reviewer
):
    term, procedure = _term_and_page()
    as_user(client, editor)
    data = extract_form_data(client.get(_glossary_change_url(term)).content.decode())
    data["definition_en"] = "A soft, thin tube."
    assert client.post(_glossary_change_url(term), data).status_code == 302
    # The page is published again after the edit: still the reviewed explanation.
    procedure.summary_en = "Changed so there is something to publish."
    procedure.save()
    publish(procedure)
    public = client.__class__()
    for path in ("/en/glossary/", "/en/procedures/catheters/"):
        html = public.get(path).content.decode()
        assert "A thin tube" in html and "A soft, thin tube" not in html, path
    listing = client.get("/admin/content/glossaryterm/").content.decode()
    assert "Unpublished changes" in listing and "catheter" in listing.split("Unpublished changes")[1]
    assert "Publish the glossary" not in listing  # not an editor's button...
    assert client.post("/admin/content/glossaryterm/publish/").status_code == 403  # ...nor POST
    as_user(client, reviewer)
    assert "Publish the glossary" in client.get("/admin/content/glossaryterm/").content.decode()
    assert client.post("/admin/content/glossaryterm/publish/").status_code == 302
    assert "A soft, thin tube." in public.get("/en/glossary/").content.decode()
    procedure.summary_en = "Changed again."
    procedure.save()
    publish(procedure)
    assert "A soft, thin tube" in public.get("/en/procedures/catheters/").content.decode()


def test_an_editor_cannot_delete_a_glossary_term_and_a_reviewers_deletion_waits_for_publishing(
    client, editor, reviewer
):
    from content.models import GlossaryTerm

    term, _procedure = _term_and_page()
    delete_url = f"/admin/content/glossaryterm/{term.pk}/delete/"
    as_user(client, editor)
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert GlossaryTerm.objects.filter(pk=term.pk).exists()
    as_user(client, reviewer)
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not GlossaryTerm.objects.filter(pk=term.pk).exists()
    public = client.__class__()
    assert "A thin tube." in public.get("/en/glossary/").content.decode()
    assert client.post("/admin/content/glossaryterm/publish/").status_code == 302
    assert "A thin tube." not in public.get("/en/glossary/").content.decode()


def _clinic_post(client, **changes):
    url = f"/admin/content/clinic/{Clinic.current().pk}/change/"
    data = extract_form_data(client.get(url).content.decode())
    return client.post(url, data | changes)


def test_an_editors_or_translators_clinic_change_is_refused(client, demo_procedure, editor, translator):
    before = Clinic.current().phone
    for user in (editor, translator):
        as_user(client, user)
        response = _clinic_post(client, phone="+1 555 0199", emergency_instructions_en="Wait.",
                                address_en="Elsewhere")
        assert response.status_code == 403, user
    assert Clinic.current().phone == before


@pytest.mark.parametrize("group", [roles.CLINICAL_REVIEWER, roles.CLINIC_ADMINISTRATOR])
def test_a_reviewers_or_clinic_administrators_clinic_change_is_saved_with_who_and_when(
    client, demo_procedure, group
):
    from content.models import ClinicRevision

    user = make_staff("keeper", group=group, first_name="Kim", last_name="Keeper")
    as_user(client, user)
    response = _clinic_post(client, phone="+1 555 0199", emergency_instructions_en="Call 999.")
    assert response.status_code == 302
    clinic = Clinic.current()
    assert (clinic.phone, clinic.english("emergency_instructions")) == ("+1 555 0199", "Call 999.")
    latest = ClinicRevision.objects.filter(clinic=clinic).first()
    assert (latest.created_by, latest.created_by_name) == (user, "Kim Keeper")
    assert timezone.now() - latest.created_at < datetime.timedelta(minutes=1)
    page_html = client.get(f"/admin/content/clinic/{clinic.pk}/change/").content.decode()
    recorded = page_html.split('class="recorded-changes"')[1].split("</ul>")[0]
    when = timezone.localtime(latest.created_at).strftime("%Y-%m-%d %H:%M")
    assert f"r{latest.number} · {when} · Kim Keeper (keeper)" in recorded


def test_a_slug_change_is_not_public_until_it_is_published(client, editor):
    procedure = make_procedure("liver-pump")
    add_section(procedure, "overview")
    publish(procedure)
    as_user(client, editor)
    assert edit(client, procedure, slug="hai-pump").status_code == 302
    public = client.__class__()
    assert public.get("/en/procedures/liver-pump/").status_code == 200
    assert public.get("/en/procedures/hai-pump/").status_code == 404
    assert 'href="/en/procedures/liver-pump/"' in public.get("/en/").content.decode()
    procedure.refresh_from_db()
    publish(procedure)
    assert public.get("/en/procedures/hai-pump/").status_code == 200


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("suffix", ["", "handout/", "handout.pdf", "handout/bilingual/",
                                    "handout/bilingual.pdf"])
def test_after_publishing_every_old_address_answers_301_to_the_new_one_keeping_the_query(
    client, language, suffix
):
    procedure = make_procedure("liver-pump")
    add_section(procedure, "overview")
    publish(procedure)
    for slug in ("hai-pump", "hai-pump-chemotherapy"):  # two renames: both old addresses lead on
        procedure.slug = slug
        procedure.save()
        publish(procedure)
    for old in ("liver-pump", "hai-pump"):
        response = client.get(f"/{language}/procedures/{old}/{suffix}?version=1&paper=letter")
        assert response.status_code == 301, (old, suffix)
        assert response["Location"] == (
            f"/{language}/procedures/hai-pump-chemotherapy/{suffix}?version=1&paper=letter")
    assert client.get(f"/{language}/procedures/liver-pump/{suffix}")["Location"] == (
        f"/{language}/procedures/hai-pump-chemotherapy/{suffix}")


def test_an_unknown_address_is_404_and_a_withdrawn_pages_old_address_leads_to_its_410(client, reviewer):
    from content.publishing import workflow as publishing

    procedure = make_procedure("liver-pump")
    add_section(procedure, "overview")
    publish(procedure)
    procedure.slug = "hai-pump"
    procedure.save()
    publish(procedure)
    assert client.get("/en/procedures/no-such-page/").status_code == 404
    assert client.get("/en/procedures/no-such-page/handout.pdf").status_code == 404
    publishing.unpublish(procedure, reviewer, "No longer offered.")
    response = client.get("/en/procedures/liver-pump/")
    assert (response.status_code, response["Location"]) == (301, "/en/procedures/hai-pump/")
    assert client.get("/en/procedures/hai-pump/").status_code == 410


def test_an_old_address_of_one_page_cannot_be_taken_by_another(client, editor):
    first = make_procedure("liver-pump")
    add_section(first, "overview")
    publish(first)
    first.slug = "hai-pump"
    first.save()
    publish(first)
    other = make_procedure("other-page", title_en="Another page")
    as_user(client, editor)
    response = edit(client, other, slug="liver-pump")
    assert response.status_code == 200
    assert "Another page was published at this address" in response.content.decode()
    other.refresh_from_db()
    assert other.slug == "other-page"
    assert client.__class__().get("/en/procedures/liver-pump/").status_code == 301
