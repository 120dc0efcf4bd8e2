"""Reading procedures and the clinic from content files (the format is in content/demo/README.md).

Everything in a folder is read and checked before anything is written, so a bad file stops the
load with a message naming the file, and the database is left as it was.
"""

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from content import languages
from content.editing import codes as code_systems
from content.editing.models import (
    Citation,
    Clinic,
    GlossaryTerm,
    Procedure,
    ProcedureCode,
    Question,
    SaveOrigin,
    Section,
)
from content.editing.revisions import latest_revision, record_revision, save_clinic
from content.files.pictures import PictureFileError, load_pictures, read_picture_folder
from content.publishing.glossary import latest_glossary
from content.publishing.glossary_workflow import publish_glossary
from content.publishing.localized import text_entry
from content.publishing.workflow import WorkflowRefused, publish_revision
from content.rendering.markdown import (
    authoring_problems,
    bidi_controls,
    missing_citations,
    plain_text_problems,
    raw_html_tags,
)

SECTION_FILE = re.compile(r"^(?P<kind>[a-z_]+)\.(?P<language>[a-z]{2})\.md$")
QUESTION_FILE = re.compile(r"^(?P<position>\d{2})-[a-z0-9-]+\.(?P<language>[a-z]{2})\.md$")
PROCEDURE_KEYS = {"slug", "status", "last_reviewed", "next_review_due", "reviewer_name",
                  "translated_by", *languages.CODES, "citations", "codes"}
PROCEDURE_TEXT_KEYS = {"title", "short_name", "also_known_as", "summary"}
# The reviewer's role is said in each language too, but belongs to the published version.
PUBLICATION_TEXT_KEYS = {"reviewer_role"}
CITATION_KEYS = {"number", "kind", "authors", "title", "source", "year", "date", "doi", "url",
                 "accessed"}
CLINIC_TEXT_FIELDS = {"phone", "after_hours_phone", "open_days", "time_zone"}
CLINIC_TIME_FIELDS = {"opens_at", "closes_at"}
CLINIC_KEYS = {*CLINIC_TEXT_FIELDS, *CLINIC_TIME_FIELDS, *languages.CODES}
CLINIC_TEXT_KEYS = {"name", "address", "emergency_instructions", "after_hours_note"}
GLOSSARY_KEYS = {"terms"}
GLOSSARY_TERM_KEYS = {"slug", *languages.CODES}
GLOSSARY_TEXT_KEYS = {"term", "other_forms", "definition"}


class ContentFileError(Exception):
    """A content file that cannot be loaded; the message says which file and what is wrong."""

    def __init__(self, path, problem, line=None):
        self.path, self.problem, self.line = Path(path), problem, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass
class ProcedureFiles:
    folder: Path
    fields: dict
    # status, review dates, reviewer and translator: how the files' content is to be published.
    publication: dict = field(default_factory=dict)
    sections: dict = field(default_factory=dict)   # kind -> {"heading_en": ..., "body_ar": ...}
    questions: dict = field(default_factory=dict)  # position -> {"question_en": ...}
    citations: list = field(default_factory=list)  # dicts of Citation fields
    codes: list = field(default_factory=list)  # (system, code) pairs


