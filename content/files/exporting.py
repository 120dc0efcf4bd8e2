"""Writing the working copy out as content files, in the format content.files.importing reads
(content/demo/README.md): every procedure, the clinic and the glossary.

Files are written in one canonical shape (key order, blank lines, a Markdown file per text), so
exporting, importing into an empty database and exporting again gives the same bytes, and so does
exporting right after loading the demo. The format holds what staff edit, not its history:
revisions, earlier published versions and the per-field translation records stay in the database
(a folder brought back in gives each text a fresh record, as the demo does).
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

from content import languages
from content.editing.models import Citation, Clinic, GlossaryTerm, Procedure, Section
from content.editing.pictures import Picture, PictureFile
from content.editing.revisions import snapshot
from content.publishing.document import translators

# The first line of every TOML file the export writes (and of the demo's, which is one).
TOML_HEADER = "# Patient education portal content; the format is described in content/demo/README.md.\n"
QUESTION_NAME_WORDS = 5


class ExportRefused(Exception):
    """The folder cannot be written; the message says why."""


def toml_string(text):
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as is."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value):
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _table(pairs, keep_empty=()):
    """`key = value` lines for the pairs whose value is not empty (or is named in keep_empty)."""
    return "".join(f"{key} = {_value(value)}\n" for key, value in pairs
                   if value not in (None, "", []) or key in keep_empty)


def _language_tables(prefix, texts_by_language, keep_empty=()):
    """`[en]`, `[ar]` (or `[terms.en]`...) tables, each only if it has a text."""
    blocks = []
    for language in languages.CODES:
        if _table(texts_by_language[language]):
            body = _table(texts_by_language[language], keep_empty)
            blocks.append(f"[{prefix}{language}]\n{body}")
    return blocks


def _markdown(body, heading=""):
    body = (body or "").strip()
    return f"# {heading.strip()}\n\n{body}\n" if heading.strip() else f"{body}\n"


def question_file_stem(position, english_question):
    """`NN-first-words`: the question's place and the first words of its English, in ASCII."""
    words = re.findall(r"[a-z0-9]+", english_question.lower())[:QUESTION_NAME_WORDS]
    return f"{position:02d}-{'-'.join(words) or 'question'}"


def clinic_file(clinic):
    texts = {language: [(name, getattr(clinic, languages.field_name(name, language)) or "")
                        for name in ("name", "address", "emergency_instructions", "after_hours_note")]
             for language in languages.CODES}
    # The opening hours and the after-hours line (content.files.importing's CLINIC_*_FIELDS).
    contact = [(name, getattr(clinic, name)) for name in
               ("phone", "open_days", "opens_at", "closes_at", "time_zone", "after_hours_phone")]
    blocks = [_table(contact), *_language_tables("", texts)]
    return TOML_HEADER + "\n".join(block for block in blocks if block)


def glossary_file(terms):
    blocks = []
    for term in terms:
        texts = {}
        for language in languages.CODES:
            forms = [form.strip() for form in
                     (getattr(term, languages.field_name("other_forms", language)) or "").splitlines()
                     if form.strip()]
            texts[language] = [
                ("term", getattr(term, languages.field_name("term", language)) or ""),
                ("other_forms", forms),
                ("definition", getattr(term, languages.field_name("definition", language)) or ""),
            ]
        blocks.append("[[terms]]\n" + _table([("slug", term.slug)])
                      + "".join(_language_tables("terms.", texts, keep_empty={"other_forms"})))
    return TOML_HEADER + "\n" + "\n".join(blocks)


def _publication_fields(procedure, content):
    """status, review dates, reviewer and translator: what the importer needs to publish the
    working copy again as it stands (only a working copy that is itself live is "published")."""
    live = procedure.live_version
    published = procedure.status == Procedure.Status.PUBLISHED and live is not None
    status = procedure.status if procedure.status != Procedure.Status.PUBLISHED or published \
        else Procedure.Status.DRAFT
    names = ", ".join(entry["name"] for entry in translators(content))
    fields = [("slug", procedure.slug), ("status", status)]
    roles = {language: "" for language in languages.CODES}
    if published:
        reviewer = live.document.get("reviewer") or {}
        roles = {language: (reviewer.get("role") or {}).get(language, "") for language in languages.CODES}
        fields += [("last_reviewed", live.last_reviewed), ("next_review_due", live.next_review_due),
                   ("reviewer_name", reviewer.get("name", ""))]
    return [*fields, ("translated_by", names)], roles


