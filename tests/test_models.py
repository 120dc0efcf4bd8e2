"""Content rules: translated fields, clinical order, review dates, translation state."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from content.editing import freshness
from content.editing.revisions import record_revision
from content.models import Citation, Clinic, GlossaryTerm, Procedure, Question, Section, StaffProfile
from content.publishing.workflow import WorkflowRefused
from tests.builders import add_citation, add_section, make_procedure, publish

pytestmark = pytest.mark.django_db


def test_translated_fields_exist_in_english_and_arabic():
    procedure = make_procedure(title_en="Pump", title_ar="مضخة")
    with translation.override("ar"):
        assert procedure.title == "مضخة"
    with translation.override("en"):
        assert procedure.title == "Pump"
    assert {"body_en", "body_ar", "heading_en", "heading_ar"} <= {
        f.name for f in Section._meta.get_fields()
    }


def test_sections_come_back_in_clinical_order_whatever_the_order_they_were_added():
    procedure = make_procedure()
    for kind in ("results", "overview", "travel", "risks", "why"):
        add_section(procedure, kind)
    assert [s.kind for s in procedure.sections.all()] == [
        "overview", "why", "risks", "travel", "results"
    ]


def test_a_procedure_has_at_most_one_section_of_each_kind():
    procedure = make_procedure()
    add_section(procedure, "overview")
    with pytest.raises(ValidationError):
        Section(procedure=procedure, kind="overview", body_en="Again").validate_constraints()


def test_review_is_overdue_once_its_due_date_has_passed():
    procedure = make_procedure()
    add_section(procedure, "overview")
    live = publish(procedure, next_review_due=timezone.localdate() - datetime.timedelta(days=1))
    assert live.review_overdue
    live.next_review_due = timezone.localdate()
    assert not live.review_overdue


def test_markdown_fields_reject_raw_html_with_a_message_naming_the_tags():
    section = Section(procedure=make_procedure(), kind="overview", body_en="Hi <b>there</b>")
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "<b>" in str(error.value.message_dict["body_en"])


def test_an_english_edit_flags_only_the_arabic_of_that_field():
    section = add_section(make_procedure(), "overview", body_en="Old", body_ar="قديم",
                          heading_en="Heading", heading_ar="عنوان")
    assert section.field_states() == {"body": freshness.CURRENT, "heading": freshness.CURRENT}
    section = Section.objects.get(pk=section.pk)
    section.heading_en = "A new heading"
    section.save()
    assert section.field_states() == {"body": freshness.CURRENT, "heading": freshness.OUTDATED}
    assert section.translation["heading"]["source_changed_at"]


def test_a_crlf_or_trailing_space_difference_is_no_change_at_all():
    section = add_section(make_procedure(), "overview", body_en="One\nTwo", body_ar="واحد\nاثنان")
    section = Section.objects.get(pk=section.pk)
    section.body_en = "One  \r\nTwo\r\n"
    section.body_ar = "واحد\r\nاثنان"
    section.save()
    assert section.field_state("body") == freshness.CURRENT
    # Nor does it clear a flag that is up.
    section = Section.objects.get(pk=section.pk)
    section.body_en = "One\nTwo, changed"
    section.save()
    section = Section.objects.get(pk=section.pk)
    section.body_ar = "واحد\r\nاثنان"
    section.save()
    assert section.field_state("body") == freshness.OUTDATED


def test_rewriting_the_arabic_of_one_field_clears_only_that_fields_flag():
    procedure = make_procedure()
    procedure = Procedure.objects.get(pk=procedure.pk)
    procedure.title_en, procedure.summary_en = "New title", "New summary."
    procedure.save()
    procedure = Procedure.objects.get(pk=procedure.pk)
    procedure.title_ar = "عنوان جديد"
    procedure.actor = "Translator Name"
    procedure.save()
    assert procedure.field_state("title") == freshness.CURRENT
    assert procedure.field_state("summary") == freshness.OUTDATED
    assert procedure.translation["title"]["by"] == "Translator Name"


def test_an_edit_marked_as_keeping_the_meaning_leaves_the_arabic_current():
    section = add_section(make_procedure(), "overview", body_en="Teh pump", body_ar="المضخة")
    section = Section.objects.get(pk=section.pk)
    section.body_en = "The pump"
    section.meaning_unchanged = True
    section.save()
    assert section.field_state("body") == freshness.CURRENT


def test_a_translator_can_confirm_one_field_against_the_changed_english():
    section = add_section(make_procedure(), "overview", heading_en="H", heading_ar="ع")
    section = Section.objects.get(pk=section.pk)
    section.body_en, section.heading_en = "Changed body.", "Changed heading"
    section.save()
    section = Section.objects.get(pk=section.pk)
    section.confirmed_fields = {"body"}
    section.save()
    assert section.field_states() == {"body": freshness.CURRENT, "heading": freshness.OUTDATED}


def test_a_missing_translation_is_missing_not_out_of_date():
    section = add_section(make_procedure(), "overview", body_en="Only English", body_ar="")
    section.body_en = "Changed"
    section.save()
    assert section.field_state("body") == freshness.MISSING


def test_every_recorded_change_is_a_new_revision_and_no_change_is_none():
    procedure = make_procedure()
    first = record_revision(procedure)
    assert first.number == 1 and record_revision(procedure) is None
    add_section(procedure, "overview")
    second = record_revision(procedure)
    add_citation(procedure)
    third = record_revision(procedure)
    assert (second.number, third.number) == (2, 3)
    assert [s["kind"] for s in third.content["sections"]] == ["overview"]
    assert third.content["citations"][0]["doi"] == "10.1000/test.1"
    assert Procedure.objects.get(pk=procedure.pk).revision == 3


def test_citation_reference_text_ends_each_part_once_and_links_the_doi():
    citation = add_citation(make_procedure(), authors="Jarnagin WR, et al., eds.",
                            title="Regional chemotherapy", source="Blumgart's", year=2023,
                            doi="10.1002/jso.25913")
    assert citation.reference_text == "Jarnagin WR, et al., eds. Regional chemotherapy. Blumgart's. 2023."
    assert citation.doi_url == "https://doi.org/10.1002/jso.25913"


def test_a_doi_must_look_like_one():
    citation = add_citation(make_procedure(), doi="https://doi.org/10.1/x")
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "doi" in error.value.message_dict


def test_the_snapshot_field_order_does_not_depend_on_the_process(tmp_path):
    """Hash seeds differ between processes and modeltranslation keeps its fields in a set; a
    snapshot that followed them would record a new revision for every unchanged save after a
    restart."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup();"
        "from content.models import Clinic, Procedure;"
        "print(Procedure.translated_text_fields, Clinic.translated_text_fields)"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = os.environ | {"PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "portal.settings"}
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                text=True, check=True)
        outputs.add(result.stdout.strip())
    assert len(outputs) == 1


