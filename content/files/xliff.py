"""Translations out to a translation agency's tools and back in: XLIFF 2.0, core only.

One <file> per procedure (its id the procedure's slug), one <unit> per translated text whose
English is not empty, its id naming the procedure, the part and the field:

    hai-pump-chemotherapy.procedure.title
    hai-pump-chemotherapy.section.risks.body
    hai-pump-chemotherapy.question.17.answer      (17: the question's id, stable when reordered)

The glossary, patient-facing text like the pages, may travel in the same document as one more
<file id="glossary:terms">, a unit per term's field with English, terms in slug order, each named
like "glossary chemotherapy definition":

    glossary:chemotherapy.term
    glossary:chemotherapy.other_forms
    glossary:chemotherapy.definition

A procedure's address name holds no colon, so a glossary unit's id never names a procedure.

The <source> is the English as it was when the file was written, the <target> the translation as
it was (absent when there is none); the segment's state is "translated" for a translation written
against that English and "initial" for a missing or out-of-date one.

Importing is all or nothing: the whole file is read and every unit checked (the one authoring
rule, sizes, citation markers) before anything is written; then the changed texts are saved the
way the admin saves them (the account as the one who wrote them, per-field freshness). Each
procedure's changes are recorded as one new revision; each glossary term's in its admin history
(the glossary has no revisions: patients read it once a clinical reviewer publishes it). A unit
whose English changed after the file was written is still imported, but its translation is
recorded as written against the English in the file, so it stays flagged out of date until a
translator looks at the new English.
"""

import pyexpat
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from content import languages
from content.editing import freshness, roles
from content.editing.models import (
    GlossaryTerm,
    Procedure,
    Question,
    SaveOrigin,
    Section,
    person_name,
    reject_raw_html,
)
from content.editing.revisions import record_revision
from content.rendering.markdown import authoring_problems, missing_citations, plain_text_problems

NAMESPACE = "urn:oasis:names:tc:xliff:document:2.0"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
VERSION = "2.0"
MAX_FILE_BYTES = 20 * 1024 * 1024
TRANSLATED_STATES = {"translated", "reviewed", "final"}
STATES = {"initial"} | TRANSLATED_STATES
# The glossary's name, and what its units' ids and its <file> id start with: a procedure's address
# name holds no colon, so neither can be taken by a procedure called "glossary" (XLIFF wants the
# file ids of a document unique).
GLOSSARY = "glossary"
GLOSSARY_UNIT_PREFIX = f"{GLOSSARY}:"
GLOSSARY_FILE_ID = f"{GLOSSARY_UNIT_PREFIX}terms"


def _tag(name):
    return f"{{{NAMESPACE}}}{name}"


class XliffRefused(Exception):
    """A file that cannot be imported, or an account that may not import it. `problems` lists
    every reason, each naming the unit or the part of the file it is about; nothing was changed."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Text:
    """One translated text of the working copy: its row, its field and its unit id."""

    unit_id: str
    row: object
    field: str
    label: str

    def english(self):
        return self.row.english(self.field)

    def translation(self, language):
        return getattr(self.row, languages.field_name(self.field, language), None) or ""

    @property
    def is_markdown(self):
        return reject_raw_html in type(self.row)._meta.get_field(self.field).validators


def _in_form_order(model):
    """The model's translated fields in the order it declares them (title before summary)."""
    names = set(model.translated_text_fields)
    return [f.name for f in model._meta.get_fields() if getattr(f, "name", None) in names]


def procedure_texts(procedure):
    """Every translated text of a procedure's working copy, in page order."""
    slug = procedure.slug
    texts = [Text(f"{slug}.procedure.{name}", procedure, name, name) for name in _in_form_order(Procedure)]
    for section in procedure.sections.order_by("position"):
        texts += [Text(f"{slug}.section.{section.kind}.{name}", section, name, f"{section.kind} {name}")
                  for name in _in_form_order(Section)]
    for position, question in enumerate(procedure.questions.all(), 1):
        texts += [Text(f"{slug}.question.{question.pk}.{name}", question, name,
                       f"question {position} {name}") for name in _in_form_order(Question)]
    return texts


