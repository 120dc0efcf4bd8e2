"""What clinic staff can do in the admin, and what they see at a glance."""

import html
import re

import pytest

from content.models import Procedure
from tests.builders import add_section, make_procedure

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/content/procedure/add/"


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def procedure_form(**overrides):
    data = {
        "title_en": "Port placement", "title_ar": "تركيب المنفذ", "slug": "port-placement",
        "short_name_en": "", "short_name_ar": "", "also_known_as_en": "", "also_known_as_ar": "",
        "summary_en": "A port is a small device under the skin.",
        "summary_ar": "المنفذ جهاز صغير تحت الجلد.",
        "status": "draft", "last_reviewed": "2026-10-01", "next_review_due": "2027-10-01",
        "reviewer_name": "Dr Example", "reviewer_role_en": "Surgeon", "reviewer_role_ar": "جرّاح",
        **inline_management("sections", total=2),
        "sections-0-kind": "overview", "sections-0-heading_en": "", "sections-0-heading_ar": "",
        "sections-0-body_en": "A port lets the team give medicine [^1].",
        "sections-0-body_ar": "يسمح المنفذ للفريق بإعطاء الدواء [^1].",
        "sections-1-kind": "risks", "sections-1-heading_en": "", "sections-1-heading_ar": "",
        "sections-1-body_en": "- Infection", "sections-1-body_ar": "",
        **inline_management("questions", total=1),
        "questions-0-position": "1", "questions-0-question_en": "Does it hurt?",
        "questions-0-question_ar": "هل يؤلم؟", "questions-0-answer_en": "A little.",
        "questions-0-answer_ar": "قليلًا.",
        **inline_management("citations", total=1),
        "citations-0-number": "1", "citations-0-kind": "article", "citations-0-authors": "Doe J",
        "citations-0-title": "Ports", "citations-0-source": "J Access", "citations-0-year": "2024",
        "citations-0-doi": "10.1000/port", "citations-0-url": "", "citations-0-date": "",
        "citations-0-accessed": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", [ADD_URL, "/admin/content/procedure/", "/admin/content/clinic/add/"])
def test_admin_pages_load_for_staff(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_the_change_page_shows_english_and_arabic_fields_and_inlines(admin_client, demo_procedure):
    page = admin_client.get(f"/admin/content/procedure/{demo_procedure.pk}/change/").content.decode()
    for name in ("title_en", "title_ar", "sections-0-body_en", "sections-0-body_ar",
                 "questions-0-answer_ar", "citations-0-doi"):
        assert f'name="{name}"' in page
    # The language tabs use jQuery UI served from our own static files, never a CDN.
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in page
    assert "cdn" not in page.lower()
    assert "/static/css/admin.css" in page


def test_staff_create_a_procedure_with_sections_questions_and_citations(admin_client):
    response = admin_client.post(ADD_URL, procedure_form())
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    procedure = Procedure.objects.get(slug="port-placement")
    assert [s.kind for s in procedure.sections.all()] == ["overview", "risks"]
    assert procedure.sections.get(kind="overview").body_html_ar.startswith("<p>يسمح")
    assert procedure.questions.get().question_ar == "هل يؤلم؟"
    assert procedure.citations.get().doi == "10.1000/port"
    assert procedure.status == Procedure.Status.DRAFT


def test_staff_edit_a_procedure_and_its_inline_sections(admin_client, demo_procedure):
    url = f"/admin/content/procedure/{demo_procedure.pk}/change/"
    # Re-post exactly what the page shows, with one change, as a browser would.
    data = extract_form_data(admin_client.get(url).content.decode())
    overview_index = next(
        key.split("-")[1] for key, value in data.items()
        if key.startswith("sections-") and key.endswith("-kind") and value == "overview"
    )
    data[f"sections-{overview_index}-body_en"] = "An edited overview."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    demo_procedure.refresh_from_db()
    assert demo_procedure.sections.get(kind="overview").body_html_en == "<p>An edited overview.</p>"
    assert demo_procedure.sections.get(kind="overview").translation_may_be_outdated


def test_a_form_error_keeps_what_staff_typed(admin_client):
    data = procedure_form(**{"sections-0-body_en": "Typed text with <script>x</script> in it."})
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Raw HTML is not allowed" in page
    assert "Typed text with &lt;script&gt;x&lt;/script&gt; in it." in page
    assert "يسمح المنفذ للفريق بإعطاء الدواء" in page
    assert not Procedure.objects.filter(slug="port-placement").exists()


def test_publishing_without_a_review_date_is_refused_with_a_message(admin_client):
    response = admin_client.post(ADD_URL, procedure_form(status="published", last_reviewed=""))
    assert response.status_code == 200
    assert "last reviewed" in response.content.decode()


def test_the_list_shows_status_translation_state_and_overdue_reviews(admin_client):
    make_procedure(slug="live", title_en="Live one")
    draft = make_procedure(slug="draft", title_en="Draft one", status=Procedure.Status.DRAFT,
                           next_review_due="2020-01-01", last_reviewed="2019-01-01")
    add_section(draft, "overview", body_ar="")
    page = admin_client.get("/admin/content/procedure/").content.decode()
    assert "Published" in page and "Draft" in page
    assert "1 part not translated" in page
    assert "Overdue" in page
    assert f'/en/procedures/{draft.slug}/preview/' in page


def test_people_who_are_not_staff_cannot_reach_the_admin_or_previews(client, django_user_model):
    user = django_user_model.objects.create_user("patient", password="a-long-password-1")
    client.force_login(user)
    procedure = make_procedure(status=Procedure.Status.DRAFT)
    assert client.get(ADD_URL).status_code == 302
    assert client.get(f"/en/procedures/{procedure.slug}/preview/").status_code == 302


def extract_form_data(page):
    """The name/value pairs a browser would submit from the admin change form."""
    data = {}
    for match in re.finditer(r"<input[^>]*>", page):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag or 'type="file"' in tag:
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[match.group(1)] = html.unescape(match.group(2).removeprefix("\n"))
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(2))
        data[match.group(1)] = selected.group(1) if selected else ""
    return data



def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_the_typed_text(
    admin_client, demo_procedure
):
    url = f"/admin/content/procedure/{demo_procedure.pk}/change/"
    mine = extract_form_data(admin_client.get(url).content.decode())
    theirs = extract_form_data(admin_client.get(url).content.decode())
    theirs["summary_en"] = "Their summary, saved first."
    assert admin_client.post(url, theirs).status_code == 302
    mine["summary_en"] = "My summary, typed at the same time."
    response = admin_client.post(url, mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this after you opened it" in page
    assert "My summary, typed at the same time." in page
    demo_procedure.refresh_from_db()
    assert demo_procedure.summary_en == "Their summary, saved first."
    # Having seen the message, a fresh form saves normally.
    fresh = extract_form_data(admin_client.get(url).content.decode())
    fresh["summary_en"] = "My summary, typed at the same time."
    assert admin_client.post(url, fresh).status_code == 302


def test_a_stale_clinic_save_is_refused_too(admin_client, demo_procedure):
    from content.models import Clinic

    url = f"/admin/content/clinic/{Clinic.current().pk}/change/"
    mine = extract_form_data(admin_client.get(url).content.decode())
    theirs = dict(mine, phone="+1 555 0111")
    assert admin_client.post(url, theirs).status_code == 302
    response = admin_client.post(url, dict(mine, phone="+1 555 0122"))
    assert response.status_code == 200
    assert "Someone else saved this after you opened it" in response.content.decode()
    assert Clinic.current().phone == "+1 555 0111"


def test_a_translator_can_confirm_the_arabic_still_matches_after_an_english_edit(
    admin_client, demo_procedure
):
    url = f"/admin/content/procedure/{demo_procedure.pk}/change/"
    data = extract_form_data(admin_client.get(url).content.decode())
    index = next(key.split("-")[1] for key, value in data.items()
                 if key.endswith("-kind") and value == "overview")
    data[f"sections-{index}-body_en"] += " A typo fixed."
    assert admin_client.post(url, data).status_code == 302
    page = admin_client.get(url).content.decode()
    assert "May be out of date" in page
    data = extract_form_data(page)
    data[f"sections-{index}-arabic_still_matches"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert not demo_procedure.sections.get(kind="overview").translation_may_be_outdated


def test_the_procedures_own_arabic_can_be_confirmed_after_an_english_edit(admin_client, demo_procedure):
    url = f"/admin/content/procedure/{demo_procedure.pk}/change/"
    data = extract_form_data(admin_client.get(url).content.decode())
    data["summary_en"] += " Now clearer."
    assert admin_client.post(url, data).status_code == 302
    demo_procedure.refresh_from_db()
    assert demo_procedure.translation_may_be_outdated
    data = extract_form_data(admin_client.get(url).content.decode())
    data["arabic_still_matches"] = "on"
    assert admin_client.post(url, data).status_code == 302
    demo_procedure.refresh_from_db()
    assert not demo_procedure.translation_may_be_outdated


@pytest.mark.parametrize(
    "body, named",
    [
        ("Take 1\u202e01\u202c tablets.", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("See ![the pump](https://example.org/pump.png).", "Images are not supported"),
        ("## Before you come\n\nBring your list.", "##"),
        ('!!! caution "Careful"\n    Text.', "caution"),
        ("- " * 1000 + "deep", "cannot be rendered"),
        ("x" * 20_001, "20,000"),
    ],
    ids=["bidi-control", "image", "heading", "callout", "deep-list", "too-long"],
)
def test_markdown_the_page_would_lose_is_a_form_error_that_keeps_the_text(admin_client, body, named):
    response = admin_client.post(ADD_URL, procedure_form(**{"sections-0-body_ar": body}))
    assert response.status_code == 200
    page = response.content.decode()
    assert html.escape(named, quote=False) in page
    assert html.escape(body[:200]) in page  # what they typed is still in the form
    assert not Procedure.objects.filter(slug="port-placement").exists()
