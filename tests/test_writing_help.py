"""Help while writing: the reading level and long sentences of each text, the glossary terms it
uses with their approved Arabic, and the publish checklist that warns about hard English."""

import html
import re

import pytest
import textstat
from django.test import Client

from content import languages
from content.admin.writing_help import approved_glossary, terms_in
from content.editing.models import GlossaryTerm
from content.rendering import readability
from content.rendering.bounds import MARKDOWN_MAX_CHARS
from tests.test_workflow import as_user, edit, publish_latest, workflow

pytestmark = pytest.mark.django_db

ENGLISH, ARABIC = languages.SOURCE, languages.TRANSLATION
ENDPOINT = "/admin/content/procedure/writing-help/"


def change_page(client, procedure):
    response = client.get(f"/admin/content/procedure/{procedure.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def demo_texts(procedure):
    """Every Markdown text of the demo page, with its language."""
    for part in [*procedure.sections.all(), *procedure.questions.all()]:
        field = "body" if hasattr(part, "body") else "answer"
        for code in (ENGLISH, ARABIC):
            yield getattr(part, languages.field_name(field, code)), code


# --- The figures -------------------------------------------------------------------------------


def test_the_figures_are_textstats_own_on_every_demo_text(demo_procedure):
    measured = 0
    for text, code in demo_texts(demo_procedure):
        plain = readability.plain_text(text, code)
        expected = (textstat.flesch_kincaid_grade(plain) if code == ENGLISH
                    else textstat.osman(plain))
        reading = readability.measure(text, code)
        assert reading.score == expected
        assert reading.label == ("Flesch-Kincaid grade" if code == ENGLISH else "OSMAN")
        measured += 1
    assert measured >= 30  # 12 sections and the questions, in both languages


def test_the_demo_english_reads_at_a_grade_and_its_arabic_scores_as_osman_does():
    # Figures of whole texts a patient reads, against textstat on the same words typed plainly.
    english = "Rest for a day. Drink plenty of water. Call us if the wound turns red or hot."
    assert readability.measure(f"## After\n\n- {english}", ENGLISH).score == \
        textstat.flesch_kincaid_grade(f"After. {english}")
    arabic = "استرح يومًا واحدًا. اشرب كثيرًا من الماء. اتصل بنا إذا احمرّ الجرح أو سخن."
    assert readability.measure(f"**{arabic}**", ARABIC).score == textstat.osman(arabic)


def test_markdown_is_stripped_to_the_sentences_patients_read():
    text = ("## How to prepare\n\n"
            "Read the **leaflet** from [your nurse](https://example.org/very/long/address) [^2].\n\n"
            "- Bring your medicines\n- Do not eat after midnight\n\n"
            "> Call us if you are worried\n")
    plain = readability.plain_text(text, ENGLISH)
    assert plain == ("How to prepare. Read the leaflet from your nurse. Bring your medicines. "
                     "Do not eat after midnight. Call us if you are worried.")
    for mark in ("**", "##", "https", "[^", "- ", ">"):
        assert mark not in plain


def test_each_list_item_is_its_own_sentence_so_a_list_is_not_one_long_sentence():
    items = "\n".join(f"- Take tablet number {n} with a glass of water" for n in range(1, 8))
    reading = readability.measure(items, ENGLISH)
    assert len(reading.sentences) == 7
    assert reading.long_sentences == ()


def words(count, word="word"):
    return " ".join([word] * count)


def test_long_english_sentences_are_those_of_more_than_twenty_words():
    long_one = f"This {words(20)}."  # 21 words
    text = f"A short one. {long_one} Exactly {words(19)}."  # the last has 20
    reading = readability.measure(text, ENGLISH)
    assert [(s.text, s.words) for s in reading.long_sentences] == [(long_one, 21)]
    assert reading.long_after == 20


def test_long_arabic_sentences_are_those_of_more_than_twenty_two_words_and_end_at_its_question_mark():
    long_one = f"هل {words(22, 'كلمة')}؟"  # 23 words, ended by the Arabic question mark
    text = f"جملة قصيرة. {long_one} {words(22, 'نص')}."  # the last has 22
    reading = readability.measure(text, ARABIC)
    assert [(s.text, s.words) for s in reading.long_sentences] == [(long_one, 23)]
    assert reading.long_after == 22
    # textstat is told the same sentence ended there.
    assert "؟" not in readability.plain_text(text, ARABIC)


def test_an_empty_text_has_no_figure_and_no_long_sentence():
    reading = readability.measure("", ENGLISH)
    assert reading.score is None and reading.long_sentences == () and reading.shown == ""


# --- The glossary's approved words -------------------------------------------------------------


def test_the_english_text_lists_the_glossary_terms_it_uses_with_their_approved_arabic(demo_procedure):
    glossary = approved_glossary()
    found = terms_in("The CATHETERS reach the hepatic arteries; see [the pump](https://x.org/chemo).",
                     ENGLISH, glossary)
    assert [(t["slug"], t["source"], t["translation"]) for t in found] == [
        ("catheter", "catheter", "القسطرة"),
        ("hepatic-artery", "hepatic artery", "الشريان الكبدي"),
    ]  # "chemo" inside the link's address is not a word patients read


def test_the_arabic_text_finds_terms_with_prefixes_tashkeel_and_other_letter_forms(demo_procedure):
    glossary = approved_glossary()
    text = "تمرّ القسطره إلى الشِّريان الكَبدي، وبالعلاج الكيميائى يصغر الورم."
    found = terms_in(text, ARABIC, glossary)
    assert {t["slug"]: t["translation"] for t in found} == {
        "catheter": "القسطرة", "hepatic-artery": "الشريان الكبدي",
        "chemotherapy": "العلاج الكيميائي", "tumor": "الورم"}


def test_only_the_published_glossary_is_offered_not_an_unreviewed_change(demo_procedure):
    term = GlossaryTerm.objects.get(slug="catheter")
    term.term_ar = "أنبوب غير معتمد"
    term.save()
    found = terms_in("A catheter.", ENGLISH, approved_glossary())
    assert found[0]["translation"] == "القسطرة"


# --- On the change page ------------------------------------------------------------------------


def panel_of(page_html, field_id):
    """The help panel drawn beside the field: up to whatever the page shows after it."""
    start = page_html.find(f'data-for="{field_id}"')
    assert start != -1, f"no writing help beside {field_id}"
    ends = [page_html.find(marker, start + 1) for marker in
            ('<div class="writing-help"', '<div class="help"', "</fieldset>", "<textarea", "<input")]
    return html.unescape(page_html[start:min(end for end in ends if end != -1)])


def words_of(fragment):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))