def glossary_texts(terms=None):
    """Every translated text of the glossary's working copy (or of the `terms` given), terms in
    slug order."""
    terms = GlossaryTerm.objects.all() if terms is None else terms
    return [Text(f"{GLOSSARY_UNIT_PREFIX}{term.slug}.{name}", term, name, f"{GLOSSARY} {term.slug} {name}")
            for term in terms.order_by("slug") for name in _in_form_order(GlossaryTerm)]


def is_glossary_unit(unit_id):
    return unit_id.startswith(GLOSSARY_UNIT_PREFIX)


def glossary_slug(unit_id):
    """The term a glossary unit is about: "chemotherapy" for glossary:chemotherapy.term."""
    return unit_id.removeprefix(GLOSSARY_UNIT_PREFIX).partition(".")[0]


def procedure_slug(unit_id):
    return unit_id.partition(".")[0]


def check_language(language):
    if language not in languages.TRANSLATIONS:
        raise XliffRefused([_("%(language)s is not a language texts are translated into; choose "
                              "one of: %(choices)s.") % {
            "language": language or "-", "choices": ", ".join(languages.TRANSLATIONS)}])


# ---------------------------------------------------------------- writing

def export_xliff(procedures, language, glossary=False):
    """The XLIFF 2.0 document (bytes, UTF-8) of the procedures' texts in `language`, and with
    `glossary` the glossary's too."""
    check_language(language)
    ElementTree.register_namespace("", NAMESPACE)
    root = ElementTree.Element(_tag("xliff"), {
        "version": VERSION, "srcLang": languages.SOURCE, "trgLang": language})
    for procedure in procedures:
        _write_file(root, procedure.slug, procedure_texts(procedure), language)
    if glossary:
        _write_file(root, GLOSSARY_FILE_ID, glossary_texts(), language, original=GLOSSARY)
    ElementTree.indent(root, space="  ")
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + ElementTree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n")


def _write_file(root, file_id, texts, language, original=None):
    """One <file> of the texts whose English is not empty; none when no text has English (the
    core schema wants a unit in every file)."""
    file = ElementTree.Element(_tag("file"), {
        "id": file_id, "original": original or file_id,
        "srcDir": languages.direction(languages.SOURCE), "trgDir": languages.direction(language),
        # Markdown and one-per-line lists: line breaks and indentation are meaning, not layout.
        f"{{{XML_NAMESPACE}}}space": "preserve"})
    for text in texts:
        english = text.english()
        if not freshness.normalise(english):
            continue  # nothing to translate
        translated = text.translation(language)
        state = freshness.field_state(english, translated, (text.row.translation or {}).get(text.field))
        unit = ElementTree.SubElement(file, _tag("unit"), {"id": text.unit_id, "name": text.label})
        segment = ElementTree.SubElement(unit, _tag("segment"), {
            "state": "translated" if state == freshness.CURRENT else "initial"})
        ElementTree.SubElement(segment, _tag("source")).text = english
        if freshness.normalise(translated):
            ElementTree.SubElement(segment, _tag("target")).text = translated
    if len(file):
        root.append(file)


# ---------------------------------------------------------------- reading

def _refuse_declarations(*args):
    raise ValueError(_("it declares a document type or entities, which an XLIFF file never needs "
                       "(refused so that nothing is fetched or expanded)"))


