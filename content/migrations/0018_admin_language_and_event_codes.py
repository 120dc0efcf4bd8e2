"""A per-account admin language; history notes and workflow details stored as codes and data.

Until now the history stored sentences in the language of whoever saved ("Restored from r1",
"content files", "From revision 1", "Overview: Text (Markdown)"), so a translator reading the
Arabic admin saw English. The notes the portal wrote are turned into codes here, recognised in
every language they could have been written in; anything not recognised (a note someone typed,
a wording from elsewhere) is kept as free text and shown as written.
"""

import re

from django.db import migrations, models
from django.utils import translation
from django.utils.translation import gettext

import content.editing.models
from content import languages

# The sentences the portal wrote before this migration, as msgids of its catalogue.
RESTORED_NOTE = "Restored from r%(number)d"
RESTORED_COMMENT = "From revision %(number)d"
QUESTION_PART = "Question %(number)d: %(field)s"
CONTENT_FILES = "content files"


def _pattern(template):
    """A regular expression matching `template` (a msgid's translation) with its number captured."""
    text = re.escape(template)
    text = text.replace(re.escape("%(number)d"), r"(?P<number>\d+)")
    text = text.replace(re.escape("%(field)s"), r"(?P<field>.+)")
    return re.compile(rf"^{text}$")


def _in_every_language(msgid):
    """The msgid's pattern in every language of the portal (the source language's msgid itself)."""
    patterns = []
    for code in languages.CODES:
        with translation.override(code):
            patterns.append(_pattern(gettext(msgid)))
    return patterns


def _match(patterns, text):
    for pattern in patterns:
        found = pattern.match(text.strip())
        if found:
            return found
    return None


def _part_labels(apps):
    """Every label a kept-meaning note could have named a part by, in every language, to the
    part it names: "Summary" -> {"field": "summary"}, "Overview: Text (Markdown)" -> {"section":
    "overview", "field": "body"}; questions are matched by pattern (_question_part)."""
    from content.editing.models import Procedure, Question, Section

    labels = {}
    for code in languages.CODES:
        with translation.override(code):
            for name in languages.translated_fields(Procedure):
                verbose = Procedure._meta.get_field(name).verbose_name
                labels[_capfirst(str(verbose))] = {"field": name}
            for kind, kind_label in Section.Kind.choices:
                for name in languages.translated_fields(Section):
                    verbose = _capfirst(str(Section._meta.get_field(name).verbose_name))
                    labels[f"{kind_label}: {verbose}"] = {"section": kind, "field": name}
    question_fields = {}
    for code in languages.CODES:
        with translation.override(code):
            for name in languages.translated_fields(Question):
                question_fields[_capfirst(str(Question._meta.get_field(name).verbose_name))] = name
    return labels, question_fields


def _capfirst(text):
    return text[:1].upper() + text[1:]


def notes_to_codes(apps, schema_editor):
    Revision = apps.get_model("content", "Revision")
    ClinicRevision = apps.get_model("content", "ClinicRevision")
    WorkflowEvent = apps.get_model("content", "WorkflowEvent")
    restored_notes = _in_every_language(RESTORED_NOTE)
    restored_comments = _in_every_language(RESTORED_COMMENT)
    question_parts = _in_every_language(QUESTION_PART)
    content_files = set()
    for code in languages.CODES:
        with translation.override(code):
            content_files.add(gettext(CONTENT_FILES))

    for revision in Revision.objects.exclude(note="").only("note", "created_by_name", "created_by"):
        found = _match(restored_notes, revision.note)
        if found:
            revision.note_code, revision.note_data = "restored", {"number": int(found["number"])}
        elif revision.note.strip() in content_files:
            revision.note_code, revision.note_data = "content_files", {}
            if revision.created_by_id is None and revision.created_by_name == revision.note:
                revision.created_by_name = ""
        else:
            continue
        revision.note = ""
        revision.save(update_fields=["note", "note_code", "note_data", "created_by_name"])

    ClinicRevision.objects.filter(created_by__isnull=True, created_by_name__in=content_files).update(
        created_by_name="", note_code="content_files")

    # The loader published the glossary as "content files (FOLDER)": the code, and the folder.
    GlossaryPublication = apps.get_model("content", "GlossaryPublication")
    published_by_files = [re.compile(rf"^{re.escape(name)} \((?P<folder>.+)\)$") for name in content_files]
    for publication in GlossaryPublication.objects.filter(published_by__isnull=True):
        found = _match(published_by_files, publication.published_by_name)
        if found:
            publication.note_code, publication.published_by_name = "content_files", found["folder"]
            publication.save(update_fields=["note_code", "published_by_name"])

    for event in WorkflowEvent.objects.filter(action="restored").exclude(comment=""):
        found = _match(restored_comments, event.comment)
        if found:
            event.data, event.comment = {"from": int(found["number"])}, ""
            event.save(update_fields=["data", "comment"])

    labels, question_fields = _part_labels(apps)
    for event in WorkflowEvent.objects.filter(action="meaning_kept").exclude(comment=""):
        parts = []
        for label in event.comment.split("; "):
            part = labels.get(label.strip())
            if part is None:
                found = _match(question_parts, label)
                name = question_fields.get(found["field"].strip()) if found else None
                part = {"question": int(found["number"]), "field": name} if name else None
            if part is None:
                break  # a note not of the portal's making: kept whole, as written
            parts.append(part)
        else:
            event.data, event.comment = {"parts": parts}, ""
            event.save(update_fields=["data", "comment"])


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0017_search_codes'),
    ]

    operations = [
        migrations.AddField(
            model_name='clinicrevision',
            name='note_code',
            field=models.CharField(blank=True, choices=[('restored', 'Restored from an earlier revision'), ('content_files', 'Loaded from content files'), ('xliff', 'Imported from an XLIFF file')], max_length=24),
        ),
        migrations.AddField(
            model_name='glossarypublication',
            name='note_code',
            field=models.CharField(blank=True, choices=[('restored', 'Restored from an earlier revision'), ('content_files', 'Loaded from content files'), ('xliff', 'Imported from an XLIFF file')], max_length=24),
        ),
        migrations.AddField(
            model_name='revision',
            name='note_code',
            field=models.CharField(blank=True, choices=[('restored', 'Restored from an earlier revision'), ('content_files', 'Loaded from content files'), ('xliff', 'Imported from an XLIFF file')], max_length=24),
        ),
        migrations.AddField(
            model_name='revision',
            name='note_data',
            field=models.JSONField(blank=True, default=dict, encoder=content.editing.models.UnicodeJSONEncoder),
        ),
        migrations.AddField(
            model_name='staffprofile',
            name='admin_language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('ar', 'Arabic')], help_text='The language of the admin for this person; empty follows the browser.', max_length=16, verbose_name='admin language'),
        ),
        migrations.AddField(
            model_name='workflowevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, encoder=content.editing.models.UnicodeJSONEncoder),
        ),
        migrations.RunPython(notes_to_codes, migrations.RunPython.noop),
    ]