def test_the_change_page_shows_each_texts_figure_long_sentences_and_terms_without_javascript(
        client, demo_procedure, translator):
    page_html = change_page(as_user(client, translator), demo_procedure)
    section = demo_procedure.sections.order_by("position").first()
    english = readability.measure(section.body_en, ENGLISH)
    panel = panel_of(page_html, "id_sections-0-body_en")
    assert f"Flesch-Kincaid grade: {english.shown}" in words_of(panel)
    assert re.search(r">chemotherapy</bdi> — <bdi[^>]*>العلاج الكيميائي<", panel)
    arabic = readability.measure(section.body_ar, ARABIC)
    panel = panel_of(page_html, "id_sections-0-body_ar")
    assert f"OSMAN: {arabic.shown}" in words_of(panel)
    assert arabic.long_sentences  # the overview's Arabic has one
    for sentence in arabic.long_sentences:
        assert sentence.text in panel
    assert 'data-for="id_summary_en"' in page_html and 'data-for="id_questions-0-answer_ar"' in page_html
    assert "js/writing-help.js" in page_html


def test_a_title_or_heading_lists_its_glossary_terms_but_gets_no_reading_grade(
        client, demo_procedure, translator):
    page_html = change_page(as_user(client, translator), demo_procedure)
    title = words_of(panel_of(page_html, "id_title_en"))
    assert "chemotherapy — العلاج الكيميائي" in title
    assert "Flesch-Kincaid" not in title and "long sentence" not in title
    assert 'data-for="id_sections-0-heading_ar"' in page_html
    response = ask(client, text="Chemotherapy", language=ENGLISH, measure="0")
    assert response.status_code == 200
    assert response.json()["reading"] is None
    assert [t["slug"] for t in response.json()["terms"]] == ["chemotherapy"]


def test_the_panel_is_in_the_arabic_admin_too(client, demo_procedure, translator):
    as_user(client, translator)
    client.cookies["django_language"] = ARABIC
    page_html = change_page(client, demo_procedure)
    assert '<html lang="ar" dir="rtl"' in page_html
    assert "OSMAN" in panel_of(page_html, "id_sections-0-body_ar")


