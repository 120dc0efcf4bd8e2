"""Content out and back in: export_content writes the working copy as content files, import_content
reads them with load_demo's importer, and nothing is lost on the way."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from content.editing.models import GlossaryTerm, ProcedureCode
from content.editing.revisions import record_revision
from content.models import Clinic, Procedure, Publication, Question, Revision, Section
from tests.builders import (
    DEMO_SLUG,
    add_citation,
    add_question,
    add_section,
    load_demo_content,
    make_procedure,
)

# Several tests empty the database in the middle (flush), which PostgreSQL refuses inside the
# transaction an ordinary test runs in (TRUNCATE with pending constraint checks).
pytestmark = pytest.mark.django_db(transaction=True)

DEMO = Path(__file__).resolve().parent.parent / "content" / "demo"


def files_of(folder):
    """{relative path: bytes} of every file under `folder`."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def export(folder):
    call_command("export_content", str(folder), verbosity=0)
    return files_of(folder)


def empty_the_database():
    call_command("flush", interactive=False, verbosity=0)
    assert not Procedure.objects.exists() and not Clinic.objects.exists()


def a_draft_with_missing_arabic_and_awkward_text():
    """A second page unlike the demo: a draft, Arabic missing here and there, texts with quotes,
    backslashes and line breaks, a book reference, codes of two systems, a term without forms."""
    procedure = make_procedure(
        "port-placement", title_en='Port placement: the "port"', title_ar="",
        summary_en="A port under the skin.\\ It makes drips easier.", summary_ar="منفذ تحت الجلد.",
        short_name_en="Port",
    )
    add_section(procedure, "overview", body_en="First line.\n\n- one\n- two [^1]",
                body_ar="السطر الأول.\n\n- واحد\n- اثنان [^1]")
    add_section(procedure, "risks", body_en="Some risks.", body_ar="", heading_en="What can go wrong")
    add_section(procedure, "questions_to_ask", body_en="- Will it hurt?", body_ar="")
    add_question(procedure, 1, question_en="Does it show?", question_ar="هل يظهر؟",
                 answer_en="A little.", answer_ar="قليلًا.")
    add_question(procedure, 2, question_en="Can I swim?", question_ar="", answer_en="Yes.", answer_ar="")
    add_citation(procedure, 1, kind="book", authors="Doe J", title="Ports", source="A Book",
                 year=2020, url="https://example.org/ports", accessed=datetime.date(2025, 1, 2))
    ProcedureCode.objects.create(procedure=procedure, system="cpt", code="36561")
    ProcedureCode.objects.create(procedure=procedure, system="icd10cm", code="C18.9")
    record_revision(procedure)
    GlossaryTerm.objects.create(slug="port", term_en="port", definition_en="A small device under the skin.")
    clinic = Clinic.current()
    clinic.address_en = "Building 2\nFloor 3"
    clinic.save()
    return procedure


def test_exporting_right_after_loading_the_demo_gives_the_demo_back_byte_for_byte(tmp_path):
    load_demo_content()
    exported = export(tmp_path / "out")
    demo = {path: data for path, data in files_of(DEMO).items() if path != "README.md"}
    assert sorted(exported) == sorted(demo)
    for path, data in demo.items():
        assert exported[path] == data, f"{path} differs from its export"


def test_export_then_import_into_an_empty_database_then_export_again_gives_identical_folders(tmp_path):
    load_demo_content()
    a_draft_with_missing_arabic_and_awkward_text()
    first = export(tmp_path / "first")
    assert "port-placement/questions/02-can-i-swim.en.md" in first
    assert "port-placement/questions/02-can-i-swim.ar.md" not in first  # not yet translated
    assert b'status = "draft"' in first["port-placement/procedure.toml"]

    empty_the_database()
    call_command("import_content", str(tmp_path / "first"), verbosity=0)
    second = export(tmp_path / "second")

    assert second == first
    port = Procedure.objects.get(slug="port-placement")
    assert port.title_en == 'Port placement: the "port"' and not port.title_ar
    assert port.summary_en == "A port under the skin.\\ It makes drips easier."
    assert port.status == Procedure.Status.DRAFT and not port.is_live
    assert Clinic.current().address_en == "Building 2\nFloor 3"
    assert list(port.codes.order_by("pk").values_list("code", flat=True)) == ["36561", "C18.9"]
    demo = Procedure.objects.get(slug=DEMO_SLUG)
    assert demo.is_live and demo.live_version.document["reviewer"]["name"] == "Portal editorial team"