def _read_toml(path):
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentFileError(path, "file not found") from None
    except UnicodeDecodeError:
        raise ContentFileError(path, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentFileError(path, f"not valid TOML ({error})") from None


def _check_keys(path, table, allowed, where="the file"):
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ContentFileError(
            path, f"unknown key(s) in {where}: {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )


def _check_type(path, value, kind, name):
    if value is not None and not isinstance(value, kind):
        expected = {str: "text", int: "a whole number", datetime.date: "a date (YYYY-MM-DD)"}
        raise ContentFileError(path, f"{name} must be {expected.get(kind, kind.__name__)}")
    return value


def _plain_text(path, value, where):
    """A plain text read from a file, held to the same authoring rule as the admin's fields
    (content.rendering.markdown.plain_text_problems); `where` names the field in the file."""
    with translation.override(languages.SOURCE):  # the loader speaks English, like its other messages
        problems = plain_text_problems(value)
    if problems:
        raise ContentFileError(path, f"{where}: {' '.join(problems)}")
    return value


def _read_markdown(path, heading_name="heading"):
    language = path.name.removesuffix(".md").rpartition(".")[2]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentFileError(path, "not UTF-8 text") from None
    # The first line `# Heading` is the title or question, not part of the Markdown body: a plain
    # text, like the heading or question field it fills.
    heading, body = _split_heading(text)
    with translation.override(languages.SOURCE):  # the loader speaks English, like its other messages
        heading_problems = plain_text_problems(heading)
        problems = authoring_problems(body, language)
    if heading_problems:
        line_number = next(number for number, line in enumerate(text.splitlines(), 1) if line.strip())
        raise ContentFileError(path, f"the {heading_name} (its first line '# ...'): "
                                     f"{' '.join(heading_problems)}", line_number)
    if problems:
        # The line of the first raw HTML or direction control, where there is one, to start at.
        line_number = next(
            (number for number, line in enumerate(text.splitlines(), 1)
             if raw_html_tags(line) or bidi_controls(line)), None,
        )
        raise ContentFileError(path, " ".join(problems), line_number)
    return text


def _split_heading(text):
    """A first line `# Heading` becomes the heading; the rest is the body."""
    lines = text.strip().splitlines()
    if lines and lines[0].startswith("# "):
        return lines[0][2:].strip(), "\n".join(lines[1:]).strip()
    return "", text.strip()


def read_procedure_folder(folder):
    folder = Path(folder)
    toml_path = folder / "procedure.toml"
    data = _read_toml(toml_path)
    _check_keys(toml_path, data, PROCEDURE_KEYS)
    slug = _check_type(toml_path, data.get("slug"), str, "slug")
    if not slug or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise ContentFileError(toml_path, "slug must be lower-case ASCII letters, digits, hyphens")
    status = data.get("status", Procedure.Status.DRAFT)
    if status not in Procedure.Status.values:
        raise ContentFileError(
            toml_path, f"status {status!r} is not one of {', '.join(Procedure.Status.values)}"
        )
    fields = {"slug": slug}
    publication = {"status": status}
    for name in ("last_reviewed", "next_review_due"):
        publication[name] = _check_type(toml_path, data.get(name), datetime.date, name)
    for name in ("reviewer_name", "translated_by"):
        value = _check_type(toml_path, data.get(name, ""), str, name).strip()
        publication[name] = _plain_text(toml_path, value, name)
    if status == Procedure.Status.PUBLISHED and not (publication["last_reviewed"]
                                                     and publication["reviewer_name"]):
        raise ContentFileError(
            toml_path, "a published procedure needs last_reviewed and reviewer_name: patients "
            "are told who reviewed it and when")
    if (publication["last_reviewed"] and publication["next_review_due"]
            and publication["next_review_due"] < publication["last_reviewed"]):
        raise ContentFileError(toml_path, "next_review_due is before last_reviewed")
    for language in languages.CODES:
        texts = data.get(language, {})
        _check_keys(toml_path, texts, PROCEDURE_TEXT_KEYS | PUBLICATION_TEXT_KEYS, f"[{language}]")
        for name in sorted(PROCEDURE_TEXT_KEYS):
            value = _check_type(toml_path, texts.get(name, ""), str, f"[{language}] {name}")
            fields[languages.field_name(name, language)] = _plain_text(toml_path, value.strip(),
                                                                       f"[{language}] {name}")
        role = _check_type(toml_path, texts.get("reviewer_role", ""), str, f"[{language}] reviewer_role")
        publication[languages.field_name("reviewer_role", language)] = _plain_text(
            toml_path, role.strip(), f"[{language}] reviewer_role")
    for name in ("title", "summary"):
        if not fields[languages.field_name(name, languages.SOURCE)]:
            raise ContentFileError(toml_path, f"[{languages.SOURCE}] {name} is required")
    procedure = ProcedureFiles(folder=folder, fields=fields, publication=publication)

    numbers = set()
    for index, entry in enumerate(data.get("citations", []), 1):
        where = f"[[citations]] number {index}"
        _check_keys(toml_path, entry, CITATION_KEYS, where)
        number = _check_type(toml_path, entry.get("number"), int, f"{where}: number")
        if number is None or number in numbers:
            raise ContentFileError(toml_path, f"{where}: a unique number is required")
        numbers.add(number)
        kind = entry.get("kind", Citation.Kind.ARTICLE)
        if kind not in Citation.Kind.values:
            raise ContentFileError(
                toml_path, f"{where}: kind {kind!r} is not one of {', '.join(Citation.Kind.values)}"
            )
        citation = {"number": number, "kind": kind}
        for name in ("authors", "title", "source", "doi", "url"):
            citation[name] = _check_type(toml_path, entry.get(name, ""), str, f"{where}: {name}")
        for name in ("authors", "title", "source"):
            _plain_text(toml_path, citation[name], f"{where}: {name}")
        if not citation["authors"]:
            raise ContentFileError(toml_path, f"{where}: authors are required")
        citation["year"] = _check_type(toml_path, entry.get("year"), int, f"{where}: year")
        for name in ("date", "accessed"):
            citation[name] = _check_type(
                toml_path, entry.get(name), datetime.date, f"{where}: {name}"
            )
        procedure.citations.append(citation)

    # codes = { cpt = ["36260"], icd10cm = ["C78.7", "C22.1"] }: what a health record knows it by.
    wanted_codes = data.get("codes", {})
    _check_type(toml_path, wanted_codes, dict, "codes")
    for key, values in sorted(wanted_codes.items()):
        system = code_systems.SYSTEMS.get(key)
        if system is None:
            raise ContentFileError(toml_path, f"codes: {key!r} is not one of "
                                   f"{', '.join(code_systems.SYSTEMS)}")
        for value in _check_type(toml_path, values, list, f"codes: {key}"):
            code = system.normalise(_check_type(toml_path, value, str, f"codes: {key}"))
            if not system.is_valid(code):
                raise ContentFileError(toml_path, f"codes: {value!r} is not a valid {system.label} code")
            procedure.codes.append((key, code))

    for path in sorted((folder / "sections").glob("*.md")):
        match = SECTION_FILE.match(path.name)
        if not match or match["language"] not in languages.CODES:
            raise ContentFileError(path, "name must be <kind>.<en|ar>.md")
        if match["kind"] not in Section.Kind.values:
            raise ContentFileError(
                path, f"unknown section kind {match['kind']!r}; "
                f"known kinds: {', '.join(Section.Kind.values)}"
            )
        heading, body = _split_heading(_read_markdown(path))
        _check_citations(path, body, numbers)
        language = match["language"]
        texts = procedure.sections.setdefault(match["kind"], {})
        texts[f"heading_{language}"], texts[f"body_{language}"] = heading, body

    for language in languages.CODES:
        # "Questions to ask your care team": a section of its own kind, with no heading in the file.
        path = folder / f"questions_to_ask.{language}.md"
        if path.is_file():
            body = _read_markdown(path).strip()
            _check_citations(path, body, numbers)
            texts = procedure.sections.setdefault(Section.Kind.QUESTIONS_TO_ASK.value, {})
            texts[f"heading_{language}"], texts[f"body_{language}"] = "", body

    for path in sorted((folder / "questions").glob("*.md")):
        match = QUESTION_FILE.match(path.name)
        if not match or match["language"] not in languages.CODES:
            raise ContentFileError(path, "name must be NN-short-name.<en|ar>.md")
        question, answer = _split_heading(_read_markdown(path, heading_name="question"))
        if not question:
            raise ContentFileError(path, "the first line must be the question, as '# Question?'", 1)
        _check_citations(path, answer, numbers)
        language = match["language"]
        texts = procedure.questions.setdefault(int(match["position"]), {})
        texts[f"question_{language}"], texts[f"answer_{language}"] = question, answer

    for kind, texts in procedure.sections.items():
        if not texts.get(languages.source_field("body")):
            if kind == Section.Kind.QUESTIONS_TO_ASK:
                raise ContentFileError(folder / f"{kind}.ar.md",
                                       f"has no English source file ({kind}.en.md)")
            raise ContentFileError(folder / "sections" / f"{kind}.ar.md",
                                   "has no English source file (sections/" f"{kind}.en.md)")
    for position, texts in procedure.questions.items():
        if not texts.get(languages.source_field("question")):
            raise ContentFileError(folder / "questions",
                                   f"question {position:02d} has no English source file")
    return procedure


def _check_citations(path, text, numbers):
    missing = missing_citations(text, numbers)
    if missing:
        marker = f"[^{missing[0]}]"
        line_number = next(
            (number for number, line in enumerate(text.splitlines(), 1) if marker in line), None
        )
        raise ContentFileError(
            path, f"cites {', '.join(f'[^{n}]' for n in missing)}, which is not in procedure.toml's "
            "citations", line_number,
        )


def _update(instance, values):
    """Set values and report whether anything differed, so an unchanged row is not saved."""
    changed = False
    for name, value in values.items():
        current = getattr(instance, name)
        # An empty translation may be stored as NULL or as "": both mean "no text".
        if current in (None, "") and value in (None, ""):
            continue
        if current != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _validate(row, path, what):
    """The model's own rules (URL schemes, DOI shape, lengths) apply to files as to the admin."""
    try:
        row.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise ContentFileError(path, f"{what}: {problems}") from None


@transaction.atomic
def load_procedure(files, update=False):
    # Validation messages and modeltranslation's plain field names follow the active language;
    # files are English-first whatever language the caller had active.
    with translation.override(languages.SOURCE):
        return _load_procedure(files, update)


def _load_procedure(files, update):
    """Create the procedure from its files, or with `update` bring it in line with them.

    What was loaded is recorded as a revision and, when the files say `status = "published"`,
    published as the next version with the reviewer and dates the files give. Returns
    "created", "updated", "unchanged" or "kept" (it exists and update was not asked for: staff
    edits in the admin are never overwritten by a plain load).
    """
    procedure = Procedure.objects.filter(slug=files.fields["slug"]).first()
    if procedure and not update:
        return "kept"
    outcome = "created" if procedure is None else "unchanged"
    procedure = procedure or Procedure()
    actor = files.publication.get("translated_by", "")
    if _update(procedure, files.fields) or procedure.pk is None:
        _validate(procedure, files.folder / "procedure.toml", "the procedure")
        procedure.actor = actor
        procedure.save()

    def sync(model, key, wanted):
        existing = {getattr(row, key): row for row in model.objects.filter(procedure=procedure)}
        for value, fields in wanted.items():
            row = existing.pop(value, None) or model(procedure=procedure, **{key: value})
            if _update(row, fields) or row.pk is None:
                _validate(row, files.folder, f"{model._meta.verbose_name} {value}")
                row.actor = actor
                row.save()
        for row in existing.values():
            row.delete()

    sync(Citation, "number", {c["number"]: c for c in files.citations})
    existing_codes = {(c.system, c.code): c for c in procedure.codes.all()}
    for system, code in files.codes:
        if existing_codes.pop((system, code), None) is None:
            ProcedureCode.objects.create(procedure=procedure, system=system, code=code)
    for row in existing_codes.values():
        row.delete()
    sync(Section, "kind", _with_all_languages(files.sections, ("heading", "body")))
    sync(Question, "position", _with_all_languages(files.questions, ("question", "answer")))
    revision = record_revision(procedure, origin=SaveOrigin.CONTENT_FILES)
    if revision is not None:
        outcome = "updated" if outcome == "unchanged" else outcome
    _publish_as_the_files_say(procedure, files)
    return outcome


def _publish_as_the_files_say(procedure, files):
    wanted = files.publication
    procedure.refresh_from_db()
    latest = latest_revision(procedure)
    if wanted["status"] == Procedure.Status.PUBLISHED:
        if procedure.live_version_id and procedure.live_version.revision_id == latest.pk:
            return
        reviewer = {
            "name": wanted["reviewer_name"],
            # The files' English and Arabic roles were written together.
            "role": text_entry(wanted, "reviewer_role",
                               {"source": wanted[languages.source_field("reviewer_role")]}),
        }
        try:
            publish_revision(procedure, latest, reviewer, last_reviewed=wanted["last_reviewed"],
                             next_review_due=wanted["next_review_due"])
        except WorkflowRefused as refused:
            raise ContentFileError(files.folder / "procedure.toml", str(refused)) from None
    elif wanted["status"] == Procedure.Status.IN_REVIEW and procedure.status == Procedure.Status.DRAFT:
        Procedure.objects.filter(pk=procedure.pk).update(status=Procedure.Status.IN_REVIEW)


def _with_all_languages(parts, names):
    """A missing translation file clears that language's text rather than leaving an old one."""
    return {
        key: {languages.field_name(name, language): texts.get(languages.field_name(name, language), "")
              for name in names for language in languages.CODES}
        for key, texts in parts.items()
    }


def read_clinic_file(path):
    path = Path(path)
    data = _read_toml(path)
    _check_keys(path, data, CLINIC_KEYS)
    fields = {}
    for name in sorted(CLINIC_TEXT_FIELDS):
        if name in data or name == "phone":
            value = _check_type(path, data.get(name, ""), str, name)
            fields[name] = _plain_text(path, value, name)
    for name in sorted(CLINIC_TIME_FIELDS):  # TOML local times: opens_at = 08:00:00
        fields[name] = _check_type(path, data[name], datetime.time, name) if name in data else None
    for language in languages.CODES:
        texts = data.get(language, {})
        _check_keys(path, texts, CLINIC_TEXT_KEYS, f"[{language}]")
        for name in sorted(CLINIC_TEXT_KEYS):
            value = _check_type(path, texts.get(name, ""), str, f"[{language}] {name}").strip()
            fields[languages.field_name(name, language)] = _plain_text(path, value, f"[{language}] {name}")
    if not fields[languages.source_field("name")]:
        raise ContentFileError(path, "[en] name is required")
    return fields


def load_clinic(fields, update=False):
    with translation.override(languages.SOURCE):
        return _load_clinic(fields, update)


def _load_clinic(fields, update):
    clinic = Clinic.current()
    if clinic and not update:
        return "kept"
    outcome = "created" if clinic is None else "unchanged"
    clinic = clinic or Clinic()
    if _update(clinic, fields) or clinic.pk is None:
        _validate(clinic, "clinic.toml", "the clinic")
        clinic.actor = fields.get("translated_by", "")
        save_clinic(clinic, origin=SaveOrigin.CONTENT_FILES)
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def read_glossary_file(path):
    """The glossary's terms as GlossaryTerm field values, keyed by slug, checked before writing."""
    path = Path(path)
    data = _read_toml(path)
    _check_keys(path, data, GLOSSARY_KEYS)
    terms = {}
    for index, entry in enumerate(data.get("terms", []), 1):
        where = f"[[terms]] number {index}"
        _check_keys(path, entry, GLOSSARY_TERM_KEYS, where)
        slug = _check_type(path, entry.get("slug"), str, f"{where}: slug")
        if not slug or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or slug in terms:
            raise ContentFileError(path, f"{where}: a unique slug of lower-case ASCII letters, "
                                         "digits and hyphens is required")
        fields = {}
        for language in languages.CODES:
            texts = entry.get(language, {})
            _check_keys(path, texts, GLOSSARY_TEXT_KEYS, f"{where} [{language}]")
            for name in ("term", "definition"):
                value = _check_type(path, texts.get(name, ""), str, f"{where} [{language}] {name}").strip()
                fields[languages.field_name(name, language)] = _plain_text(
                    path, value, f"{where} ({slug}) [{language}] {name}")
            forms = texts.get("other_forms", [])
            if not isinstance(forms, list) or not all(isinstance(form, str) for form in forms):
                raise ContentFileError(path, f"{where} [{language}] other_forms must be a list of text")
            fields[languages.field_name("other_forms", language)] = _plain_text(
                path, "\n".join(form.strip() for form in forms if form.strip()),
                f"{where} ({slug}) [{language}] other_forms")
        if not fields[languages.source_field("term")] or not fields[languages.source_field("definition")]:
            raise ContentFileError(path, f"{where} ({slug}): [en] term and definition are required")
        terms[slug] = fields
    return terms


def load_glossary(terms, update=False):
    with translation.override(languages.SOURCE):
        return _load_glossary(terms, update)


def _load_glossary(terms, update):
    """Add the file's terms that are missing; with `update`, bring existing ones in line too.
    Returns "created", "updated", "unchanged" or "kept", like the other loaders."""
    existing = {term.slug: term for term in GlossaryTerm.objects.filter(slug__in=terms)}
    created = updated = False
    for slug, fields in terms.items():
        term = existing.get(slug)
        if term is not None and not update:
            continue
        term = term or GlossaryTerm(slug=slug)
        if _update(term, fields) or term.pk is None:
            _validate(term, "glossary.toml", f"glossary term {slug}")
            created, updated = created or term.pk is None, updated or term.pk is not None
            term.save()
    if created:
        return "created"
    if updated:
        return "updated"
    return "unchanged" if update or len(existing) < len(terms) else "kept"


@dataclass
class ContentFolder:
    """Every file of a content folder, read and checked, not yet written to the database."""

    folder: Path
    clinic: dict | None
    glossary: dict | None
    procedures: list
    pictures: dict = field(default_factory=dict)  # slug -> {language: path} (content.files.pictures)


def read_content_folder(folder):
    """Read and check every file of `folder` (clinic.toml, glossary.toml, one sub-folder per
    procedure) before anything is written: a bad file raises ContentFileError naming it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ContentFileError(folder, "no such folder")
    clinic = read_clinic_file(folder / "clinic.toml") if (folder / "clinic.toml").exists() else None
    glossary_file = folder / "glossary.toml"
    glossary = read_glossary_file(glossary_file) if glossary_file.exists() else None
    procedures = [read_procedure_folder(path) for path in sorted(folder.iterdir())
                  if (path / "procedure.toml").is_file()]
    if clinic is None and glossary is None and not procedures:
        raise ContentFileError(folder, "holds neither clinic.toml nor a procedure folder (nor glossary.toml)")
    try:
        pictures = read_picture_folder(folder / "pictures")
    except PictureFileError as error:
        raise ContentFileError(folder / "pictures", str(error)) from None
    seen = {}
    for files in procedures:
        slug = files.fields["slug"]
        if slug in seen:
            raise ContentFileError(files.folder / "procedure.toml",
                                   f"slug {slug!r} is used by another folder too ({seen[slug].name})")
        seen[slug] = files.folder
    return ContentFolder(folder, clinic, glossary, procedures, pictures)


def load_content_folder(content, update=False):
    """Write what read_content_folder read, all or nothing; returns one line per outcome."""
    outcomes = []
    # All or nothing: a procedure the model refuses leaves the clinic unloaded too.
    with transaction.atomic():
        if content.clinic:
            outcomes.append(f"clinic: {load_clinic(content.clinic, update=update)}")
        # Before the procedures: a page carries the published glossary's terms as they are when it
        # is published. The files are reviewed content, so what they loaded is published as they
        # say, as their procedures are.
        if content.glossary is not None:
            loaded = load_glossary(content.glossary, update=update)
            outcomes.append(f"glossary: {loaded}")
            if loaded in ("created", "updated") or latest_glossary() is None:
                publication = publish_glossary(name=content.folder.name, origin=SaveOrigin.CONTENT_FILES)
                outcomes.append(f"glossary: published as version {publication.number}")
        # Before the procedures, whose texts show them.
        try:
            outcomes += load_pictures(content.pictures, update=update)
        except PictureFileError as error:
            raise ContentFileError(content.folder / "pictures", str(error)) from None
        for files in content.procedures:
            outcome = load_procedure(files, update=update)
            outcomes.append(f"procedure {files.fields['slug']}: {outcome}")
    return outcomes