# --- The endpoint ------------------------------------------------------------------------------


def ask(client, **data):
    return client.post(ENDPOINT, data)


def test_the_endpoint_answers_staff_with_the_figure_the_terms_and_the_panel(
        client, demo_procedure, translator):
    as_user(client, translator)
    text = f"The catheter goes in. {words(25)}."
    response = ask(client, text=text, language=ENGLISH)
    assert response.status_code == 200
    answer = response.json()
    assert answer["reading"]["score"] == readability.measure(text, ENGLISH).score
    assert answer["reading"]["long_sentences"] == [{"text": f"{words(25)}.", "words": 25}]
    assert [t["translation"] for t in answer["terms"]] == ["القسطرة"]
    assert "القسطرة" in answer["html"] and "Flesch-Kincaid grade" in answer["html"]


def test_the_endpoint_refuses_anyone_not_signed_in_as_staff(client, demo_procedure, django_user_model):
    assert ask(client, text="Hello.", language=ENGLISH).status_code == 403
    patient = django_user_model.objects.create_user("patient", password="a-long-password-1")
    client.force_login(patient)
    response = ask(client, text="Hello.", language=ENGLISH)
    assert response.status_code == 403 and "staff" in response.json()["error"]


def test_the_endpoint_needs_the_csrf_token(demo_procedure, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert ask(client, text="Hello.", language=ENGLISH).status_code == 403


@pytest.mark.parametrize(("data", "says"), [
    ({"text": "Hello."}, "language"),
    ({"text": "Hello.", "language": "fr"}, "language"),
    ({"language": ENGLISH}, "Send the text"),
    ({"text": "x" * (MARKDOWN_MAX_CHARS + 1), "language": ENGLISH}, f"{MARKDOWN_MAX_CHARS}"),
])
def test_the_endpoint_refuses_bad_input_with_a_clear_400(client, editor, data, says):
    as_user(client, editor)
    response = ask(client, **data)
    assert response.status_code == 400
    assert says in response.json()["error"]


def test_the_endpoint_answers_only_post(client, editor):
    as_user(client, editor)
    assert client.get(ENDPOINT, {"text": "Hi.", "language": ENGLISH}).status_code == 405


# --- The publish checklist ---------------------------------------------------------------------


def send_for_review(client, procedure, editor):
    as_user(client, editor)
    edit(client, procedure, summary_en="A summary edited for the review.")
    workflow(client, procedure, "submit")


def test_the_checklist_warns_about_english_above_the_limit_and_the_reviewer_still_publishes(
        client, demo_procedure, editor, reviewer, settings):
    settings.READING_GRADE_LIMIT = 3
    send_for_review(client, demo_procedure, editor)
    page_html = change_page(as_user(client, reviewer), demo_procedure)
    checklist = page_html[page_html.index('class="reading-checklist'):]
    checklist = checklist[:checklist.index("</table>")]
    assert "above grade 3:" in checklist and "You may still publish" in checklist
    assert "Overview" in checklist and "OSMAN" in checklist
    overview = demo_procedure.sections.get(kind="overview")
    assert readability.measure(overview.body_en, ENGLISH).shown in checklist
    assert readability.measure(overview.body_ar, ARABIC).shown in checklist
    assert publish_latest(client, demo_procedure).status_code == 302
    demo_procedure.refresh_from_db()
    assert demo_procedure.live_version.number == 2


def test_the_checklist_does_not_warn_when_every_english_text_is_within_the_limit(
        client, demo_procedure, editor, reviewer, settings):
    settings.READING_GRADE_LIMIT = 30
    send_for_review(client, demo_procedure, editor)
    page_html = change_page(as_user(client, reviewer), demo_procedure)
    assert "Every English text reads at grade 30 or below." in page_html
    assert "reading-checklist__warning" not in page_html


def test_the_checklist_is_shown_where_the_reviewer_publishes_and_not_to_an_editor(
        client, demo_procedure, editor, reviewer):
    send_for_review(client, demo_procedure, editor)
    assert "reading-checklist" not in change_page(client, demo_procedure)
    assert "reading-checklist" in change_page(as_user(client, reviewer), demo_procedure)
