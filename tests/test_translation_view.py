"""The translation view: a translator's page of every translated text of a procedure, and the
compare view's rendered word diff."""

import re

import pytest

from content.editing import freshness
from content.editing.revisions import record_revision
from content.models import KeptSave, Procedure, Section
from tests.builders import make_staff
from tests.test_admin import change_url, extract_form_data
from tests.test_workflow import as_user, edit

pytestmark = pytest.mark.django_db


def translation_url(procedure, show=None):
    url = f"/admin/content/procedure/{procedure.pk}/translation/"
    return f"{url}?show={show}" if show else url


def shown_texts(html):
    """(state, key) of each text the page lists, in its order."""
    return re.findall(r'<article class="translation-part translation-part--(\w+)" id="([^"]+)"', html)


def part_html(html, key):
    start = html.index(f'id="{key}"')
    return html[start:html.index("</article>", start)]


def form_of(html, key):
    """What the text's own form posts, as a browser would send it."""
    data = extract_form_data(part_html(html, key))
    data.pop("csrfmiddlewaretoken", None)
    return data


def section(procedure, kind):
    return procedure.sections.get(kind=kind)


@pytest.fixture
def outdated_summary_and_risks(client, demo_procedure, editor):
    """The editor changed the summary's and the risks' English since the Arabic was written."""
    as_user(client, editor)
    edit(client, demo_procedure, summary_en=lambda text: text.replace("strong", "powerful"))
    edit(client, demo_procedure, **{"section:risks:body_en": lambda text: text + " Rarely, more."})
    return Procedure.objects.get(pk=demo_procedure.pk)


def untranslate(procedure, kind):
    """The section's Arabic removed, as if never written, and recorded as a revision."""
    Section.objects.filter(procedure=procedure, kind=kind).update(body_ar="")
    record_revision(procedure)


