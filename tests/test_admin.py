"""What clinic staff can do in the admin, and what they see at a glance."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.editing import roles
from content.editing.revisions import record_revision
from content.models import Procedure
from tests.builders import add_section, make_procedure, make_staff, publish
from tests.test_layout import MODULES, imported_modules, known

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
        **inline_management("codes", total=1),
        "codes-0-system": "icd10cm", "codes-0-code": "c78.7",
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
    # Codes are saved in the form EHRs send them, and are part of the revision to review.
    assert [(c.system, c.code) for c in procedure.codes.all()] == [("icd10cm", "C78.7")]
    assert procedure.revisions.get().content["codes"] == [{"system": "icd10cm", "code": "C78.7"}]
    assert procedure.sections.get(kind="overview").body_ar.startswith("يسمح")
    assert procedure.questions.get().question_ar == "هل يؤلم؟"
    assert procedure.citations.get().doi == "10.1000/port"
    assert procedure.status == Procedure.Status.DRAFT
    assert procedure.revisions.get().number == 1 and procedure.live_version is None


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
    overview = demo_procedure.sections.get(kind="overview")
    assert overview.body_en == "An edited overview."
    assert overview.field_states() == {"body": "outdated", "heading": "n/a"}


def test_a_form_error_keeps_what_staff_typed(admin_client):
    data = procedure_form(**{"sections-0-body_en": "Typed text with <script>x</script> in it."})
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Raw HTML is not allowed" in page
    assert "Typed text with &lt;script&gt;x&lt;/script&gt; in it." in page
    assert "يسمح المنفذ للفريق بإعطاء الدواء" in page
    assert not Procedure.objects.filter(slug="port-placement").exists()


def test_the_list_shows_status_live_version_translation_state_and_overdue_reviews(admin_client):
    live = make_procedure(slug="live", title_en="Live one")
    add_section(live, "overview")
    publish(live, last_reviewed=datetime.date(2019, 1, 1), next_review_due=datetime.date(2020, 1, 1))
    draft = make_procedure(slug="draft", title_en="Draft one")
    add_section(draft, "overview", body_ar="")
    record_revision(draft)
    page = admin_client.get("/admin/content/procedure/").content.decode()
    assert "live: version 1" in page and "Draft" in page
    assert "1 part not translated" in page
    assert "Overdue" in page
    assert f'/en/procedures/{draft.slug}/preview/' in page
    filtered = admin_client.get("/admin/content/procedure/?arabic=missing").content.decode()
    assert "Draft one" in filtered and "Live one" not in filtered


def a_procedure_in_each_state(number):
    """A draft never published, a live page, and a withdrawn one (published, then unpublished)."""
    draft = make_procedure(slug=f"draft-{number}", title_en=f"Draft {number}")
    record_revision(draft)
    live = make_procedure(slug=f"live-{number}", title_en=f"Live {number}")
    add_section(live, "overview")
    publish(live)
    withdrawn = make_procedure(slug=f"withdrawn-{number}", title_en=f"Withdrawn {number}")
    add_section(withdrawn, "overview")
    publish(withdrawn)
    Procedure.objects.filter(pk=withdrawn.pk).update(live_version=None)


def test_the_procedure_list_costs_the_same_queries_for_one_row_and_for_many(admin_client):
    def list_queries():
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get("/admin/content/procedure/").content.decode()
        return len(queries), page

    withdrawn = make_procedure(slug="withdrawn", title_en="Withdrawn")
    add_section(withdrawn, "overview")
    publish(withdrawn)
    Procedure.objects.filter(pk=withdrawn.pk).update(live_version=None)
    list_queries()  # the first request of a test fills per-process caches (content types...)
    one, page = list_queries()
    assert page.count("withdrawn</span>") == 1
    for number in range(3):
        a_procedure_in_each_state(number)
    many, page = list_queries()
    assert page.count("withdrawn</span>") == 4 and page.count("live: version 1") == 3
    assert many == one


def test_people_who_are_not_staff_cannot_reach_the_admin_or_previews(client, django_user_model):
    user = django_user_model.objects.create_user("patient", password="a-long-password-1")
    client.force_login(user)
    procedure = make_procedure(status=Procedure.Status.DRAFT)
    assert client.get(ADD_URL).status_code == 302
    assert client.get(f"/en/procedures/{procedure.slug}/preview/").status_code == 404


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
        if " disabled" in tag:  # browsers do not send disabled fields
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for match in re.finditer(r'<textarea([^>]*)name="([^"]+)"([^>]*)>(.*?)</textarea>', page, re.S):
        if " disabled" in match.group(1) + match.group(3):
            continue
        data[match.group(2)] = html.unescape(match.group(4).removeprefix("\n"))
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        if " disabled" in match.group(0).split(">")[0]:
            continue
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(2))
        data[match.group(1)] = selected.group(1) if selected else ""
    return data



def test_a_save_over_someone_elses_newer_save_is_refused_names_them_and_keeps_the_text(
    client, demo_procedure
):
    editor = make_staff("ed", group=roles.EDITOR, first_name="Erin", last_name="Editor")
    other = make_staff("ot", group=roles.EDITOR, first_name="Omar", last_name="Other")
    url = change_url(demo_procedure)
    client.force_login(editor)
    mine = extract_form_data(client.get(url).content.decode())
    client.force_login(other)
    theirs = extract_form_data(client.get(url).content.decode())
    theirs["summary_en"] = "Their summary, saved first."
    assert client.post(url, theirs).status_code == 302
    client.force_login(editor)
    mine["summary_en"] = "My summary, typed at the same time."
    response = client.post(url, mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Omar Other saved this at" in page
    assert "My summary, typed at the same time." in page
    demo_procedure.refresh_from_db()
    assert demo_procedure.summary_en == "Their summary, saved first."
    # Having seen the message, a fresh form saves normally.
    fresh = extract_form_data(client.get(url).content.decode())
    fresh["summary_en"] = "My summary, typed at the same time."
    assert client.post(url, fresh).status_code == 302


def test_a_stale_clinic_save_is_refused_too(admin_client, demo_procedure):
    from content.models import Clinic

    url = f"/admin/content/clinic/{Clinic.current().pk}/change/"
    mine = extract_form_data(admin_client.get(url).content.decode())
    theirs = dict(mine, phone="+1 555 0111")
    assert admin_client.post(url, theirs).status_code == 302
    response = admin_client.post(url, dict(mine, phone="+1 555 0122"))
    assert response.status_code == 200
    assert "saved this at" in response.content.decode()
    assert Clinic.current().phone == "+1 555 0111"
    assert Clinic.current().revisions.count() == 2  # loaded, then saved once
    recorded = admin_client.get(url).content.decode().split('class="recorded-changes"')[1]
    assert "r2 · " in recorded and "r1 · " in recorded


def change_url(procedure):
    return f"/admin/content/procedure/{procedure.pk}/change/"


def section_index(page, kind):
    """The inline form index of the section of `kind` on a change page (or in its form data)."""
    if isinstance(page, dict):
        return next(key.split("-")[1] for key, value in page.items()
                    if key.startswith("sections-") and key.endswith("-kind") and value == kind)
    # Read from the page itself: for a translator the select is disabled and never submitted.
    for index, options in re.findall(r'<select[^>]*name="sections-(\d+)-kind"[^>]*>(.*?)</select>',
                                     page, re.S):
        if re.search(rf'<option value="{kind}" selected', options):
            return index
    raise LookupError(kind)


@pytest.mark.parametrize(
    "body, named",
    [
        ("Take 1\u202e01\u202c tablets.", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("See ![the pump](https://example.org/pump.png).", "image from elsewhere"),
        ("## Before you come\n\nBring your list.", "##"),
        ('!!! caution "Careful"\n    Text.', "caution"),
        ("- " * 1000 + "deep", "nested 1000 levels deep"),
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


def test_the_dashboards_template_tags_reach_no_model_admin():
    """The tags render the front page's dashboard; the model admins and their forms are not
    theirs to import, only the admin's dashboard figures, its HTML of the Arabic state and the
    links into the translation view."""
    reached, waiting = set(), ["content.templatetags.portal_admin"]
    while waiting:
        module = waiting.pop()
        if module not in reached:
            reached.add(module)
            waiting += [known(name) for name in imported_modules(module, MODULES[module]) if known(name)]
    admin_modules = {module for module in reached if module.startswith("content.admin")}
    assert admin_modules == {"content.admin.dashboard", "content.admin.display",
                             "content.admin.translation_links"}


@pytest.mark.parametrize(
    "field", ["title_en", "summary_ar", "sections-0-heading_ar", "questions-0-question_ar",
              "citations-0-title"],
)
def test_a_direction_control_in_a_plain_text_is_an_error_on_that_field(admin_client, field):
    """'Take 01 tablets daily' with U+202E reads 'Take 10 tablets daily'; on main only Markdown
    bodies refused it."""
    response = admin_client.post(ADD_URL, procedure_form(**{field: "Take \u202e01\u202c tablets daily"}))
    assert response.status_code == 200
    prefix, _, name = field.rpartition("-")
    form = response.context["adminform"].form
    if prefix:  # an inline's row
        formset = next(f for f in response.context["inline_admin_formsets"]
                       if f.formset.prefix == prefix.rsplit("-", 1)[0]).formset
        form = formset.forms[int(prefix.rsplit("-", 1)[1])]
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE" in message for message in form.errors.get(name, []))
    assert not Procedure.objects.filter(slug="port-placement").exists()


def test_a_code_in_the_wrong_format_is_refused_in_the_admin(admin_client):
    response = admin_client.post(ADD_URL, procedure_form(**{"codes-0-system": "snomed",
                                                            "codes-0-code": "22298007"}))
    assert response.status_code == 200
    assert "Verhoeff" in response.content.decode()
    assert not Procedure.objects.filter(slug="port-placement").exists()