def test_a_page_waiting_for_review_comes_back_waiting_for_review(tmp_path):
    procedure = make_procedure("port-placement")
    add_section(procedure, "overview")
    record_revision(procedure)
    Procedure.objects.filter(pk=procedure.pk).update(status=Procedure.Status.IN_REVIEW)
    first = export(tmp_path / "first")
    empty_the_database()
    call_command("import_content", str(tmp_path / "first"), verbosity=0)
    assert Procedure.objects.get(slug="port-placement").status == Procedure.Status.IN_REVIEW
    assert export(tmp_path / "second") == first


def test_a_working_copy_edited_since_its_publication_is_exported_as_the_draft_it_is(tmp_path):
    procedure = load_demo_content()
    section = procedure.sections.get(kind="overview")
    section.body_en = "A shorter overview."
    section.save()
    record_revision(procedure)
    exported = export(tmp_path / "out")
    toml = exported[f"{DEMO_SLUG}/procedure.toml"].decode()
    assert 'status = "draft"' in toml and "last_reviewed" not in toml
    assert exported[f"{DEMO_SLUG}/sections/overview.en.md"] == b"A shorter overview.\n"


def test_export_refuses_a_folder_that_already_holds_files_and_writes_nothing(tmp_path):
    load_demo_content()
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_content", str(folder), verbosity=0)
    assert files_of(folder) == {"notes.txt": b"mine"}
    assert [path.name for path in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_import_content_names_the_bad_file_and_writes_nothing(tmp_path):
    load_demo_content()
    export(tmp_path / "out")
    empty_the_database()
    bad = tmp_path / "out" / DEMO_SLUG / "sections" / "risks.ar.md"
    bad.write_text("نص <script>alert(1)</script>\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_content", str(tmp_path / "out"), verbosity=0)
    assert "risks.ar.md:1: Raw HTML is not allowed" in str(error.value)
    assert not Procedure.objects.exists() and not Clinic.objects.exists()
    assert not GlossaryTerm.objects.exists()


def test_import_content_refuses_two_folders_with_the_same_address_name(tmp_path):
    load_demo_content()
    export(tmp_path / "out")
    empty_the_database()
    (tmp_path / "out" / DEMO_SLUG).rename(tmp_path / "out" / "copy-one")
    shutil.copytree(tmp_path / "out" / "copy-one", tmp_path / "out" / "copy-two")
    with pytest.raises(CommandError, match=re.escape(
            "copy-two/procedure.toml: slug 'hai-pump-chemotherapy' is used by another folder too "
            "(copy-one)")):
        call_command("import_content", str(tmp_path / "out"), verbosity=0)
    assert not Procedure.objects.exists()


def test_a_row_the_model_refuses_after_others_were_written_leaves_nothing_behind(tmp_path):
    """Files are read and checked first, but the model's own checks run as rows are written:
    the whole import is one transaction."""
    load_demo_content()
    export(tmp_path / "out")
    empty_the_database()
    toml = tmp_path / "out" / DEMO_SLUG / "procedure.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'title = "Hepatic artery infusion pump (HAI) chemotherapy"', f'title = "{"x" * 250}"'),
        encoding="utf-8")
    with pytest.raises(CommandError, match=r"procedure\.toml: the procedure: title: Ensure this value "
                                           "has at most 200"):
        call_command("import_content", str(tmp_path / "out"), verbosity=0)
    for model in (Procedure, Section, Question, Revision, Publication, Clinic, GlossaryTerm):
        assert not model.objects.exists(), model


def test_import_content_keeps_staff_edits_unless_asked_to_update(tmp_path):
    procedure = load_demo_content()
    export(tmp_path / "out")
    Procedure.objects.filter(pk=procedure.pk).update(title_en="Edited by staff")
    call_command("import_content", str(tmp_path / "out"), verbosity=0)
    assert Procedure.objects.get(pk=procedure.pk).title_en == "Edited by staff"
    call_command("import_content", str(tmp_path / "out"), "--update", verbosity=0)
    assert Procedure.objects.get(pk=procedure.pk).title_en.startswith("Hepatic artery")
