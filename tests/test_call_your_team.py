"""The phone in reach where a page says to call: the clinic's numbers with their hours, at the top
of "When to call your care team", in the footer and on paper; links for every "see ... below";
the fever temperature with its source; and the demo content's corrections (issue 18)."""

import datetime
import html as html_lib
import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from content import languages
from content.editing import roles
from content.files.importing import ContentFileError, read_clinic_file
from content.models import Clinic, ClinicRevision
from tests.builders import DEMO_SLUG, make_clinic, make_staff
from tests.test_admin import extract_form_data
from tests.worker import draw_one_pdf

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "content" / "demo"
ARABIC = next(code for code in languages.CODES if languages.is_right_to_left(code))


def page(client, language):
    response = client.get(f"/{language}/procedures/{DEMO_SLUG}/")
    assert response.status_code == 200
    return response.content.decode()


def handout(client, language):
    response = client.get(f"/{language}/procedures/{DEMO_SLUG}/handout/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, anchor):
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u2066", "").replace("\u2069", "")


# 1. The phone in reach.

@pytest.mark.parametrize("language", languages.CODES)
def test_when_to_call_opens_with_a_tel_link_before_any_advice(client, demo_procedure, language):
    when = section(page(client, language), "when-to-call")
    first_link = re.search(r'<a [^>]*href="([^"]+)"', when).group(1)
    assert first_link == "tel:+15550100"
    assert when.index('href="tel:') < when.index('class="prose"')


@pytest.mark.parametrize("language", languages.CODES)
def test_the_call_button_is_an_early_link_on_every_public_page_in_the_pages_language(
    client, demo_procedure, language
):
    label = {"en": "Call your care team", ARABIC: "اتصل بفريق رعايتك"}[language]
    for path in (f"/{language}/procedures/{DEMO_SLUG}/", f"/{language}/", f"/{language}/glossary/",
                 f"/{language}/search/?q=pump"):
        html = client.get(path).content.decode()
        links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html.split("<main", 1)[0], re.S)
        # After the skip link and the site's name: the third stop for a keyboard.
        assert [href for href, _text in links].index("tel:+15550100") <= 2, path
        assert label in dict((href, text) for href, text in links)["tel:+15550100"], path


@pytest.mark.parametrize("language", languages.CODES)
def test_every_same_page_link_in_the_content_leads_to_an_element_of_the_page(
    client, demo_procedure, language
):
    html = page(client, language)
    ids = set(re.findall(r' id="([^"]+)"', html))
    prose = "".join(re.findall(r'<div class="prose">(.*?)</div>\s*(?:</section>|<div class="faq">|</div>)',
                               html, re.S))
    targets = re.findall(r'href="#([^"]+)"', prose)
    assert "when-to-call" in targets
    assert set(targets) <= ids