def test_a_markdown_field_lists_every_problem_at_once():
    section = Section(procedure=make_procedure(), kind="overview",
                      body_en="Hi <b>there</b>\u202e, see ![x](https://example.org/x.png)")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        section.full_clean()
    messages = error.value.message_dict["body_en"]
    assert len(messages) == 3
    assert any("<b>" in m for m in messages) and any("U+202E" in m for m in messages)
    assert any("image from elsewhere" in m for m in messages)


# --- One authoring rule for every plain text a patient reads ------------------------------------

DOSE_FAKED = "Take \u202e01\u202c tablets daily"  # shows as "Take 10 tablets daily"


def _plain_text_rows():
    procedure = make_procedure()
    user = get_user_model().objects.create(username="reviewer")
    return {
        "procedure": procedure,
        "section": Section(procedure=procedure, kind="overview", body_en="Text."),
        "question": Question(procedure=procedure, question_en="Q?", answer_en="A."),
        "citation": Citation(procedure=procedure, number=1, authors="Doe J"),
        "glossary": GlossaryTerm(slug="pump", term_en="pump", definition_en="A small device."),
        "clinic": Clinic(name_en="Clinic"),
        "profile": StaffProfile(user=user),
    }


@pytest.mark.parametrize(
    "row, field",
    [
        ("procedure", "title_en"), ("procedure", "title_ar"), ("procedure", "short_name_ar"),
        ("procedure", "also_known_as_en"), ("procedure", "summary_en"), ("procedure", "summary_ar"),
        ("section", "heading_ar"), ("question", "question_en"), ("question", "question_ar"),
        ("glossary", "term_ar"), ("glossary", "other_forms_en"), ("glossary", "definition_ar"),
        ("clinic", "name_ar"), ("clinic", "phone"), ("clinic", "address_ar"),
        ("clinic", "emergency_instructions_en"), ("profile", "role_ar"),
        ("citation", "title"), ("citation", "authors"), ("citation", "source"),
    ],
)
def test_a_direction_control_in_any_plain_text_is_refused_on_that_field(row, field):
    """On main the summary 'Take 01 tablets daily' with U+202E read 'Take 10 tablets daily' on the
    page, its meta description and the PDF: only Markdown bodies refused direction controls."""
    instance = _plain_text_rows()[row]
    setattr(instance, field, DOSE_FAKED if field != "phone" else "+1 555 \u202e0010")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        instance.full_clean()
    messages = error.value.message_dict.get(field, [])
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE" in message for message in messages), error.value


@pytest.mark.parametrize(
    "row, field, value, named",
    [
        ("procedure", "title_en", "Port <b>placement</b>", "Raw HTML is not allowed here. Remove: <b>, </b>"),
        ("clinic", "address_en", "1 Example Street " * 120, "the most is 2,000"),
        ("glossary", "other_forms_ar", "x\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    ],
)
def test_raw_html_and_size_are_refused_in_plain_texts_too(row, field, value, named):
    instance = _plain_text_rows()[row]
    setattr(instance, field, value)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert any(named in message for message in error.value.message_dict.get(field, [])), error.value


def test_ordinary_plain_texts_with_signs_and_both_scripts_are_accepted():
    rows = _plain_text_rows()
    rows["procedure"].summary_ar = "خذ 5 mL مرتين يوميًا إذا كانت الحرارة < 38.5°C (انظر الملحق)."
    rows["clinic"].address_en = "100 Example Street, Floor 2 <east wing>\nSpringfield"
    rows["clinic"].phone = "+1 555 0100"
    for name in ("procedure", "clinic"):
        rows[name].full_clean()


def test_a_direction_control_planted_past_the_forms_is_not_published():
    """A text written to the database directly (a fixture, a script) meets the rule at publishing."""
    procedure = make_procedure()
    add_section(procedure, "overview")
    Procedure.objects.filter(pk=procedure.pk).update(summary_ar=DOSE_FAKED)
    procedure.refresh_from_db()
    with translation.override("en"), pytest.raises(WorkflowRefused) as refused:
        publish(procedure)
    assert "summary (ar): Invisible direction-control characters" in str(refused.value)
    assert not procedure.publications.exists()
