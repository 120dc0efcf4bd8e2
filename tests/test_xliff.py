"""Translations out and back in as XLIFF 2.0: the export_xliff and import_xliff commands and the
admin's download and upload of one procedure."""

import re
from xml.etree import ElementTree

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from content.editing import freshness
from content.editing.revisions import record_revision
from content.models import GlossaryTerm, Procedure, Question, Revision, Section
from content.publishing.glossary import unpublished_changes
from tests.builders import DEMO_SLUG, make_staff

pytestmark = pytest.mark.django_db

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# The elements and attributes of XLIFF 2.0's core (OASIS, 2014) that the export may use.
CORE_ATTRIBUTES = {
    "xliff": {"version", "srcLang", "trgLang", XML_SPACE},
    "file": {"id", "original", "canResegment", "translate", "srcDir", "trgDir", XML_SPACE},
    "unit": {"id", "name", "canResegment", "translate", "srcDir", "trgDir", XML_SPACE, "type"},
    "segment": {"id", "canResegment", "state", "subState"},
    "source": {"{http://www.w3.org/XML/1998/namespace}lang", XML_SPACE},
    "target": {"{http://www.w3.org/XML/1998/namespace}lang", XML_SPACE, "order"},
}


# Which elements each core element may hold, in the order the specification gives them.
CORE_CHILDREN = {
    "xliff": ["file"],
    "file": ["skeleton", "notes", "unit", "group"],
    "unit": ["notes", "originalData", "segment", "ignorable"],
    "segment": ["source", "target"],
    "source": [],
    "target": [],
}
NMTOKEN = re.compile(r"^[\w.:-]+$")


def assert_core_structure(element):
    """The element and everything in it as XLIFF 2.0's core schema allows (elements, their order,
    attributes, NMTOKEN ids, a segment's one source before its optional target)."""
    name = element.tag.removeprefix(f"{{{NS}}}")
    assert name in CORE_CHILDREN, element.tag
    assert set(element.attrib) <= CORE_ATTRIBUTES[name], (name, element.attrib)
    if "id" in element.attrib:
        assert NMTOKEN.match(element.get("id")), element.get("id")
    children = [child.tag.removeprefix(f"{{{NS}}}") for child in element]
    order = [CORE_CHILDREN[name].index(child) for child in children]
    assert order == sorted(order), (name, children)
    if name == "segment":
        assert children in (["source"], ["source", "target"]), children
    if name in ("source", "target"):
        assert not children and element.text is not None
    if name == "unit":
        assert "segment" in children and element.get("id")
    if name == "file":
        assert element.get("id") and children
    for child in element:
        assert_core_structure(child)


def q(name):
    return f"{{{NS}}}{name}"


def export(tmp_path, *args):
    path = tmp_path / "out.xlf"
    call_command("export_xliff", "--language", "ar", str(path), *args, verbosity=0)
    return path


def unit(root, unit_id):
    found = root.find(f".//{q('unit')}[@id='{unit_id}']")
    assert found is not None, unit_id
    return found


def set_target(path, unit_id, text, state="translated"):
    """Write a translation into the file, as a translation tool would."""
    root = ElementTree.parse(path).getroot()
    segment = unit(root, unit_id).find(q("segment"))
    target = segment.find(q("target"))
    if target is None:
        target = ElementTree.SubElement(segment, q("target"))
    target.text = text
    segment.set("state", state)
    ElementTree.register_namespace("", NS)
    ElementTree.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)


def import_file(path, user, *args):
    out = []

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command("import_xliff", str(path), "--user", user.username, *args, stdout=Out())
    return "".join(out)


def state_of(row, field):
    row.refresh_from_db()
    return row.field_state(field)


def unchanged_since(procedure, revisions):
    return Revision.objects.filter(procedure=procedure).count() == revisions


# ---------------------------------------------------------------- export