def test_no_see_below_in_the_demo_content_is_left_without_a_link():
    pointers = re.compile(r"\b(see|read)\b[^.]*\b(below|above)\b|أدناه|أعلاه", re.I)
    unlinked = []
    for path in sorted((DEMO / "hai-pump-chemotherapy").rglob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pointers.search(line) and "](#" not in line:
                unlinked.append(f"{path.name}:{number}")
    assert unlinked == []


# 2. The clinic's hours and after-hours number.

@pytest.mark.parametrize("language, hours, outside, note", [
    ("en", "Monday to Friday, 08:00 to 17:00", "Outside these hours:",
     "At night, at weekends and on public holidays, a doctor on call answers this number."),
    (ARABIC, "من الاثنين إلى الجمعة، من 08:00 إلى 17:00", "خارج هذه الأوقات:",
     "في الليل وفي عطلات نهاية الأسبوع والعطلات الرسمية، يردّ على هذا الرقم طبيب مناوب."),
])
def test_both_numbers_and_the_hours_are_on_the_page_and_the_handout_in_its_language(
    client, demo_procedure, language, hours, outside, note
):
    for html in (page(client, language), handout(client, language)):
        when = text_of(section(html, "when-to-call"))
        assert hours in when and outside in when and note in when
        assert "+1 555 0100" in when and "+1 555 0199" in when
        assert 'href="tel:+15550199"' in section(html, "when-to-call")
    footer = text_of(page(client, language).split('id="clinic-contact"')[1])
    assert hours in footer and "+1 555 0199" in footer
    header = text_of(handout(client, language).split('class="handout-header"')[1].split("</header>")[0])
    assert hours in header and "+1 555 0100" in header and "+1 555 0199" in header


def test_the_server_marks_no_number_as_the_one_for_now_and_gives_the_script_the_hours(
    client, demo_procedure
):
    html = page(client, "en")
    # Cached whole: the choice is the reader's browser's, from these hours.
    assert "call-option--now" not in html
    assert re.search(r'data-call-hours data-open-days="Mon Tue Wed Thu Fri" data-opens="08:00" '
                     r'data-closes="17:00" data-time-zone="America/Chicago"', html)
    assert '<strong class="call-option__now" hidden>Call this number now</strong>' in html
    assert "js/call-hours.js" in html
    assert "Call this number now" not in handout(client, "en")


def test_without_hours_or_an_after_hours_number_the_page_has_one_number_and_no_script(client, db):
    make_clinic(phone="+1 555 0123")
    html = client.get("/en/").content.decode()
    assert 'href="tel:+15550123"' in html
    assert "data-call-hours" not in html and "call-hours.js" not in html


def test_the_arabic_pdf_handout_prints_both_numbers_and_the_hours(client, demo_procedure, tmp_path):
    draw_one_pdf(demo_procedure.live_version, ARABIC)
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(client.get(f"/{ARABIC}/procedures/{DEMO_SLUG}/handout.pdf").content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "555 0100" in text and "555 0199" in text
    assert "08:00" in text and "17:00" in text


@pytest.mark.parametrize("fields, problem", [
    ({"opens_at": datetime.time(8)}, "Give both the opening and the closing time"),
    ({"opens_at": datetime.time(17), "closes_at": datetime.time(8)}, "must close after it opens"),
    ({"time_zone": "Mars/Olympus"}, "is not a time zone name"),
])
def test_hours_that_cannot_be_followed_are_refused_with_a_message(db, fields, problem):
    with translation.override(languages.SOURCE):
        clinic = Clinic(name="Clinic", phone="+1 555 0100", **fields)
        with pytest.raises(ValidationError) as refused:
            clinic.full_clean()
        assert set(refused.value.message_dict) <= {"__all__", "closes_at", "time_zone"}
        assert problem in str(refused.value)


def test_a_reviewers_change_of_hours_and_after_hours_number_is_recorded_and_shown(client, demo_procedure):
    reviewer = make_staff("rana", group=roles.CLINICAL_REVIEWER, first_name="Rana", last_name="Reviewer")
    client.force_login(reviewer)
    clinic = Clinic.current()
    url = f"/admin/content/clinic/{clinic.pk}/change/"
    form = extract_form_data(client.get(url).content.decode())
    form.update(after_hours_phone="+1 555 0188", opens_at="07:30", closes_at="18:00",
                open_days="sun-thu", time_zone="Asia/Riyadh",
                after_hours_note_en="A nurse on call answers.", after_hours_note_ar="تُجيب ممرضة مناوبة.")
    assert client.post(url, form).status_code == 302
    recorded = ClinicRevision.objects.filter(clinic=clinic).order_by("-number").first()
    assert recorded.created_by == reviewer and recorded.created_by_name == "Rana Reviewer"
    assert recorded.content["after_hours_phone"] == "+1 555 0188"
    assert recorded.content["opens_at"] == "07:30:00" and recorded.content["closes_at"] == "18:00:00"
    assert recorded.content["open_days"] == "sun-thu" and recorded.content["time_zone"] == "Asia/Riyadh"
    assert recorded.content[languages.field_name("after_hours_note", ARABIC)] == "تُجيب ممرضة مناوبة."
    assert f"r{recorded.number} · " in client.get(url).content.decode()
    html = client.get(f"/{ARABIC}/procedures/{DEMO_SLUG}/").content.decode()
    assert "من الأحد إلى الخميس، من 07:30 إلى 18:00" in text_of(html)
    assert 'data-time-zone="Asia/Riyadh"' in html and 'href="tel:+15550188"' in html


def test_an_editor_cannot_change_the_after_hours_number(client, demo_procedure, editor):
    client.force_login(editor)
    clinic = Clinic.current()
    url = f"/admin/content/clinic/{clinic.pk}/change/"
    form = extract_form_data(client.get(url).content.decode())
    form["after_hours_phone"] = "+1 555 0111"
    assert client.post(url, form).status_code == 403
    assert Clinic.current().after_hours_phone == "+1 555 0199"


def test_the_clinic_file_gives_hours_as_toml_times_and_refuses_text_for_them(tmp_path):
    fields = read_clinic_file(DEMO / "clinic.toml")
    assert fields["opens_at"] == datetime.time(8) and fields["closes_at"] == datetime.time(17)
    assert fields["after_hours_phone"] == "+1 555 0199" and fields["time_zone"] == "America/Chicago"
    wrong = tmp_path / "clinic.toml"
    wrong.write_text('phone = "1"\nopens_at = "8am"\n[en]\nname = "C"\n', encoding="utf-8")
    with pytest.raises(ContentFileError, match="opens_at"):
        read_clinic_file(wrong)


# The fever temperature, with its source.

@pytest.mark.parametrize("language, temperature", [
    ("en", "38\u00a0°C (100.4\u00a0°F) or higher"),
    (ARABIC, "38 درجة مئوية أو أكثر"),
])
def test_the_fever_advice_gives_the_temperature_and_cites_its_source(client, demo_procedure, language,
                                                                       temperature):
    html = page(client, language)
    when = re.sub(r'<a [^>]*href="#cite-(\d+)"[^>]*>', r"{cite-\1}", section(html, "when-to-call"))
    when = html_lib.unescape(re.sub(r"<[^>]+>", "", when))
    sentence = re.search(re.escape(temperature) + r"[^.]*\.\s*\{cite-(\d+)\}", when)
    assert sentence, "the temperature is followed by its citation"
    reference = html.split(f'<li id="cite-{sentence.group(1)}"')[1].split("</li>")[0]
    assert "https://www.cdc.gov/cancer/features/preventing-infections.html" in reference


# 9. Content corrections.

def demo_text(name):
    return (DEMO / "hai-pump-chemotherapy" / name).read_text(encoding="utf-8")


def citations_after(text, phrase):
    """The citation numbers at the end of the sentence that holds `phrase`."""
    rest = text[text.index(phrase):]
    sentence = re.match(r"(?:[^.]|\.(?=\d))*\.?(\s*\[\^\d+\])*", rest).group(0)  # 2.5 is no stop
    return {int(n) for n in re.findall(r"\[\^(\d+)\]", sentence)}


def source_pages():
    import tomllib

    citations = tomllib.loads(demo_text("procedure.toml"))["citations"]
    return {c["number"]: c.get("url", "") for c in citations}


@pytest.mark.parametrize("name, phrase, pages", [
    ("sections/after.en.md", "often 3 to 5", {"mayoclinic.org", "uchicagomedicine.org"}),
    ("sections/after.ar.md", "بين 3 و5 أيام", {"mayoclinic.org", "uchicagomedicine.org"}),
    ("sections/overview.en.md", "300 to 400", {"uchicagomedicine.org"}),
    ("sections/overview.ar.md", "من 300 إلى 400", {"uchicagomedicine.org"}),
    ("questions/03-how-much-stronger-is-the.en.md", "300 to 400", {"uchicagomedicine.org"}),
    ("questions/03-how-much-stronger-is-the.ar.md", "من 300 إلى 400", {"uchicagomedicine.org"}),
])
def test_the_stay_and_the_dose_are_cited_to_the_source_pages_that_say_them(name, phrase, pages):
    urls = source_pages()
    cited = {urls[number] for number in citations_after(demo_text(name), phrase)}
    assert all(any(site in url for url in cited) for site in pages), cited


@pytest.mark.parametrize("name", ["sections/overview.en.md", "sections/overview.ar.md",
                                  "questions/08-will-people-be-able-to.en.md",
                                  "questions/08-will-people-be-able-to.ar.md"])
def test_the_pumps_size_is_given_in_centimetres_with_its_source(name):
    text = demo_text(name)
    assert "hockey" not in text and "هوكي" not in text
    phrase = "5 to 8 cm" if name.endswith(".en.md") else "5 إلى 8 سنتيمترات"
    assert phrase in text
    assert any("mskcc.org" in source_pages()[n] for n in citations_after(text, phrase))


def test_the_arabic_says_not_to_drive_yourself_home():
    line = next(line for line in demo_text("sections/prepare.ar.md").splitlines() if "تقُد" in line)
    assert "بنفسك" in line and "المنزل" in line


def test_the_glossary_calls_colon_and_rectum_the_last_two_parts():
    glossary = (DEMO / "glossary.toml").read_text(encoding="utf-8")
    assert "وهما الجزآن الأخيران من الأمعاء" in glossary
    assert "وهما الجزء الأخير" not in glossary


@pytest.mark.parametrize("language", languages.CODES)
def test_the_emergency_text_does_not_repeat_its_label(client, demo_procedure, language):
    label = {"en": "In an emergency", ARABIC: "في حالة الطوارئ"}[language]
    clinic = Clinic.current()
    assert not getattr(clinic, languages.field_name("emergency_instructions", language)).startswith(label)
    for html in (page(client, language), handout(client, language)):
        assert text_of(html).count(label) <= 1