def _citation_table(citation):
    pairs = [("number", citation.number),
             ("kind", "" if citation.kind == Citation.Kind.ARTICLE else citation.kind)]
    pairs += [(name, getattr(citation, name))
              for name in ("authors", "title", "source", "year", "date", "doi", "url", "accessed")]
    return "[[citations]]\n" + _table(pairs)


def procedure_files(procedure):
    """{relative path: text} for one procedure's folder."""
    content = snapshot(procedure)
    top, roles = _publication_fields(procedure, content)
    texts = {language: [(name, getattr(procedure, languages.field_name(name, language)) or "")
                        for name in ("title", "short_name", "also_known_as", "summary")]
             + [("reviewer_role", roles[language])]
             for language in languages.CODES}
    blocks = [_table(top), *_language_tables("", texts)]
    codes = {}
    for code in procedure.codes.order_by("pk"):
        codes.setdefault(code.system, []).append(code.code)
    if codes:
        blocks.append("[codes]\n" + _table(sorted(codes.items())))
    blocks += [_citation_table(citation) for citation in procedure.citations.order_by("number")]
    files = {"procedure.toml": TOML_HEADER + "\n".join(blocks)}

    def english(row, name):
        return getattr(row, languages.field_name(name, languages.SOURCE)) or ""

    for section in procedure.sections.order_by("position"):
        for language in languages.CODES:
            body = getattr(section, languages.field_name("body", language)) or ""
            if not body.strip():
                continue  # no file: "not yet translated"
            if section.kind == Section.Kind.QUESTIONS_TO_ASK:
                files[f"questions_to_ask.{language}.md"] = _markdown(body)
            else:
                heading = getattr(section, languages.field_name("heading", language)) or ""
                files[f"sections/{section.kind}.{language}.md"] = _markdown(body, heading)
    for position, question in enumerate(procedure.questions.all(), 1):
        stem = question_file_stem(position, english(question, "question"))
        for language in languages.CODES:
            text = getattr(question, languages.field_name("question", language)) or ""
            if not text.strip():
                continue
            answer = getattr(question, languages.field_name("answer", language)) or ""
            files[f"questions/{stem}.{language}.md"] = _markdown(answer, text)
    return files


RASTER_SUFFIXES = ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"RIFF", ".webp"))


def _picture_suffix(picture_file, data):
    if picture_file.kind == PictureFile.Kind.DRAWING:
        return ".svg"
    return next((suffix for magic, suffix in RASTER_SUFFIXES if data.startswith(magic)), ".png")


def picture_files():
    """`pictures/<slug>.<language>.<svg|png|jpg|webp>`: each picture's files as they came in."""
    files = {}
    for picture in Picture.objects.select_related("source_file", "translation_file").order_by("slug"):
        for language, picture_file in ((languages.SOURCE, picture.source_file),
                                       (languages.TRANSLATION, picture.translation_file)):
            if picture_file is None or not picture_file.original:
                continue
            data = bytes(picture_file.original)
            files[f"pictures/{picture.slug}.{language}{_picture_suffix(picture_file, data)}"] = data
    return files


def content_files():
    """{relative path: text, or bytes for a picture} for everything the export writes."""
    files = {}
    clinic = Clinic.current()
    if clinic is not None:
        files["clinic.toml"] = clinic_file(clinic)
    terms = list(GlossaryTerm.objects.order_by("pk"))
    if terms:
        files["glossary.toml"] = glossary_file(terms)
    files.update(picture_files())
    procedures = Procedure.objects.select_related("live_version").order_by("slug")
    for procedure in procedures:
        for path, text in procedure_files(procedure).items():
            files[f"{procedure.slug}/{path}"] = text
    return files


def export_folder(folder):
    """Write every file into `folder`, which must not exist yet or be empty. The files are
    written into a new folder beside it, which then takes its place: a failure leaves nothing
    half-written. Returns the relative paths written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportRefused(f"{folder}: exists and is not an empty folder; export into a new one")
    parent = folder.resolve().parent
    if not parent.is_dir():
        raise ExportRefused(f"{parent}: no such folder")
    files = content_files()
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=parent))
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8", newline="\n")
        staging.chmod(0o777 & ~_umask())
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(files)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