def test_the_export_is_xliff_2_core_with_one_unit_per_translated_text(demo_procedure, tmp_path):
    section = demo_procedure.sections.get(kind="risks")
    section.body_en += "\n\nOne more sentence."
    section.save()  # its Arabic is now out of date
    question = demo_procedure.questions.first()
    question.answer_ar = ""
    question.save()  # and this answer is not translated
    root = ElementTree.parse(export(tmp_path)).getroot()

    assert root.tag == q("xliff")
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "ar")
    assert_core_structure(root)
    files = root.findall(q("file"))
    # A full export carries the glossary too, after the procedures (its units: tested below).
    assert [f.get("id") for f in files] == [DEMO_SLUG, "glossary:terms"]
    assert files[0].get(XML_SPACE) == "preserve" and files[0].get("trgDir") == "rtl"

    units = files[0].findall(q("unit"))
    ids = [u.get("id") for u in units]
    assert len(ids) == len(set(ids))
    pattern = re.compile(rf"^{DEMO_SLUG}\.(procedure|section\.[a-z_]+|question\.\d+)\.[a-z_]+$")
    assert all(pattern.match(i) for i in ids), ids
    # Every text with English: the procedure's four, each section's body (and the one heading of
    # its own), each question and answer.
    expected = 4 + demo_procedure.sections.count() + 1 + 2 * demo_procedure.questions.count()
    assert len(units) == expected
    for element in units:
        segments = element.findall(q("segment"))
        assert len(segments) == 1 and segments[0].find(q("source")) is not None

    title = unit(root, f"{DEMO_SLUG}.procedure.title").find(q("segment"))
    assert title.get("state") == "translated"
    assert title.find(q("source")).text == demo_procedure.title_en
    assert title.find(q("target")).text == demo_procedure.title_ar
    risks = unit(root, f"{DEMO_SLUG}.section.risks.body").find(q("segment"))
    assert risks.get("state") == "initial"
    assert risks.find(q("source")).text == section.body_en  # line breaks and all
    answer = unit(root, f"{DEMO_SLUG}.question.{question.pk}.answer").find(q("segment"))
    assert answer.get("state") == "initial" and answer.find(q("target")) is None


def test_the_export_refuses_the_source_language_and_unknown_procedures(demo_procedure, tmp_path):
    with pytest.raises(CommandError, match="not a language texts are translated into"):
        call_command("export_xliff", "--language", "en", str(tmp_path / "x.xlf"))
    with pytest.raises(CommandError, match="no procedure with the address name nope"):
        call_command("export_xliff", "--procedure", "nope", str(tmp_path / "x.xlf"))
    assert not (tmp_path / "x.xlf").exists()


# ---------------------------------------------------------------- import


def test_an_imported_translation_is_a_new_revision_by_the_importing_account(
        demo_procedure, translator, tmp_path):
    path = export(tmp_path)
    question = demo_procedure.questions.first()
    set_target(path, f"{DEMO_SLUG}.section.travel.body", "نص جديد للسفر.\n\n- أولًا\n- ثانيًا")
    set_target(path, f"{DEMO_SLUG}.question.{question.pk}.answer", "جواب جديد.")
    before = demo_procedure.revisions.count()

    out = import_file(path, translator)

    latest = demo_procedure.revisions.order_by("-number").first()
    assert demo_procedure.revisions.count() == before + 1
    assert latest.created_by == translator and latest.created_by_name == "Tariq Translator"
    assert f"Revision {latest.number} of {DEMO_SLUG} saved." in out and "Texts imported: 2." in out
    travel = demo_procedure.sections.get(kind="travel")
    assert travel.body_ar == "نص جديد للسفر.\n\n- أولًا\n- ثانيًا"
    assert travel.translation["body"]["by"] == "Tariq Translator"
    assert state_of(travel, "body") == freshness.CURRENT
    assert Question.objects.get(pk=question.pk).answer_ar == "جواب جديد."
    # The English is untouched, and the page is a draft again until a reviewer publishes it.
    assert travel.body_en == Section.objects.get(pk=travel.pk).body_en
    assert Procedure.objects.get(pk=demo_procedure.pk).status == Procedure.Status.DRAFT


def test_importing_the_file_again_changes_nothing(demo_procedure, translator, tmp_path):
    path = export(tmp_path)
    before = demo_procedure.revisions.count()
    out = import_file(path, translator)
    assert "Texts imported: 0." in out
    assert demo_procedure.revisions.count() == before


