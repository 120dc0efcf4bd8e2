"""Loading content files: idempotent, never overwriting staff edits, clear about bad files."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from content.models import Citation, Clinic, Procedure, Publication, Question, Revision, Section
from tests.builders import DEMO_SLUG

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "content" / "demo"


def load(*args):
    call_command("load_demo", *args, verbosity=0)


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Procedure, Section, Question, Citation, Clinic, Revision, Publication)
    ]


@pytest.fixture
def demo_copy(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    return folder


def test_loading_the_demo_twice_changes_nothing():
    load()
    first = snapshot()
    load()
    assert snapshot() == first
    load("--update")
    assert snapshot() == first


def test_the_demo_holds_every_section_kind_fifteen_citations_and_both_languages():
    load()
    procedure = Procedure.objects.get(slug=DEMO_SLUG)
    assert procedure.is_live and procedure.live_version.number == 1
    assert procedure.live_version.document["reviewer"]["name"] == "Portal editorial team"
    assert procedure.status == Procedure.Status.PUBLISHED
    assert sorted(procedure.sections.values_list("kind", flat=True)) == sorted(Section.Kind.values)
    assert procedure.citations.count() == 15
    for section in procedure.sections.all():
        assert section.body_en and section.body_ar, section.kind
    for question in procedure.questions.all():
        assert question.question_ar and question.answer_ar
    assert procedure.sections.get(kind="living_with").heading_en.startswith("Living with the pump")


def test_a_plain_load_keeps_staff_edits(client):
    load()
    section = Section.objects.get(procedure__slug=DEMO_SLUG, kind="overview")
    section.body_en = "Edited by staff."
    section.save()
    load()
    assert Section.objects.get(pk=section.pk).body_en == "Edited by staff."


def test_update_brings_the_database_in_line_with_the_files(demo_copy):
    load(str(demo_copy))
    (demo_copy / DEMO_SLUG / "sections" / "travel.ar.md").unlink()
    overview = demo_copy / DEMO_SLUG / "sections" / "overview.en.md"
    overview.write_text("A new overview.\n", encoding="utf-8")
    load(str(demo_copy), "--update")
    procedure = Procedure.objects.get(slug=DEMO_SLUG)
    assert not procedure.sections.get(kind="travel").body_ar
    # The files say "published": what they now hold is the next version.
    live = procedure.live_version
    assert live.number == 2
    sections = {s["kind"]: s for s in live.document["sections"]}
    assert sections["overview"]["body"]["en"] == "<p>A new overview.</p>"
    assert sections["overview"]["body"]["state"] == "outdated"
    assert sections["travel"]["body"]["state"] == "missing"


@pytest.mark.parametrize(
    "path, content, message",
    [
        ("hai-pump-chemotherapy/procedure.toml", "slug = [", "not valid TOML"),
        ("hai-pump-chemotherapy/procedure.toml", 'slug = "Not A Slug"\n[en]\ntitle="x"',
         "slug must be lower-case"),
        ("hai-pump-chemotherapy/procedure.toml",
         'slug = "x"\nstatus = "live"\n[en]\ntitle = "T"\nsummary = "S"', "status 'live'"),
        ("hai-pump-chemotherapy/procedure.toml", 'slug = "x"\ncolour = "red"', "unknown key(s)"),
        ("hai-pump-chemotherapy/sections/overview.en.md", "Hello <b>there</b>",
         "overview.en.md:1: Raw HTML is not allowed"),
        ("hai-pump-chemotherapy/sections/overview.en.md", "Line one\n\nCites [^99].",
         "overview.en.md:3: cites [^99]"),
        ("hai-pump-chemotherapy/sections/overview.en.md", "Line one\n\nCites [^99] and [^98].",
         "overview.en.md:3: cites [^98], [^99]"),
        ("hai-pump-chemotherapy/sections/overview.ar.md", "سطر\n\nخذ 1\u202e01 قرص",
         "overview.ar.md:3: Invisible direction-control characters"),
        ("hai-pump-chemotherapy/sections/overview.en.md", "## A heading\n\nText", "are not supported: ##"),
        ("hai-pump-chemotherapy/questions/01-who-can-have-hai-pump.en.md", "# A question?\n\n![x](y.png)",
         "image from elsewhere"),
        ("hai-pump-chemotherapy/sections/prologue.en.md", "Text", "unknown section kind 'prologue'"),
        ("hai-pump-chemotherapy/questions/01-who-can-have-hai-pump.en.md", "No heading here",
         "the first line must be the question"),
        ("clinic.toml", "phone = 5", "phone must be text"),
    ],
)
def test_a_bad_file_is_named_with_what_is_wrong_and_nothing_is_written(
    demo_copy, path, content, message
):
    (demo_copy / path).write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        load(str(demo_copy))
    assert message in str(error.value)
    assert Path(path).name in str(error.value)
    assert not Procedure.objects.exists() and not Clinic.objects.exists()


RLO, PDF = "\u202e", "\u202c"  # "Take 01 tablets daily" shows as "Take 10 tablets daily"


def _prepend(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    "path, old, new, named",
    [
        ("hai-pump-chemotherapy/procedure.toml", 'summary = "مضخة',
         f'summary = "خذ {RLO}01{PDF} مضخة',
         "procedure.toml: [ar] summary: Invisible direction-control characters"),
        ("hai-pump-chemotherapy/procedure.toml", 'title = "Hepatic', f'title = "{RLO}Hepatic',
         "procedure.toml: [en] title: Invisible direction-control characters"),
        ("hai-pump-chemotherapy/procedure.toml", 'authors = "Kuemmerli C', f'authors = "{RLO}Kuemmerli C',
         "procedure.toml: [[citations]] number 1: authors: Invisible direction-control characters"),
        ("hai-pump-chemotherapy/procedure.toml", 'title = "Hepatic', 'title = "<b>Hepatic</b>',
         "procedure.toml: [en] title: Raw HTML is not allowed here. Remove: <b>"),
        ("hai-pump-chemotherapy/sections/living_with.ar.md", "# الحياة", f"# {RLO}الحياة",
         "living_with.ar.md:1: the heading (its first line '# ...'): Invisible direction-control"),
        ("hai-pump-chemotherapy/questions/04-how-often-is-the-pump.ar.md", "# كم", f"# {RLO}كم",
         "04-how-often-is-the-pump.ar.md:1: the question (its first line '# ...'): "
         "Invisible direction-control"),
        ("clinic.toml", 'address = "100 شارع', f'address = "{RLO}100 شارع',
         "clinic.toml: [ar] address: Invisible direction-control characters"),
        ("clinic.toml", 'phone = "+1 555 0100"', f'phone = "+1 555 {RLO}0010"',
         "clinic.toml: phone: Invisible direction-control characters"),
        ("glossary.toml", 'definition = "أدوية قوية', f'definition = "{RLO}أدوية قوية',
         "glossary.toml: [[terms]] number 1 (chemotherapy) [ar] definition: Invisible direction-control"),
        ("glossary.toml", 'other_forms = ["chemo"', f'other_forms = ["{RLO}chemo"',
         "glossary.toml: [[terms]] number 1 (chemotherapy) [en] other_forms: Invisible direction-control"),
    ],
    ids=["summary", "title", "citation", "raw-html", "heading", "question", "clinic-address",
         "clinic-phone", "glossary-definition", "glossary-other-forms"],
)
def test_a_plain_text_a_file_breaks_the_rule_with_is_refused_naming_file_and_field(
    demo_copy, path, old, new, named
):
    """On main only Markdown bodies were checked: a direction control in a title, summary,
    heading, question, citation, clinic or glossary text loaded and reached the page."""
    file = demo_copy / path
    file.write_text(_prepend(file.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        load(str(demo_copy))
    assert named in str(error.value)
    assert not Procedure.objects.exists() and not Clinic.objects.exists()


@pytest.mark.parametrize(
    "entry, message",
    [
        ('url = "javascript:alert(document.cookie)"', "url: Enter a valid URL."),
        ('url = "ftp://example.org/paper.pdf"', "url: Enter a web address that starts with https://"),
        ('doi = "https://doi.org/10.1/x"', "doi: Enter a DOI"),
    ],
)
def test_a_citation_the_admin_would_refuse_is_refused_from_a_file_too(demo_copy, entry, message):
    toml = demo_copy / DEMO_SLUG / "procedure.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + f"\n[[citations]]\nnumber = 16\nauthors = \"X\"\n{entry}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        load(str(demo_copy))
    assert "citation 16" in str(error.value) and message in str(error.value)
    assert not Procedure.objects.exists() and not Clinic.objects.exists()


def test_loading_works_and_reports_in_english_whatever_language_is_active(demo_copy):
    from django.utils import translation

    with translation.override("ar"):
        load(str(demo_copy))
    assert Procedure.objects.get(slug=DEMO_SLUG).title_en.startswith("Hepatic artery")
    toml = demo_copy / DEMO_SLUG / "procedure.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[[citations]]\nnumber = 16\nauthors = "X"\nurl = "x:y"\n',
        encoding="utf-8",
    )
    with translation.override("ar"), pytest.raises(CommandError) as error:
        load(str(demo_copy), "--update")
    assert "url: Enter a valid URL." in str(error.value)


def test_a_folder_that_does_not_exist_is_reported(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        load(str(tmp_path / "missing"))


def test_a_folder_without_content_is_reported(tmp_path):
    with pytest.raises(CommandError, match=r"neither clinic\.toml nor a procedure folder"):
        load(str(tmp_path))


def test_render_content_refreshes_stale_html_and_then_has_nothing_left_to_do(capsys):
    load()
    live = Procedure.objects.get(slug=DEMO_SLUG).live_version
    fresh = live.document["sections"][0]["body"]["en"]
    live.document["sections"][0]["body"]["en"] = "<p>rendered by an old pipeline</p>"
    live.save()
    call_command("render_content")
    call_command("render_content")
    assert capsys.readouterr().out.splitlines() == [
        "re-rendered: 1 live version(s) changed", "re-rendered: 0 live version(s) changed"
    ]
    live.refresh_from_db()
    assert live.document["sections"][0]["body"]["en"] == fresh
    assert live.number == 1 and Publication.objects.count() == 1


def test_demo_staff_makes_one_account_per_role_that_can_do_its_job(settings, capsys):
    from django.contrib.auth import get_user_model

    from content.editing import roles

    settings.DEBUG = True
    call_command("demo_staff")
    printed = capsys.readouterr().out
    users = get_user_model().objects
    for username in ("demo-staff", "demo-editor", "demo-translator", "demo-reviewer"):
        assert username in printed
        password = next(line.split()[-1] for line in printed.splitlines() if username in line)
        assert users.get(username=username).check_password(password)
    assert roles.can_publish(users.get(username="demo-reviewer"))
    assert not roles.can_publish(users.get(username="demo-editor"))
    assert roles.can_edit_arabic(users.get(username="demo-translator"))
    assert users.get(username="demo-reviewer").staff_profile.role_en
    call_command("demo_staff")
    assert "Demo accounts exist" in capsys.readouterr().out
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development only"):
        call_command("demo_staff")