def test_out_of_date_texts_come_first_then_missing_then_current_in_page_order(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    untranslate(procedure, "travel")
    as_user(client, translator)
    html = client.get(translation_url(procedure)).content.decode()
    texts = shown_texts(html)
    states = [state for state, _key in texts]
    risks = f"section-{section(procedure, 'risks').pk}-body"
    travel = f"section-{section(procedure, 'travel').pk}-body"
    assert texts[:3] == [("outdated", f"procedure-{procedure.pk}-summary"), ("outdated", risks),
                         ("missing", travel)]
    assert set(states[3:]) == {"current"}
    # Every translated text with English is listed once: the page, its sections and questions.
    expected = sum(1 for row in [procedure, *procedure.sections.all(), *procedure.questions.all()]
                   for state in row.field_states().values() if state != freshness.NOT_APPLICABLE)
    assert len(texts) == expected and len({key for _state, key in texts}) == expected
    assert any(key.startswith("question-") for _state, key in texts)


def test_the_filters_show_only_out_of_date_or_only_missing_texts(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    untranslate(procedure, "travel")
    as_user(client, translator)
    outdated = shown_texts(client.get(translation_url(procedure, "outdated")).content.decode())
    missing = shown_texts(client.get(translation_url(procedure, "missing")).content.decode())
    everything = shown_texts(client.get(translation_url(procedure, "all")).content.decode())
    assert [state for state, _ in outdated] == ["outdated", "outdated"]
    assert [state for state, _ in missing] == ["missing"]
    assert everything == shown_texts(client.get(translation_url(procedure)).content.decode())
    # A filter the page does not know shows everything rather than failing.
    assert shown_texts(client.get(translation_url(procedure, "nonsense")).content.decode()) == everything


def test_an_out_of_date_text_shows_the_english_change_word_by_word_escaped_and_left_to_right(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    risks = section(procedure, "risks")
    Section.objects.filter(pk=risks.pk).update(body_en=risks.body_en + " Ask if x<y & z.")
    as_user(client, translator)
    html = client.get(translation_url(procedure)).content.decode()
    summary = part_html(html, f"procedure-{procedure.pk}-summary")
    assert re.search(r'<p class="word-diff" lang="en" dir="ltr">[^<]*<del>strong</del>'
                     r'<ins>powerful</ins>', summary)
    risks_part = part_html(html, f"section-{risks.pk}-body")
    assert "<ins> Rarely, more. Ask if x&lt;y &amp; z.</ins>" in risks_part
    assert "x<y" not in risks_part
    # Current texts carry no diff and no "still matches".
    current = next(key for state, key in shown_texts(html) if state == "current")
    assert "word-diff" not in part_html(html, current)
    assert 'value="confirm"' not in part_html(html, current)
    assert 'value="confirm"' in summary
    # Each side in its own language and direction, whatever the admin's.
    assert 'class="translation-part__text" lang="en" dir="ltr"' in summary
    assert re.search(r'<textarea[^>]*name="text" lang="ar" dir="rtl"', summary)


def test_still_matches_confirms_only_that_field_and_records_a_revision_by_the_translator(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    before = procedure.revision
    as_user(client, translator)
    key = f"procedure-{procedure.pk}-summary"
    html = client.get(translation_url(procedure, "outdated")).content.decode()
    response = client.post(translation_url(procedure, "outdated"), form_of(html, key) | {"action": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == translation_url(procedure, "outdated") + f"#{key}"
    procedure = Procedure.objects.get(pk=procedure.pk)
    assert procedure.field_state("summary") == freshness.CURRENT
    assert procedure.translation["summary"]["by"] == "Tariq Translator"
    assert section(procedure, "risks").field_state("body") == freshness.OUTDATED
    latest = procedure.revisions.order_by("-number").first()
    assert latest.number == before + 1 and latest.created_by == translator
    assert procedure.arabic_outdated == 1
    followed = client.get(response["Location"]).content.decode()
    assert "Saved as revision" in followed
    assert [state for state, _ in shown_texts(followed)] == ["outdated"]


def test_editing_a_text_in_place_saves_its_arabic_as_a_revision_by_the_translator(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    risks = section(procedure, "risks")
    key = f"section-{risks.pk}-body"
    as_user(client, translator)
    html = client.get(translation_url(procedure)).content.decode()
    data = form_of(html, key) | {"action": "save"}
    data["text"] = risks.body_ar + "\r\nونادرًا ما يحدث أكثر من ذلك."
    response = client.post(translation_url(procedure), data)
    assert response.status_code == 302
    risks.refresh_from_db()
    assert risks.body_ar.endswith("\nونادرًا ما يحدث أكثر من ذلك.") and "\r" not in risks.body_ar
    assert risks.field_state("body") == freshness.CURRENT
    procedure.refresh_from_db()
    assert procedure.field_state("summary") == freshness.OUTDATED  # untouched
    latest = procedure.revisions.order_by("-number").first()
    assert latest.created_by == translator and latest.created_by_name == "Tariq Translator"


def test_a_translator_posting_english_through_the_view_is_refused_and_nothing_is_saved(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    before = (procedure.summary_en, procedure.revision)
    as_user(client, translator)
    key = f"procedure-{procedure.pk}-summary"
    html = client.get(translation_url(procedure)).content.decode()
    data = form_of(html, key) | {"action": "save", "field": "summary_en", "text": "Hijacked."}
    response = client.post(translation_url(procedure), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your role may not change" in page and "nothing was saved" in page
    assert "Hijacked." in page  # what was sent is shown again, not lost
    procedure.refresh_from_db()
    assert (procedure.summary_en, procedure.revision) == before


def test_editors_and_reviewers_read_the_view_but_get_no_forms(
    client, outdated_summary_and_risks, editor, reviewer
):
    procedure = outdated_summary_and_risks
    for user in (editor, reviewer):
        as_user(client, user)
        response = client.get(translation_url(procedure))
        assert response.status_code == 200
        html = response.content.decode()
        assert shown_texts(html)[0][0] == "outdated"
        assert "<textarea" not in html and 'name="action"' not in html
    # A crafted Arabic save by the editor is refused as the change form refuses it.
    as_user(client, editor)
    response = client.post(translation_url(procedure), {
        "part": f"procedure-{procedure.pk}", "field": "summary_ar", "text": "نص آخر.",
        "action": "save", "loaded_version": procedure.revision})
    assert response.status_code == 200 and "Your role may not change" in response.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).summary_ar == procedure.summary_ar


def test_an_unknown_procedure_or_text_answers_not_found_or_says_so(client, demo_procedure, translator):
    as_user(client, translator)
    assert client.get("/admin/content/procedure/999999/translation/").status_code == 404
    response = client.post(translation_url(demo_procedure), {
        "part": "section-999999", "field": "body_ar", "text": "نص محفوظ", "action": "save",
        "loaded_version": demo_procedure.revision})
    assert response.status_code == 409
    assert "no longer on the page" in response.content.decode()
    assert "نص محفوظ" in response.content.decode()


def test_a_save_over_someone_elses_newer_save_merges_or_names_the_conflict(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    other = make_staff("other", group="Translator", first_name="Olga", last_name="Other")
    as_user(client, translator)
    html = client.get(translation_url(procedure)).content.decode()
    risks = section(procedure, "risks")
    summary_form = form_of(html, f"procedure-{procedure.pk}-summary")
    risks_form = form_of(html, f"section-{risks.pk}-body")
    # Someone else saves the summary's Arabic after this page was opened.
    as_user(client, other)
    other_html = client.get(translation_url(procedure)).content.decode()
    data = form_of(other_html, f"procedure-{procedure.pk}-summary") | {"action": "save",
                                                                        "text": "ملخص أولغا."}
    assert client.post(translation_url(procedure), data).status_code == 302
    # The same text from the older page is refused, naming who saved it and keeping both texts ...
    as_user(client, translator)
    response = client.post(translation_url(procedure), summary_form | {"action": "save",
                                                                        "text": "ملخص طارق."})
    page = response.content.decode()
    assert response.status_code == 200 and "Olga Other" in page
    assert "ملخص أولغا." in page and "ملخص طارق." in page
    assert Procedure.objects.get(pk=procedure.pk).summary_ar == "ملخص أولغا."
    # ... while a different text from the same older page is merged in.
    response = client.post(translation_url(procedure), risks_form | {"action": "save",
                                                                      "text": "مخاطر طارق."})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.summary_ar == "ملخص أولغا." and section(procedure, "risks").body_ar == "مخاطر طارق."


def test_a_save_sent_after_the_session_ended_is_kept_for_the_change_form(
    client, outdated_summary_and_risks, translator
):
    procedure = outdated_summary_and_risks
    risks = section(procedure, "risks")
    as_user(client, translator)
    html = client.get(translation_url(procedure)).content.decode()
    typed = "نص محفوظ بعد انتهاء الجلسة."
    data = form_of(html, f"section-{risks.pk}-body") | {"action": "save", "text": typed}
    client.logout()
    response = client.post(translation_url(procedure), data)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    kept = KeptSave.objects.get(user=translator)
    assert kept.object_id == str(procedure.pk)
    assert section(procedure, "risks").body_ar != typed
    as_user(client, translator)
    assert "open the whole page" in client.get(translation_url(procedure)).content.decode()
    change_page = client.get(change_url(procedure)).content.decode()
    assert typed in change_page


def test_the_dashboard_counts_link_to_the_view_filtered(client, outdated_summary_and_risks, translator):
    procedure = outdated_summary_and_risks
    untranslate(procedure, "travel")
    as_user(client, translator)
    html = client.get("/admin/").content.decode()
    outdated = re.search(r'<a class="state-outdated" href="([^"]+)">2 parts may be out of date</a>', html)
    missing = re.search(r'<a class="state-missing" href="([^"]+)">1 part not translated</a>', html)
    assert outdated and missing
    assert outdated.group(1) == translation_url(procedure, "outdated")
    assert missing.group(1) == translation_url(procedure, "missing")
    followed = client.get(outdated.group(1).replace("&amp;", "&")).content.decode()
    assert [state for state, _ in shown_texts(followed)] == ["outdated", "outdated"]


def test_the_change_form_links_to_the_translation_view(client, demo_procedure, translator):
    as_user(client, translator)
    html = client.get(change_url(demo_procedure)).content.decode()
    assert f'href="{translation_url(demo_procedure)}"' in html


def test_the_arabic_admin_shows_the_view_in_arabic(client, outdated_summary_and_risks, translator):
    as_user(client, translator)
    html = client.get(translation_url(outdated_summary_and_risks),
                      HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "لا يزال مطابقًا" in html
    # The English stays left to right inside the Arabic admin.
    assert 'class="word-diff" lang="en" dir="ltr"' in html


# The compare view, as patients read the texts


def compare(client, procedure, old, new):
    return client.get(f"/admin/content/procedure/{procedure.pk}/compare/",
                      {"from": old, "to": new}).content.decode()


def test_compare_shows_the_rendered_text_word_by_word_not_markdown(client, demo_procedure, editor):
    as_user(client, editor)
    edit(client, demo_procedure, **{
        "section:risks:body_en": lambda text: text + "\n\n- **Call us** at once if it bleeds.",
        "section:overview:body_en": lambda text: text.replace("pump", "device", 1)})
    diff = compare(client, demo_procedure, 1, 2)
    risks = diff[diff.index("<h2>Risks</h2>"):]
    risks = risks[:risks.index("</section>")]
    # The list item as a patient reads it: no Markdown marks, wholly added.
    assert ('<p class="rendered-diff__block rendered-diff__block--item"><ins>Call us at once if it '
            'bleeds.</ins></p>') in risks
    assert "**" not in risks and "- " not in risks
    # Unchanged text is shortened to its neighbour of the change.
    assert 'class="rendered-diff__skipped"' in risks
    overview = diff[diff.index("<h2>Overview</h2>"):]
    assert "<del>pump</del><ins>device</ins>" in overview[:overview.index("</section>")]
    assert '<div class="rendered-diff" lang="en" dir="ltr">' in diff
    assert "Arabic" not in risks  # only the English changed


def test_compare_renders_the_arabic_side_right_to_left(client, demo_procedure, translator):
    as_user(client, translator)
    edit(client, demo_procedure, **{"section:risks:body_ar": lambda text: text + "\n\nنص **جديد** هنا."})
    diff = compare(client, demo_procedure, 1, 2)
    assert '<div class="rendered-diff" lang="ar" dir="rtl">' in diff
    assert "<ins>نص جديد هنا.</ins>" in diff and "**" not in diff