def test_a_unit_whose_english_changed_since_export_is_imported_but_stays_out_of_date(
        demo_procedure, translator, tmp_path):
    path = export(tmp_path)
    risks = demo_procedure.sections.get(kind="risks")
    exported_english = risks.body_en
    risks.body_en += "\n\nA sentence the editor added after the export."
    risks.save()
    record_revision(demo_procedure)
    set_target(path, f"{DEMO_SLUG}.section.risks.body", "ترجمة المخاطر كما كانت.")
    set_target(path, f"{DEMO_SLUG}.procedure.title", "عنوان جديد")

    out = import_file(path, translator)

    assert "stay flagged out of date" in out and f"{DEMO_SLUG}.section.risks.body" in out
    assert f"{DEMO_SLUG}.procedure.title" not in out.split("out of date")[1]
    risks.refresh_from_db()
    assert risks.body_ar == "ترجمة المخاطر كما كانت."
    assert state_of(risks, "body") == freshness.OUTDATED
    assert risks.translation["body"]["source"] == freshness.normalise(exported_english)
    assert state_of(Procedure.objects.get(pk=demo_procedure.pk), "title") == freshness.CURRENT
    assert Procedure.objects.get(pk=demo_procedure.pk).arabic_outdated == 1


def test_a_translation_marked_translated_against_the_new_english_confirms_it_still_matches(
        demo_procedure, translator, tmp_path):
    risks = demo_procedure.sections.get(kind="risks")
    risks.body_en += "\n\nOne more sentence."
    risks.save()
    assert state_of(risks, "body") == freshness.OUTDATED
    path = export(tmp_path)
    set_target(path, f"{DEMO_SLUG}.section.risks.body", risks.body_ar, state="translated")
    import_file(path, translator)
    assert state_of(risks, "body") == freshness.CURRENT
    assert risks.translation["body"]["by"] == "Tariq Translator"


def _every_text(procedure):
    rows = [Procedure.objects.get(pk=procedure.pk), *procedure.sections.all(), *procedure.questions.all()]
    return [(type(row).__name__, row.pk, row.translation, *(getattr(row, f"{n}_ar") or ""
                                                              for n in row.translated_text_fields))
            for row in rows]


DOCTYPE_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
    'version="2.0" srcLang="en" trgLang="ar"><file id="f"><unit id="u"><segment><source>&c;</source>'
    '</segment></unit></file></xliff>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ar">'
    '<file id="f"><unit id="u"><segment><source>&secret;</source></segment></unit></file></xliff>'
)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("spoil, message", [
    (lambda p, d: p.write_text("<xliff version='2.0'><file>", encoding="utf-8"), "not well-formed XML"),
    (lambda p, d: p.write_text(DOCTYPE_BOMB, encoding="utf-8"), "declares a document type or entities"),
    (lambda p, d: p.write_text(EXTERNAL_ENTITY, encoding="utf-8"), "declares a document type or entities"),
    (lambda p, d: p.write_text('<?xml version="1.0"?><html/>', encoding="utf-8"), "not an XLIFF 2.0 file"),
    (lambda p, d: _edit(p, 'version="2.0"', 'version="1.2"'), "XLIFF version 1.2; only version 2.0"),
    (lambda p, d: _edit(p, 'trgLang="ar"', 'trgLang="fr"'), "target language is fr, not ar"),
    (lambda p, d: _edit(p, 'trgLang="ar"', 'trgLang="en"'),
     "only translations are imported, never the English"),
    (lambda p, d: _edit(p, 'srcLang="en"', 'srcLang="ar"'), "source language is ar; it must be en"),
    (lambda p, d: _edit(p, f'id="{DEMO_SLUG}.procedure.title"', f'id="{DEMO_SLUG}.procedure.colour"'),
     f"Unit {DEMO_SLUG}.procedure.colour is not a text of this portal"),
    (lambda p, d: _edit(p, f'id="{DEMO_SLUG}.procedure.title"', 'id="another-page.procedure.title"'),
     "Unit another-page.procedure.title is not a text"),
    (lambda p, d: set_target(p, f"{DEMO_SLUG}.section.travel.body", "نص <script>alert(1)</script>"),
     f"Unit {DEMO_SLUG}.section.travel.body: Raw HTML is not allowed"),
    (lambda p, d: set_target(p, f"{DEMO_SLUG}.procedure.title", "خذ \u202e01\u202c قرصًا"),
     f"Unit {DEMO_SLUG}.procedure.title: Invisible direction-control characters"),
    (lambda p, d: set_target(p, f"{DEMO_SLUG}.procedure.title", "ع" * 201),
     f"Unit {DEMO_SLUG}.procedure.title: It is 201 characters long; at most 200 fit."),
    (lambda p, d: set_target(p, f"{DEMO_SLUG}.section.travel.body", "نص يستشهد [^99]."),
     f"Unit {DEMO_SLUG}.section.travel.body: It cites [^99]"),
    (lambda p, d: _edit(p, "<target>العلاج الكيميائي بمضخة HAI</target>",
                        '<target>العلاج <pc id="1">الكيميائي</pc></target>'), "holds markup (<pc>)"),
], ids=["malformed", "entity-bomb", "external-entity", "not-xliff", "version", "language",
        "english-target", "source-language", "unknown-unit", "unknown-procedure", "raw-html",
        "direction-control", "too-long", "missing-citation", "inline-markup"])
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_changes(
        demo_procedure, translator, tmp_path, spoil, message):
    path = export(tmp_path)
    # A good unit beside the bad one: it is not imported either (all or nothing).
    set_target(path, f"{DEMO_SLUG}.section.why.body", "نص جيد.")
    spoil(path, demo_procedure)
    before, revisions = _every_text(demo_procedure), demo_procedure.revisions.count()
    with pytest.raises(CommandError) as error:
        import_file(path, translator)
    assert message in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert _every_text(demo_procedure) == before and unchanged_since(demo_procedure, revisions)


