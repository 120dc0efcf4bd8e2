"""Content rules: translated fields, clinical order, review dates, translation state."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from content.models import Procedure, Section
from tests.builders import add_citation, add_question, add_section, make_procedure

pytestmark = pytest.mark.django_db


def test_translated_fields_exist_in_english_and_arabic():
    procedure = make_procedure(title_en="Pump", title_ar="مضخة")
    with translation.override("ar"):
        assert procedure.title == "مضخة"
    with translation.override("en"):
        assert procedure.title == "Pump"
    section = add_section(procedure, "overview", body_en="Hello", body_ar="مرحبا")
    assert {"body_en", "body_ar", "body_html_en", "body_html_ar"} <= {
        f.name for f in Section._meta.get_fields()
    }
    assert section.body_html_ar == "<p>مرحبا</p>"


def test_markdown_is_rendered_when_saved_in_both_languages():
    section = add_section(make_procedure(), "risks", body_en="- Bleeding", body_ar="- نزيف")
    section.refresh_from_db()
    assert section.body_html_en == "<ul>\n<li>Bleeding</li>\n</ul>"
    assert "<li>نزيف</li>" in section.body_html_ar


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


def test_next_review_cannot_be_due_before_the_last_review():
    procedure = make_procedure(
        last_reviewed=datetime.date(2026, 5, 1), next_review_due=datetime.date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        procedure.full_clean()
    assert "next_review_due" in error.value.message_dict


def test_a_published_procedure_must_have_a_review_date():
    procedure = make_procedure(last_reviewed=None)
    with pytest.raises(ValidationError) as error:
        procedure.full_clean()
    assert "last_reviewed" in error.value.message_dict


def test_review_is_overdue_once_its_due_date_has_passed():
    assert make_procedure(slug="old", next_review_due=datetime.date(2020, 1, 1)).review_overdue
    assert not make_procedure(slug="new", next_review_due=datetime.date(2999, 1, 1)).review_overdue


def test_markdown_fields_reject_raw_html_with_a_message_naming_the_tags():
    section = Section(procedure=make_procedure(), kind="overview", body_en="Hi <b>there</b>")
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "<b>" in str(error.value.message_dict["body_en"])


def test_only_published_procedures_are_public():
    make_procedure(slug="draft", status=Procedure.Status.DRAFT)
    make_procedure(slug="review", status=Procedure.Status.IN_REVIEW)
    make_procedure(slug="live")
    assert [p.slug for p in Procedure.objects.published()] == ["live"]


def test_editing_english_only_marks_the_arabic_as_possibly_out_of_date():
    section = add_section(make_procedure(), "overview", body_en="Old", body_ar="قديم")
    assert not section.translation_may_be_outdated
    section = Section.objects.get(pk=section.pk)
    section.body_en = "New English"
    section.save()
    assert section.translation_may_be_outdated
    section = Section.objects.get(pk=section.pk)
    section.body_ar = "نص جديد"
    section.save()
    assert not Section.objects.get(pk=section.pk).translation_may_be_outdated


def test_a_missing_translation_is_not_reported_as_out_of_date():
    section = add_section(make_procedure(), "overview", body_en="Only English", body_ar="")
    section.body_en = "Changed"
    section.save()
    assert not section.has_translation()
    assert not section.translation_may_be_outdated


def test_changing_a_section_question_or_citation_moves_the_procedure_revision_on():
    procedure = make_procedure()
    revisions = [procedure.revision]
    section = add_section(procedure, "overview")
    revisions.append(Procedure.objects.get(pk=procedure.pk).revision)
    add_question(procedure)
    revisions.append(Procedure.objects.get(pk=procedure.pk).revision)
    add_citation(procedure)
    revisions.append(Procedure.objects.get(pk=procedure.pk).revision)
    section.delete()
    revisions.append(Procedure.objects.get(pk=procedure.pk).revision)
    assert revisions == sorted(set(revisions)), revisions


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


def test_the_english_fingerprint_does_not_depend_on_the_process(tmp_path):
    """Hash seeds differ between processes; a fingerprint that followed them would flag every
    translation as out of date after a restart."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup();"
        "from content.models import Section;"
        "s = Section(heading_en='H', body_en='B');"
        "print(s._source_fingerprint())"
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
    assert any("Images" in m for m in messages)