def parse_xml(data):
    """The document's root element. No document type, entity declaration or external entity is
    accepted, so nothing is fetched and no entity expands (a "billion laughs" file is refused at
    its DOCTYPE); the parser never looks anything up."""
    if len(data) > MAX_FILE_BYTES:
        raise XliffRefused([_("The file is larger than %(megabytes)d MB.")
                            % {"megabytes": MAX_FILE_BYTES // (1024 * 1024)}])
    builder = ElementTree.TreeBuilder()
    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.ExternalEntityRefHandler = _refuse_declarations
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.ordered_attributes = False

    def name(raw):
        return "{" + raw if "}" in raw else raw

    parser.StartElementHandler = lambda tag, attrs: builder.start(
        name(tag), {name(key): value for key, value in attrs.items()})
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as error:
        raise XliffRefused([_("The file is not well-formed XML: %(error)s.") % {"error": error}]) from None
    except ValueError as error:
        raise XliffRefused([_("The file cannot be read: %(error)s.") % {"error": error}]) from None
    return builder.close()


@dataclass
class UnitIn:
    unit_id: str
    source: str
    target: str | None
    state: str


@dataclass
class Change:
    text: Text
    target: str
    source: str
    english_changed: bool
    confirm: bool = False


@dataclass
class ImportResult:
    """What an import did: the revisions it recorded, the units it brought in, and those whose
    English had changed since the file was written (imported, still flagged out of date)."""

    language: str
    revisions: list = field(default_factory=list)  # (procedure, revision)
    imported: list = field(default_factory=list)   # unit ids
    outdated: list = field(default_factory=list)   # unit ids

    def messages(self):
        lines = []
        for procedure, revision in self.revisions:
            lines.append(_("Revision %(number)d of %(procedure)s saved.")
                         % {"procedure": procedure.slug, "number": revision.number})
        lines.append(_("Texts imported: %(count)d.") % {"count": len(self.imported)})
        glossary = [unit_id for unit_id in self.imported if is_glossary_unit(unit_id)]
        if glossary:
            lines.append(_("Glossary texts among them: %(count)d (%(terms)s).") % {
                "count": len(glossary), "terms": ", ".join(sorted({glossary_slug(u) for u in glossary}))})
            lines.append(_("Patients read the glossary's new texts once a clinical reviewer publishes "
                           "the glossary."))
        # Last: the admin shows this line as a warning.
        if self.outdated:
            lines.append(_("Their English changed after the file was written, so these stay "
                           "flagged out of date until a translator checks them: %(units)s.")
                         % {"units": ", ".join(self.outdated)})
        return lines


def _plain(element, unit_id, problems):
    """The text of <source> or <target>: inline markup is not something the portal's texts hold."""
    if element is None:
        return None
    if len(element):
        problems.append(_("Unit %(unit)s holds markup (<%(tag)s>); only plain text can be imported.")
                        % {"unit": unit_id, "tag": element[0].tag.rpartition("}")[2]})
        return None
    return element.text or ""


def read_units(root, language):
    """The units of a parsed file, after checking its version and languages."""
    problems = []
    if root.tag != _tag("xliff"):
        raise XliffRefused([_("This is not an XLIFF 2.0 file: its root element is <%(tag)s>, not "
                              "<xliff> in the namespace %(namespace)s.")
                            % {"tag": root.tag, "namespace": NAMESPACE}])
    if root.get("version") != VERSION:
        raise XliffRefused([_("The file is XLIFF version %(version)s; only version %(expected)s can be "
                              "imported.") % {"version": root.get("version") or "-", "expected": VERSION}])
    if root.get("srcLang") != languages.SOURCE:
        problems.append(_("The file's source language is %(found)s; it must be %(expected)s, the "
                          "language the portal's texts are written in.")
                        % {"found": root.get("srcLang") or "-", "expected": languages.SOURCE})
    target_language = root.get("trgLang")
    if target_language == languages.SOURCE:
        problems.append(_("The file's target language is %(found)s, the source language: only "
                          "translations are imported, never the English.") % {"found": target_language})
    elif target_language != language:
        problems.append(_("The file's target language is %(found)s, not %(expected)s.")
                        % {"found": target_language or "-", "expected": language})
    if problems:
        raise XliffRefused(problems)
    units, seen = [], set()
    for file in root.findall(_tag("file")):
        for unit in file.iter(_tag("unit")):
            unit_id = unit.get("id") or ""
            if unit_id in seen:
                problems.append(_("Unit %(unit)s appears twice.") % {"unit": unit_id})
                continue
            seen.add(unit_id)
            sources, targets, states = [], [], []
            for part in unit:
                if part.tag not in (_tag("segment"), _tag("ignorable")):
                    continue
                source = _plain(part.find(_tag("source")), unit_id, problems)
                target = _plain(part.find(_tag("target")), unit_id, problems)
                sources.append(source or "")
                targets.append(target)
                if part.tag == _tag("segment"):
                    states.append(part.get("state", "initial"))
            unknown_states = sorted(set(states) - STATES)
            if unknown_states:
                problems.append(_("Unit %(unit)s: unknown state %(state)s.")
                                % {"unit": unit_id, "state": unknown_states[0]})
            has_target = any(target is not None for target in targets)
            units.append(UnitIn(
                unit_id, "".join(sources),
                "".join(target or "" for target in targets) if has_target else None,
                # A unit is as far along as its least advanced segment.
                "initial" if not states or "initial" in states else states[0]))
    if problems:
        raise XliffRefused(problems)
    if not units:
        raise XliffRefused([_("The file holds no units to import.")])
    return units


def _text_problems(text, target, language, numbers):
    """The one authoring rule, as the admin's fields apply it, plus the field's size."""
    column = type(text.row)._meta.get_field(languages.field_name(text.field, language))
    if text.is_markdown:
        problems = list(authoring_problems(target, language))
        missing = missing_citations(target, numbers)
        if missing:
            problems.append(_("It cites %(markers)s, which the procedure's references do not have.")
                            % {"markers": ", ".join(f"[^{number}]" for number in missing)})
    else:
        problems = list(plain_text_problems(target))
    if column.max_length and len(target) > column.max_length:
        problems.append(_("It is %(length)d characters long; at most %(limit)d fit.")
                        % {"length": len(target), "limit": column.max_length})
    return problems


def _unit_slugs(units):
    """The address names the units are about: (procedures' slugs, glossary terms' slugs)."""
    procedures, terms = set(), set()
    for unit in units:
        if is_glossary_unit(unit.unit_id):
            terms.add(glossary_slug(unit.unit_id))
        else:
            procedures.add(procedure_slug(unit.unit_id))
    return procedures, terms


def _outside(unit_id, only):
    """Why a unit is not one of the texts of `only` (a procedure, or GLOSSARY); None if it is."""
    if only == GLOSSARY:
        if not is_glossary_unit(unit_id):
            return _("Unit %(unit)s is a procedure's text, not the glossary's: upload it on that "
                     "procedure's page.") % {"unit": unit_id}
    elif is_glossary_unit(unit_id):
        return _("Unit %(unit)s is a glossary text: upload the glossary's file on the glossary's "
                 "page.") % {"unit": unit_id}
    elif procedure_slug(unit_id) != only.slug:
        return _("Unit %(unit)s belongs to another procedure than %(procedure)s.") % {
            "unit": unit_id, "procedure": only.slug}
    return None


def plan_import(units, language, only=None):
    """Match units to the working copy and check every one: {owner: [Change]}, an owner being a
    procedure or GLOSSARY. With `only` (a procedure, or GLOSSARY), any other unit is refused."""
    if only is not None:
        problems = [problem for unit in units if (problem := _outside(unit.unit_id, only))]
        if problems:
            raise XliffRefused(problems)
    problems = []
    procedure_slugs, term_slugs = _unit_slugs(units)
    texts = {}  # unit id: (owner, text)
    for procedure in Procedure.objects.filter(slug__in=procedure_slugs):
        texts |= {text.unit_id: (procedure, text) for text in procedure_texts(procedure)}
    texts |= {text.unit_id: (GLOSSARY, text)
              for text in glossary_texts(GlossaryTerm.objects.filter(slug__in=term_slugs))}
    numbers = {}
    changes = {}
    for unit in units:
        if unit.unit_id not in texts:
            if is_glossary_unit(unit.unit_id):
                problems.append(_("Unit %(unit)s is not a text of this portal's glossary (a term "
                                  "renamed or removed since the file was written?).")
                                % {"unit": unit.unit_id})
            else:
                problems.append(_("Unit %(unit)s is not a text of this portal's working copy (a "
                                  "procedure renamed or a part removed since the file was written?).")
                                % {"unit": unit.unit_id})
            continue
        owner, text = texts[unit.unit_id]
        if unit.target is None or not freshness.normalise(unit.target):
            continue  # not translated in the file: nothing to bring in
        english = text.english()
        if not freshness.normalise(english):
            problems.append(_("Unit %(unit)s: its English is empty now, so there is nothing to "
                              "translate.") % {"unit": unit.unit_id})
            continue
        target = unit.target.replace("\r\n", "\n").replace("\r", "\n")
        if owner not in numbers:
            # The glossary's texts are plain text: they cite nothing.
            numbers[owner] = (set() if owner == GLOSSARY
                              else set(owner.citations.values_list("number", flat=True)))
        found = _text_problems(text, target, language, numbers[owner])
        if found:
            problems.append(_("Unit %(unit)s: %(problems)s")
                            % {"unit": unit.unit_id, "problems": " ".join(str(p) for p in found)})
            continue
        english_changed = freshness.normalise(unit.source) != freshness.normalise(english)
        current = text.translation(language)
        record = (text.row.translation or {}).get(text.field)
        state = freshness.field_state(english, current, record)
        if freshness.normalise(target) == freshness.normalise(current):
            # The same translation: in a tool's "translated" state against today's English it
            # says the translation still matches (a translator's "still matches").
            if state == freshness.OUTDATED and not english_changed and unit.state in TRANSLATED_STATES:
                changes.setdefault(owner, []).append(
                    Change(text, current, unit.source, english_changed=False, confirm=True))
            continue
        changes.setdefault(owner, []).append(Change(text, target, unit.source, english_changed))
    if problems:
        raise XliffRefused(problems)
    return changes


def check_account(user, language):
    if user is None or not user.is_active:
        raise XliffRefused([_("No active account to record the import under.")])
    if language == languages.SOURCE or not roles.can_edit_arabic(user):
        raise XliffRefused([_("The account %(user)s may not change %(language)s texts.")
                            % {"user": user.get_username(), "language": languages.name(language)}])


def import_xliff(data, user, language=None, only=None):
    """Bring a file's translations into the working copy as the account `user`; all or nothing
    (with `only`, a procedure or GLOSSARY, every unit must be one of its texts). Raises
    XliffRefused with every problem found; returns an ImportResult."""
    language = language or languages.TRANSLATION
    check_language(language)
    check_account(user, language)
    units = read_units(parse_xml(data), language)
    procedure_slugs, term_slugs = _unit_slugs(units)
    with transaction.atomic():
        # Checked and written under the procedures' and terms' row locks, so no save slips in
        # between (procedures first, then terms, always in that order).
        list(Procedure.objects.select_for_update().filter(slug__in=procedure_slugs).order_by("pk"))
        list(GlossaryTerm.objects.select_for_update().filter(slug__in=term_slugs).order_by("pk"))
        changes = plan_import(units, language, only)
        result = ImportResult(language)
        actor = person_name(user)
        glossary_changes = changes.pop(GLOSSARY, [])
        for procedure, procedure_changes in sorted(changes.items(), key=lambda item: item[0].slug):
            _apply_all(procedure_changes, language, actor, result)
            revision = record_revision(procedure, user, SaveOrigin.XLIFF)
            if revision is not None:
                result.revisions.append((procedure, revision))
        _apply_all(glossary_changes, language, actor, result)
        _log_glossary_import(glossary_changes, user, language)
    return result


def _apply_all(changes, language, actor, result):
    for change in changes:
        _apply(change, language, actor)
        result.imported.append(change.text.unit_id)
        if change.english_changed:
            result.outdated.append(change.text.unit_id)


def _log_glossary_import(changes, user, language):
    """The glossary has no revisions: each changed term's admin history says who imported which
    of its texts, and when."""
    fields = {}
    for change in changes:
        fields.setdefault(change.text.row, []).append(change.text.field)
    # Worded in the source language, as Django words the history it writes itself: a history
    # entry is stored text, read by everyone whatever language they read the admin in.
    with translation.override(languages.SOURCE):
        for term, names in sorted(fields.items(), key=lambda item: item[0].slug):
            message = _("%(language)s texts imported from an XLIFF file: %(fields)s.") % {
                "language": languages.name(language),
                "fields": ", ".join(str(GlossaryTerm._meta.get_field(name).verbose_name)
                                    for name in names)}
            LogEntry.objects.log_actions(user.pk, [term], CHANGE, message, single_object=True)


def _apply(change, language, actor):
    row, name = change.text.row, change.text.field
    # The save path every admin save takes: the account is who wrote the translation, and the
    # row records per field which English it was written against.
    setattr(row, languages.field_name(name, language), change.target)
    row.actor = actor
    row.confirmed_fields = {name} if change.confirm else set()
    row.save()
    if change.english_changed:
        # Written against the English in the file, not today's: it stays flagged out of date.
        records = dict(row.translation or {})
        records[name] = {**records.get(name, {}), "source": freshness.normalise(change.source)}
        row.translation = records
        row.save(update_fields=["translation"])