def test_an_account_that_may_not_write_arabic_cannot_import(demo_procedure, editor, reviewer, tmp_path):
    path = export(tmp_path)
    set_target(path, f"{DEMO_SLUG}.procedure.title", "عنوان جديد")
    for account in (editor, reviewer):
        with pytest.raises(CommandError, match=f"The account {account.username} may not change Arabic"):
            import_file(path, account)
    with pytest.raises(CommandError, match="no account named nobody"):
        call_command("import_xliff", str(path), "--user", "nobody")
    assert Procedure.objects.get(pk=demo_procedure.pk).title_ar != "عنوان جديد"


# ---------------------------------------------------------------- admin


def test_a_translator_downloads_and_uploads_a_procedures_translation_in_the_admin(
        client, demo_procedure, translator):
    client.force_login(translator)
    change = client.get(reverse("admin:content_procedure_change", args=[demo_procedure.pk]))
    download_url = reverse("admin:content_procedure_xliff", args=[demo_procedure.pk])
    upload_url = reverse("admin:content_procedure_xliff_upload", args=[demo_procedure.pk])
    assert download_url in change.content.decode() and upload_url in change.content.decode()

    response = client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xliff+xml")
    assert f'filename="{DEMO_SLUG}.ar.xlf"' in response["Content-Disposition"]
    root = ElementTree.fromstring(response.content)
    title = unit(root, f"{DEMO_SLUG}.procedure.title")
    title.find(q("segment")).find(q("target")).text = "عنوان مترجم من أداة الترجمة"
    ElementTree.register_namespace("", NS)
    data = ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)

    response = client.post(upload_url, {"file": SimpleUploadedFile("hai.ar.xlf", data)}, follow=True)
    procedure = Procedure.objects.get(pk=demo_procedure.pk)
    assert procedure.title_ar == "عنوان مترجم من أداة الترجمة"
    latest = procedure.revisions.order_by("-number").first()
    assert latest.created_by == translator
    assert f"Revision {latest.number} of {DEMO_SLUG} saved." in response.content.decode()


def test_an_upload_with_problems_lists_them_and_saves_nothing(client, demo_procedure, translator):
    client.force_login(translator)
    data = (f'<?xml version="1.0"?><xliff xmlns="{NS}" version="2.0" srcLang="en" trgLang="ar">'
            f'<file id="{DEMO_SLUG}"><unit id="{DEMO_SLUG}.procedure.title"><segment state="translated">'
            f'<source>{demo_procedure.title_en}</source><target>&lt;b&gt;عنوان&lt;/b&gt;</target>'
            '</segment></unit></file></xliff>').encode()
    revisions = demo_procedure.revisions.count()
    response = client.post(reverse("admin:content_procedure_xliff_upload", args=[demo_procedure.pk]),
                           {"file": SimpleUploadedFile("bad.xlf", data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert f"Unit {DEMO_SLUG}.procedure.title: Raw HTML is not allowed" in page
    assert unchanged_since(demo_procedure, revisions)


def test_an_upload_for_one_page_refuses_units_of_another(client, demo_procedure, translator, tmp_path):
    client.force_login(translator)
    data = export(tmp_path).read_bytes().replace(f'id="{DEMO_SLUG}.'.encode(), b'id="other-page.')
    response = client.post(reverse("admin:content_procedure_xliff_upload", args=[demo_procedure.pk]),
                           {"file": SimpleUploadedFile("other.xlf", data)})
    assert response.status_code == 400
    assert f"belongs to another procedure than {DEMO_SLUG}" in response.content.decode()


def test_only_those_who_may_write_arabic_may_upload_and_only_roles_may_download(
        client, demo_procedure, editor, reviewer):
    upload_url = reverse("admin:content_procedure_xliff_upload", args=[demo_procedure.pk])
    download_url = reverse("admin:content_procedure_xliff", args=[demo_procedure.pk])
    for account in (editor, reviewer):
        client.force_login(account)
        assert client.get(download_url).status_code == 200
        assert client.get(upload_url).status_code == 403
        assert client.post(upload_url, {"file": SimpleUploadedFile("x.xlf", b"<x/>")}).status_code == 403
        change = client.get(reverse("admin:content_procedure_change", args=[demo_procedure.pk]))
        assert download_url in change.content.decode() and upload_url not in change.content.decode()
    nobody = make_staff("no-role")
    client.force_login(nobody)
    assert client.get(download_url).status_code == 403
    assert client.get(upload_url).status_code == 403


def test_a_form_opened_before_an_import_and_saved_after_it_keeps_the_imported_translation(
        client, demo_procedure, translator, tmp_path):
    """The import is a revision like any save, so a translator's change form opened before it
    merges with it rather than writing the old Arabic back."""
    from tests.test_admin import change_url, extract_form_data

    url = change_url(demo_procedure)
    client.force_login(translator)
    opened = extract_form_data(client.get(url).content.decode())
    path = export(tmp_path)
    set_target(path, f"{DEMO_SLUG}.section.travel.body", "نص السفر من أداة الترجمة.")
    import_file(path, translator)
    opened["summary_ar"] = "ملخص جديد كُتب في النموذج."
    response = client.post(url, opened)
    assert response.status_code == 302
    procedure = Procedure.objects.get(pk=demo_procedure.pk)
    assert procedure.summary_ar == "ملخص جديد كُتب في النموذج."
    assert procedure.sections.get(kind="travel").body_ar == "نص السفر من أداة الترجمة."


def test_a_glossary_form_opened_before_an_import_and_saved_after_it_is_refused_keeping_both(
        client, demo_procedure, translator, tmp_path):
    """A term has no revisions to merge with: the old form's save is refused, the imported
    definition stays, and what the translator typed is still in the form."""
    from tests.test_admin import extract_form_data

    term = GlossaryTerm.objects.get(slug="catheter")
    url = reverse("admin:content_glossaryterm_change", args=[term.pk])
    client.force_login(translator)
    opened = extract_form_data(client.get(url).content.decode())
    path = export(tmp_path)
    set_target(path, "glossary:catheter.definition", "أنبوب رفيع يحمل الدواء من المضخة.")
    import_file(path, translator)
    opened["term_ar"] = "القسطرة (الأنبوب)"
    response = client.post(url, opened)
    assert response.status_code == 200
    page = response.content.decode()
    assert "after you opened it" in page and "القسطرة (الأنبوب)" in page
    term.refresh_from_db()
    assert term.definition_ar == "أنبوب رفيع يحمل الدواء من المضخة."
    assert term.term_ar != "القسطرة (الأنبوب)"
    # Opened again, the form saves.
    fresh = extract_form_data(client.get(url).content.decode())
    fresh["term_ar"] = "القسطرة (الأنبوب)"
    assert client.post(url, fresh).status_code == 302
    term.refresh_from_db()
    assert term.term_ar == "القسطرة (الأنبوب)"
    assert term.definition_ar == "أنبوب رفيع يحمل الدواء من المضخة."


# ---------------------------------------------------------------- the glossary

GLOSSARY_FIELDS = ("term", "other_forms", "definition")


def _glossary_snapshot():
    return [(term.slug, term.translation, *(getattr(term, f"{name}_ar") for name in GLOSSARY_FIELDS))
            for term in GlossaryTerm.objects.order_by("slug")]


def test_a_full_export_holds_the_glossary_a_unit_per_term_text_with_english_in_slug_order(
        demo_procedure, tmp_path):
    chemotherapy = GlossaryTerm.objects.get(slug="chemotherapy")
    chemotherapy.definition_en += " It is given in cycles."
    chemotherapy.save()  # its Arabic definition is now out of date
    without_other_forms = GlossaryTerm.objects.order_by("slug").last()
    without_other_forms.other_forms_en = ""
    without_other_forms.save()  # nothing of it to translate
    root = ElementTree.parse(export(tmp_path)).getroot()

    assert_core_structure(root)
    glossary = root.find(f"{q('file')}[@id='glossary:terms']")
    assert glossary.get("original") == "glossary" and glossary.get("trgDir") == "rtl"
    expected = [f"glossary:{term.slug}.{name}" for term in GlossaryTerm.objects.order_by("slug")
                for name in GLOSSARY_FIELDS if term.english(name)]
    assert [u.get("id") for u in glossary.findall(q("unit"))] == expected
    assert f"glossary:{without_other_forms.slug}.other_forms" not in expected

    definition = unit(root, "glossary:chemotherapy.definition")
    assert definition.get("name") == "glossary chemotherapy definition"
    segment = definition.find(q("segment"))
    assert segment.get("state") == "initial"
    assert segment.find(q("source")).text == chemotherapy.definition_en
    assert segment.find(q("target")).text == chemotherapy.definition_ar
    term = unit(root, "glossary:chemotherapy.term").find(q("segment"))
    assert term.get("state") == "translated" and term.find(q("target")).text == "العلاج الكيميائي"


def test_a_procedure_called_glossary_and_the_glossary_have_files_of_their_own(demo_procedure, tmp_path):
    demo_procedure.slug = "glossary"
    demo_procedure.save()
    files = ElementTree.parse(export(tmp_path)).getroot().findall(q("file"))
    assert [f.get("id") for f in files] == ["glossary", "glossary:terms"]


def test_export_xliff_leaves_the_glossary_out_when_asked_and_of_a_procedures_own_export(
        demo_procedure, tmp_path):
    def file_ids(*args):
        return [f.get("id") for f in ElementTree.parse(export(tmp_path, *args)).getroot()]

    assert file_ids() == [DEMO_SLUG, "glossary:terms"]
    assert file_ids("--no-glossary") == [DEMO_SLUG]
    assert file_ids("--procedure", DEMO_SLUG) == [DEMO_SLUG]
    assert file_ids("--procedure", DEMO_SLUG, "--glossary") == [DEMO_SLUG, "glossary:terms"]


def test_an_imported_glossary_translation_is_saved_by_the_importing_account_without_a_revision(
        demo_procedure, translator, tmp_path):
    chemotherapy = GlossaryTerm.objects.get(slug="chemotherapy")
    chemotherapy.definition_en += " It is given in cycles."
    chemotherapy.save()
    assert state_of(chemotherapy, "definition") == freshness.OUTDATED
    path = export(tmp_path)
    translated = "أدوية قوية تقتل الخلايا السرطانية، وتُعطى على دورات."
    set_target(path, "glossary:chemotherapy.definition", translated)
    revisions = demo_procedure.revisions.count()

    out = import_file(path, translator)

    chemotherapy.refresh_from_db()
    assert chemotherapy.definition_ar == translated
    assert state_of(chemotherapy, "definition") == freshness.CURRENT
    assert chemotherapy.translation["definition"]["by"] == "Tariq Translator"
    assert "Texts imported: 1." in out and "Glossary texts among them: 1 (chemotherapy)." in out
    assert "once a clinical reviewer publishes the glossary" in out
    assert unchanged_since(demo_procedure, revisions)
    entry = LogEntry.objects.get(object_id=str(chemotherapy.pk),
                                 content_type=ContentType.objects.get_for_model(GlossaryTerm))
    assert entry.user == translator and entry.action_flag == CHANGE
    assert entry.get_change_message() == "Arabic texts imported from an XLIFF file: plain definition."
    # Saved in the working copy; patients read it once a reviewer publishes the glossary.
    assert "chemotherapy" in unpublished_changes()["changed"]


def test_a_glossary_unit_whose_english_changed_since_export_is_imported_but_stays_out_of_date(
        demo_procedure, translator, tmp_path):
    path = export(tmp_path)
    chemotherapy = GlossaryTerm.objects.get(slug="chemotherapy")
    exported_english = chemotherapy.definition_en
    chemotherapy.definition_en += " It is given in cycles."
    chemotherapy.save()
    set_target(path, "glossary:chemotherapy.definition", "ترجمة التعريف كما كان.")

    out = import_file(path, translator)

    assert "stay flagged out of date" in out and "glossary:chemotherapy.definition" in out
    chemotherapy.refresh_from_db()
    assert chemotherapy.definition_ar == "ترجمة التعريف كما كان."
    assert state_of(chemotherapy, "definition") == freshness.OUTDATED
    assert chemotherapy.translation["definition"]["source"] == freshness.normalise(exported_english)


@pytest.mark.parametrize("spoil, message", [
    (lambda p: _edit(p, 'id="glossary:chemotherapy.term"', 'id="glossary:no-such-term.term"'),
     "Unit glossary:no-such-term.term is not a text of this portal's glossary"),
    (lambda p: _edit(p, 'id="glossary:chemotherapy.term"', 'id="glossary:chemotherapy.colour"'),
     "Unit glossary:chemotherapy.colour is not a text of this portal's glossary"),
    (lambda p: set_target(p, "glossary:chemotherapy.definition", "أدوية <b>قوية</b>."),
     "Unit glossary:chemotherapy.definition: Raw HTML is not allowed"),
    (lambda p: _edit(p, "<target>العلاج الكيميائي</target>",
                     '<target>العلاج <pc id="1">الكيميائي</pc></target>'), "holds markup (<pc>)"),
    (lambda p: set_target(p, "glossary:chemotherapy.term", "ع" * 121),
     "Unit glossary:chemotherapy.term: It is 121 characters long; at most 120 fit."),
    (lambda p: set_target(p, "glossary:chemotherapy.definition", "ع" * 401),
     "Unit glossary:chemotherapy.definition: It is 401 characters long; at most 400 fit."),
], ids=["unknown-term", "unknown-field", "raw-html", "inline-markup", "term-too-long",
        "definition-too-long"])
def test_a_bad_glossary_unit_is_refused_and_nothing_in_the_file_is_saved(
        demo_procedure, translator, tmp_path, spoil, message):
    path = export(tmp_path)
    # Good units of a procedure and of the glossary beside the bad one: not imported either.
    set_target(path, f"{DEMO_SLUG}.section.why.body", "نص جيد.")
    set_target(path, "glossary:hepatic-artery.definition", "تعريف جيد.")
    spoil(path)
    before, revisions = _every_text(demo_procedure), demo_procedure.revisions.count()
    glossary = _glossary_snapshot()
    with pytest.raises(CommandError) as error:
        import_file(path, translator)
    assert message in str(error.value) and "nothing was imported" in str(error.value)
    assert _every_text(demo_procedure) == before and unchanged_since(demo_procedure, revisions)
    assert _glossary_snapshot() == glossary and not LogEntry.objects.exists()


def _glossary_file(client, target="تعريف مترجم من أداة الترجمة."):
    """The glossary's download with one definition translated, as a translation tool saves it."""
    response = client.get(reverse("admin:content_glossaryterm_xliff"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    unit(root, "glossary:hepatic-artery.definition").find(q("segment")).find(q("target")).text = target
    ElementTree.register_namespace("", NS)
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)


def test_a_translator_downloads_and_uploads_the_glossarys_translation_from_its_list(
        client, demo_procedure, translator):
    client.force_login(translator)
    listing = client.get(reverse("admin:content_glossaryterm_changelist")).content.decode()
    upload_url = reverse("admin:content_glossaryterm_xliff_upload")
    assert reverse("admin:content_glossaryterm_xliff") in listing and upload_url in listing
    response = client.get(reverse("admin:content_glossaryterm_xliff"))
    assert 'filename="glossary.ar.xlf"' in response["Content-Disposition"]
    assert [f.get("id") for f in ElementTree.fromstring(response.content)] == ["glossary:terms"]
    assert client.get(upload_url).status_code == 200

    data = _glossary_file(client)
    response = client.post(upload_url, {"file": SimpleUploadedFile("glossary.ar.xlf", data)})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:content_glossaryterm_changelist")
    assert GlossaryTerm.objects.get(slug="hepatic-artery").definition_ar == "تعريف مترجم من أداة الترجمة."
    page = client.get(response["Location"]).content.decode()
    assert "Glossary texts among them: 1 (hepatic-artery)." in page


def test_the_glossarys_upload_refuses_procedure_units_and_bad_texts_and_saves_nothing(
        client, demo_procedure, translator, tmp_path):
    client.force_login(translator)
    upload_url = reverse("admin:content_glossaryterm_xliff_upload")
    glossary = _glossary_snapshot()
    path = export(tmp_path)  # the procedure's file and the glossary's
    set_target(path, "glossary:hepatic-artery.definition", "تعريف جيد.")
    response = client.post(upload_url, {"file": SimpleUploadedFile("all.xlf", path.read_bytes())})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    for unit_id in (f"{DEMO_SLUG}.procedure.title", f"{DEMO_SLUG}.procedure.summary"):
        assert f"Unit {unit_id} is a procedure&#x27;s text, not the glossary&#x27;s" in page

    data = _glossary_file(client, target="تعريف <script>x</script>")
    response = client.post(upload_url, {"file": SimpleUploadedFile("bad.xlf", data)})
    assert response.status_code == 400
    assert "Unit glossary:hepatic-artery.definition: Raw HTML is not allowed" in response.content.decode()
    assert _glossary_snapshot() == glossary


def test_only_those_who_may_write_arabic_may_upload_the_glossary(client, demo_procedure, editor, reviewer):
    upload_url = reverse("admin:content_glossaryterm_xliff_upload")
    download_url = reverse("admin:content_glossaryterm_xliff")
    for account in (editor, reviewer):
        client.force_login(account)
        listing = client.get(reverse("admin:content_glossaryterm_changelist")).content.decode()
        assert download_url in listing and upload_url not in listing
        assert client.get(download_url).status_code == 200
        assert client.get(upload_url).status_code == 403
        assert client.post(upload_url, {"file": SimpleUploadedFile("x.xlf", b"<x/>")}).status_code == 403
    client.force_login(make_staff("no-role"))
    assert client.get(download_url).status_code == 403


def test_a_procedures_upload_refuses_glossary_units_with_their_own_message(
        client, demo_procedure, translator, tmp_path):
    client.force_login(translator)
    path = export(tmp_path)  # the procedure and the glossary
    set_target(path, "glossary:chemotherapy.definition", "تعريف جديد.")
    glossary = _glossary_snapshot()
    response = client.post(reverse("admin:content_procedure_xliff_upload", args=[demo_procedure.pk]),
                           {"file": SimpleUploadedFile("all.xlf", path.read_bytes())})
    assert response.status_code == 400
    page = response.content.decode()
    assert ("Unit glossary:chemotherapy.definition is a glossary text: upload the glossary&#x27;s "
            "file on the glossary&#x27;s page.") in page
    assert "belongs to another procedure" not in page
    assert _glossary_snapshot() == glossary
